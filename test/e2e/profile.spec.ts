// A contact's profile, driven through the UI: a browser that visited the test website (another
// origin) is linked by hand from Visitors; its pages join the timeline; unlink and undo move them
// off and back (S10, both in the audit log); merge and undo; erase leaves nothing to find, in the
// app or in the journal's files.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, expect, type Page, test } from '@playwright/test';
import { bridgeCall } from '../support/bridge';
import { BROWSER_USER_AGENT, wholePageScreenshot } from '../support/browser';
import {
  addContact,
  addTrackedSite,
  choose,
  expectNoContactNamed,
  goToSection,
  listedNames,
  openApp,
  openProfile,
  runSuffix,
  search,
  type TrackedSite,
} from '../support/contacts-ui';

let site: TrackedSite | undefined;
test.afterEach(async () => {
  await site?.close();
  site = undefined;
});

/** Another device: a fresh browser context that browses the test site, then goes away. */
async function browseSite(browser: Browser, origin: string, paths: string[]): Promise<void> {
  const context = await browser.newContext({ userAgent: BROWSER_USER_AGENT });
  const page = await context.newPage();
  for (const path of paths) {
    await page.goto(`${origin}${path}`);
    await page.waitForLoadState('load');
    // The tracker sends its batch a second after the page view; a reader stays longer than that.
    await page.waitForTimeout(1_500);
  }
  await context.close();
}

