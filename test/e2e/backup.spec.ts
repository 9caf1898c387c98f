// S18: a workspace is backed up through Settings, restored through the Settings of a second app on a
// fresh data folder (another browser profile), and a tracked link sent before the backup is opened
// on the new app's collector: it redirects, and the visitor is stitched to the contact's profile.
import { readFileSync, statSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { type BrowserContext, expect, type Page, test } from '@playwright/test';
import {
  addContact,
  addTrackedSite,
  goToSection,
  openApp,
  openProfile,
  runSuffix,
  type TrackedSite,
} from '../support/contacts-ui';
import { type HeadlessApp, startHeadless } from '../support/headless';
import { createSmsCampaign, Device, linkFor, prepareAndExport, storeUpToDate } from '../support/stitching-ui';

const PASSPHRASE = 'blue lantern 42 harbour';
let site: TrackedSite | undefined;
let second: HeadlessApp | undefined;
const devices: Device[] = [];
/** Browser contexts on the second app: closed before it stops, or its event streams hold it open. */
const contexts: BrowserContext[] = [];

test.afterEach(async () => {
  for (const device of devices.splice(0)) await device.close();
  for (const context of contexts.splice(0)) await context.close();
  await site?.close();
  site = undefined;
  await second?.stop();
  second = undefined;
});

const backupPanel = (page: Page) => page.getByRole('region', { name: 'Backup & restore' });

async function expectNoSeriousAxeViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).include('#backup-restore').analyze();
  const serious = results.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious');
  expect(
    serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`),
  ).toEqual([]);
}

test('S18: a backup restored on a fresh data folder keeps old links working and stitching', async ({
  page,
  browser,
}) => {
  test.setTimeout(180_000);
  const family = `Backup${runSuffix()}`;
  const ana = `Ana ${family}`;

  // The first app: a website, a contact and an SMS campaign with her tracked link.
  await openApp(page);
  site = await addTrackedSite(page, `Shop ${family}`);
  await addContact(page, {
    firstName: 'Ana',
    lastName: family,
    phone: '+1 201 555 0181',
    consent: ['SMS consent'],
  });
  await createSmsCampaign(page, `Autumn ${family}`, `Hi {{first_name}}, see ${site.origin}/pricing`);
  const rows = await prepareAndExport(page, 1);
  const oldLink = linkFor(rows, '+12015550181');
  await storeUpToDate(page);

  // Settings → Backup & restore → Back up now: the file arrives as a download.
  await goToSection(page, 'Settings');
  const panel = backupPanel(page);
  await panel.scrollIntoViewIfNeeded();
  await expectNoSeriousAxeViolations(page);
  await panel.getByLabel('Backup passphrase').fill(PASSPHRASE);
  await panel.getByLabel('Repeat the passphrase').fill('something else');
  await expect(panel.getByText('The two passphrases differ')).toBeVisible();
  await expect(panel.getByRole('button', { name: 'Back up now' })).toBeDisabled();
  await panel.getByLabel('Repeat the passphrase').fill(PASSPHRASE);
  const downloading = page.waitForEvent('download');
  await panel.getByRole('button', { name: 'Back up now' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^stitchdesk-backup-.+\.stbk$/);
  const backupFile = await download.path();
  await expect(
    panel.getByText(/Backup ready: stitchdesk-backup-.+\.stbk is in your downloads/),
  ).toBeVisible();
  expect(statSync(backupFile).size).toBeGreaterThan(100);
  // Encrypted: neither the contact, the site nor the campaign is readable in the file.
  const bytes = readFileSync(backupFile);
  for (const text of [family, '+12015550181', site.origin])
    expect(bytes.includes(Buffer.from(text))).toBe(false);

  // Restoring over this app, which has data, needs an explicit confirmation first.
  await panel.getByLabel('Backup file').setInputFiles(backupFile);
  await panel.getByLabel('Passphrase of the backup').fill(PASSPHRASE);
  await panel.getByRole('button', { name: 'Check the backup' }).click();
  await expect(panel.getByText('The backup checks out')).toBeVisible({ timeout: 20_000 });
  const replace = panel.getByLabel(/This app already has data\. Replace all of it/);
  await expect(replace).not.toBeChecked();
  await expect(panel.getByRole('button', { name: 'Restore this workspace' })).toBeDisabled();
  await replace.check();
  await expect(panel.getByRole('button', { name: 'Restore this workspace' })).toBeEnabled();

  // A second app on a fresh data folder, opened in a fresh browser profile (an empty store).
  second = await startHeadless(['--port', '0']);
  const newContext = await browser.newContext();
  contexts.push(newContext);
  const newPage = await newContext.newPage();
  await newPage.goto(second.ready.app);
  await expect(newPage).toHaveURL(/#\/contacts$/);
  await goToSection(newPage, 'Settings');
  const restorePanel = backupPanel(newPage);
  await restorePanel.getByLabel('Backup file').setInputFiles(backupFile);

  // A wrong passphrase is refused and changes nothing.
  await restorePanel.getByLabel('Passphrase of the backup').fill('not the right one');
  await restorePanel.getByRole('button', { name: 'Check the backup' }).click();
  await expect(
    restorePanel.getByText(/The passphrase is not the one this backup was made with\. Nothing was changed/),
  ).toBeVisible();
  await goToSection(newPage, 'Collector');
  await expect(newPage.getByLabel(`Snippet for Shop ${family}`)).toHaveCount(0);

  await goToSection(newPage, 'Settings');
  await restorePanel.getByLabel('Backup file').setInputFiles(backupFile);
  await restorePanel.getByLabel('Passphrase of the backup').fill(PASSPHRASE);
  await restorePanel.getByRole('button', { name: 'Check the backup' }).click();
  await expect(restorePanel.getByText('The backup checks out')).toBeVisible({ timeout: 20_000 });
  await expect(restorePanel.getByText(/1 contact, 1 campaign, /)).toBeVisible();
  await expectNoSeriousAxeViolations(newPage);
  await restorePanel.getByRole('button', { name: 'Restore this workspace' }).click();
  // The page reloads onto the restored store.
  await expect(newPage.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible({ timeout: 30_000 });
  await goToSection(newPage, 'Contacts');
  await expect(newPage.getByRole('table', { name: 'Contacts' })).toContainText(ana);
  await goToSection(newPage, 'Collector');
  await expect(newPage.getByLabel(`Snippet for Shop ${family}`)).toContainText(`data-site="${site.siteId}"`);

  // The old link, on the new app's collector, from a phone that never saw either app.
  site.pointAtCollector(second.ready.url);
  const link = new URL(oldLink);
  const moved = `${second.ready.url}${link.pathname}${link.search}`;
  const phone = await Device.open(browser, site.origin);
  devices.push(phone);
  await phone.openLink(moved);

  await openProfile(newPage, ana);
  const timeline = newPage.getByRole('region', { name: 'Timeline' });
  await expect(
    timeline
      .getByRole('listitem')
      .filter({ hasText: 'Link click' })
      .filter({ hasText: `Autumn ${family}` }),
  ).toHaveCount(1, {
    timeout: 20_000,
  });
  await expect(
    timeline.getByRole('listitem').filter({ hasText: 'Page view' }).filter({ hasText: 'Pricing' }),
  ).toHaveCount(1);
  await expect(newPage.getByRole('region', { name: 'Identities' }).getByRole('listitem')).toContainText(
    'page view',
  );
});
