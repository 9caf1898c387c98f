// Settings → Maintenance says in words what a rebuild replays and what it cannot restore, with the
// journal's and its archive's sizes; the archive expiry setting changes what it says. Driven
// through the UI, with the page scanned for accessibility problems.
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { BROWSER_USER_AGENT } from '../support/browser';
import { addTrackedSite, goToSection, openApp, runSuffix, type TrackedSite } from '../support/contacts-ui';

let site: TrackedSite | undefined;
test.afterEach(async () => {
  await site?.close();
  site = undefined;
});

test('Maintenance says what a rebuild replays, the journal and archive sizes, and the expiry in force', async ({
  page,
  browser,
}) => {
  await openApp(page);
  site = await addTrackedSite(page, `Shop ${runSuffix()}`);
  // A visit, so the journal holds at least one event.
  const visitor = await browser.newContext({ userAgent: BROWSER_USER_AGENT });
  const visit = await visitor.newPage();
  await visit.goto(`${site.origin}/`);
  await visit.waitForLoadState('load');
  await visit.waitForTimeout(1_500);
  await visitor.close();

  await goToSection(page, 'Settings');
  const maintenance = page.getByRole('region', { name: 'Maintenance' });
  await expect(maintenance).toContainText(/A rebuild replays all [\d,.\s]+ events? received since /);
  await expect(maintenance).toContainText(
    'Older events are compressed into the archive and kept: no expiry is set.',
  );
  await expect(maintenance).toContainText(
    /Journal: [\d.]+ (B|KB|MB) in \d+ segments?\. Archive: [\d.]+ (B|KB|MB) compressed, in \d+ files?\./,
  );

  // The panel this change adds to; the rest of the page has its own checks.
  const axe = await new AxeBuilder({ page })
    .include('section[aria-labelledby="maintenance-title"]')
    .analyze();
  const severe = axe.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious');
  expect(severe.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);

  // Choosing an expiry: Maintenance then says archived events go after that many days.
  const expiry = page.getByLabel('Delete archived events after (days)');
  await expiry.fill('90');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();
  await goToSection(page, 'Contacts');
  await goToSection(page, 'Settings');
  await expect(maintenance).toContainText('Archived events older than 90 days are deleted');
  await expect(page.getByLabel('Delete archived events after (days)')).toHaveValue('90');

  // Emptying the field keeps everything again (and leaves the workspace as the other tests expect).
  await page.getByLabel('Delete archived events after (days)').fill('');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();
  await goToSection(page, 'Contacts');
  await goToSection(page, 'Settings');
  await expect(maintenance).toContainText('no expiry is set');
});