/** Links the site's one anonymous visitor to a contact, from the Visitors page. */
async function linkVisitorTo(page: Page, siteName: string, contactName: string): Promise<void> {
  await goToSection(page, 'Visitors');
  await choose(page, 'Website', siteName);
  const table = page.getByRole('table', { name: 'Anonymous visitors' });
  await expect(table.getByRole('button', { name: 'Link to contact…' })).toHaveCount(1, { timeout: 20_000 });
  await expect(table).toContainText(siteName);
  await table.getByRole('button', { name: 'Link to contact…' }).click();
  const dialog = page.getByRole('dialog', { name: /^Link Visitor/ });
  await dialog.getByLabel('Contact', { exact: true }).fill(contactName);
  await page.getByRole('option', { name: new RegExp(`^${contactName}`) }).click();
  await dialog.getByRole('button', { name: 'Link visitor' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText('Visitor linked')).toBeVisible();
  await expect(page.getByText('No anonymous visitors here')).toBeVisible();
}

const region = (page: Page, name: string) => page.getByRole('region', { name });

test('a visitor linked by hand: its pages on the timeline; unlink and undo take them off and back (S10)', async ({
  page,
  browser,
}) => {
  const family = `Silva${runSuffix()}`;
  const name = `Ana ${family}`;
  await openApp(page);
  site = await addTrackedSite(page, `Shop ${family}`);
  await browseSite(browser, site.origin, ['/', '/pricing']);
  await addContact(page, {
    firstName: 'Ana',
    lastName: family,
    email: `ana.${family}@example.org`,
    phone: '+1 415 555 2671',
    tags: 'vip, spring',
    consent: ['SMS consent', 'WhatsApp consent'],
  });
  await linkVisitorTo(page, site.name, name);

  await openProfile(page, name);
  const identities = region(page, 'Identities');
  const timeline = region(page, 'Timeline');
  const link = identities.getByRole('listitem');
  await expect(link).toHaveCount(1);
  await expect(link).toContainText('Linked by hand at');
  await expect(link).toContainText('Chrome on Linux');
  await expect(timeline.getByRole('listitem').filter({ hasText: 'Page view' })).toHaveCount(2);
  await expect(timeline).toContainText('/pricing');
  await expect(
    page.getByText('are not linked to this contact until a tracked link is clicked'),
  ).toBeVisible();
  await expect(page.getByText('SMS consent', { exact: true })).toBeVisible();
  // Notices close themselves too, so one may vanish between finding and clicking it.
  const dismiss = page.getByRole('button', { name: 'Dismiss' });
  for (let tries = 0; tries < 5 && (await dismiss.count()) > 0; tries++) {
    await dismiss
      .first()
      .click({ timeout: 1_000 })
      .catch(() => undefined);
  }
  await expect(dismiss).toHaveCount(0);
  await wholePageScreenshot(page, 'test/e2e/__screenshots__/profile.png');

  // Unlink: the browser's visits leave the timeline; Undo in the notice brings them back.
  await link.getByRole('button', { name: /Unlink/ }).click();
  const notice = page.getByRole('alert').filter({ hasText: 'Link removed' });
  await expect(notice).toBeVisible();
  await expect(timeline).not.toContainText('/pricing');
  await expect(identities.getByRole('listitem')).toHaveCount(0);
  await notice.getByRole('button', { name: 'Undo' }).click();
  await expect(timeline).toContainText('/pricing');
  await expect(timeline.getByRole('listitem').filter({ hasText: 'Page view' })).toHaveCount(2);
  await expect(identities.getByRole('listitem')).toHaveCount(1);

  // Both steps are in the audit log; the removal shows as undone.
  await goToSection(page, 'Settings');
  const audit = page.getByRole('table', { name: 'Audit log' });
  const entry = (action: string) =>
    audit.getByRole('row').filter({ has: page.getByText(action, { exact: true }) });
  await expect(entry('Link removed')).toContainText('Undone');
  await expect(entry('Link removed')).toContainText(name);
  await expect(audit.getByRole('row').filter({ hasText: 'Undid entry' })).toContainText('(Link removed)');
  await expect(audit.getByRole('row').filter({ hasText: 'Visitor linked' })).toContainText(name);
});

test('merging a duplicate into a contact, then undoing it', async ({ page }) => {
  const family = `Costa${runSuffix()}`;
  await openApp(page);
  await addContact(page, { firstName: 'Ana', lastName: family, email: `ana.${family}@example.org` });
  await addContact(page, { firstName: 'Ana', lastName: `${family} Work`, phone: '+44 20 7946 0958' });

  await openProfile(page, `Ana ${family}`);
  await page.getByRole('button', { name: 'Merge with…' }).click();
  const dialog = page.getByRole('dialog', { name: `Merge with Ana ${family}` });
  await dialog.getByLabel('Duplicate contact to merge in').fill(`${family} work`);
  await page.getByRole('option', { name: new RegExp(`^Ana ${family} Work`) }).click();
  const preview = dialog.getByRole('table', { name: 'Merge preview' });
  await expect(preview.getByRole('row', { name: /Phone/ })).toContainText('+442079460958');
  await expect(preview.getByRole('row', { name: /Email/ })).toContainText(
    `ana.${family.toLowerCase()}@example.org`,
  );
  await dialog.getByRole('button', { name: 'Merge contacts' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText('Contacts merged')).toBeVisible();

  await goToSection(page, 'Contacts');
  await search(page, family);
  await expect.poll(() => listedNames(page)).toEqual([`Ana ${family}`]);
  await page
    .getByRole('alert')
    .filter({ hasText: 'Contacts merged' })
    .getByRole('button', { name: 'Undo' })
    .click();
  await expect
    .poll(async () => (await listedNames(page)).sort())
    .toEqual([`Ana ${family}`, `Ana ${family} Work`]);
});

test('erasing a contact names what goes, then nothing of them is found in search, visitors or the journal', async ({
  page,
  browser,
  request,
}) => {
  const family = `Moreau${runSuffix()}`;
  const name = `Ana ${family}`;
  await openApp(page);
  site = await addTrackedSite(page, `Shop ${family}`);
  await browseSite(browser, site.origin, ['/', '/pricing', '/signup']);
  await addContact(page, { firstName: 'Ana', lastName: family, email: `ana.${family}@example.org` });
  await linkVisitorTo(page, site.name, name);

  await openProfile(page, name);
  await expect(region(page, 'Timeline').getByRole('listitem').filter({ hasText: 'Page view' })).toHaveCount(
    3,
  );
  await page.getByRole('button', { name: 'Erase contact' }).click();
  const dialog = page.getByRole('dialog', { name: `Erase ${name}?` });
  await expect(dialog).toContainText('3 events');
  await expect(dialog).toContainText('1 linked browser');
  await expect(dialog).toContainText('0 messages');
  await expect(dialog).toContainText('suppressed');
  const journalBefore = await bridgeCall(request, 'journal.read', { fromOffset: 0, limit: 5000 });
  const herRecords = journalBefore.records.filter((r) => r.siteId === site?.siteId);
  const herBrowsers = [...new Set(herRecords.map((r) => r.event.anonymousId ?? ''))].filter(Boolean);
  expect(herBrowsers).toHaveLength(1);
  await dialog.getByRole('button', { name: 'Erase contact' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Contacts' })).toBeVisible();

  // Her browser's page views are redaction records now, at the same offsets, in every segment file.
  const journalAfter = await bridgeCall(request, 'journal.read', { fromOffset: 0, limit: 5000 });
  const byOffset = new Map(journalAfter.records.map((r) => [r.offset, r]));
  for (const record of herRecords) expect(byOffset.get(record.offset)?.event.type).toBe('redacted');
  const { dataDir } = await bridgeCall(request, 'app.info', undefined);
  const journalDir = join(dataDir, 'journal');
  for (const name of readdirSync(journalDir)) {
    const bytes = readFileSync(join(journalDir, name)).toString('latin1');
    for (const browserId of herBrowsers)
      expect(bytes.includes(browserId), `${name} holds ${browserId}`).toBe(false);
  }

  await expectNoContactNamed(page, family);
  await expectNoContactNamed(page, `ana.${family}@`);
  // Her browser is gone too: not listed as an anonymous visitor of the site (or at all).
  await goToSection(page, 'Visitors');
  const none = page.getByText('No visitors recorded', { exact: true });
  await expect(none.or(page.getByRole('combobox', { name: 'Website' }))).toBeVisible();
  if (!(await none.isVisible())) {
    await choose(page, 'Website', site.name);
    await expect(page.getByText('No anonymous visitors here')).toBeVisible();
  }
});

test('rebuilding the store from the journal keeps contacts, hand-made links and the pages they bring', async ({
  page,
  browser,
}) => {
  const family = `Nunes${runSuffix()}`;
  const name = `Ana ${family}`;
  await openApp(page);
  site = await addTrackedSite(page, `Shop ${family}`);
  await browseSite(browser, site.origin, ['/', '/pricing']);
  await addContact(page, { firstName: 'Ana', lastName: family, email: `ana.${family}@example.org` });
  await linkVisitorTo(page, site.name, name);
  const storeBefore = await page.evaluate("localStorage.getItem('stitchdesk.activeDb')");

  await goToSection(page, 'Settings');
  await page.getByRole('button', { name: 'Rebuild the store from the journal' }).click();
  // The page reloads onto the new store when the rebuild is done.
  const reloaded = page.waitForEvent('load', { timeout: 30_000 });
  await page
    .getByRole('dialog', { name: 'Rebuild the store?' })
    .getByRole('button', { name: 'Rebuild now' })
    .click();
  await reloaded;
  expect(await page.evaluate("localStorage.getItem('stitchdesk.activeDb')")).toMatch(/^stitchdesk-\d+$/);
  expect(await page.evaluate("localStorage.getItem('stitchdesk.activeDb')")).not.toBe(storeBefore);
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Rebuild the store from the journal' })).toBeEnabled();

  await openProfile(page, name);
  await expect(region(page, 'Identities').getByRole('listitem')).toContainText('Linked by hand');
  await expect(region(page, 'Timeline').getByRole('listitem').filter({ hasText: 'Page view' })).toHaveCount(
    2,
  );
  await expect(region(page, 'Timeline')).toContainText('/pricing');
});
