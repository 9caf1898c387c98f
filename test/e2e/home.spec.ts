// The Home page (issue 12, Build 4): the getting-started checklist ticks as the real steps happen —
// a contact added, the snippet seen on a website, a campaign sent, the first stitch — and the
// headline figures count the sends, the click, the stitched visitor and its page views.
import { expect, type Page, test } from '@playwright/test';
import { addContact, addTrackedSite, goToSection, openApp, runSuffix } from '../support/contacts-ui';
import { withFreshWorkspace } from '../support/fresh-workspace';
import { createSmsCampaign, Device, linkFor, prepareAndExport, storeUpToDate } from '../support/stitching-ui';

// A first run: its own app and data folder, not the journal other specs share.
withFreshWorkspace();

const item = (page: Page, label: string, state: 'done' | 'to do') =>
  page.getByRole('listitem', { name: `${label}: ${state}` });

const figure = (page: Page, label: string) => page.getByTestId(`figure-${label}`);

test('the home checklist ticks from real state, and the figures count the last 7 days', async ({
  page,
  browser,
}) => {
  test.setTimeout(180_000);
  const suffix = runSuffix();
  await openApp(page);
  await goToSection(page, 'Home');
  // A fresh store: nothing of the marketer's own yet.
  await expect(item(page, 'Add or import your contacts', 'to do')).toBeVisible();
  await expect(item(page, 'Send a campaign', 'to do')).toBeVisible();
  await expect(item(page, 'See your first stitched visitor', 'to do')).toBeVisible();
  await expect(figure(page, 'Messages sent')).toHaveText('0');

  await addContact(page, {
    firstName: 'Hana',
    lastName: `Home${suffix}`,
    phone: '+14155550181',
    consent: ['SMS consent'],
  });
  await goToSection(page, 'Home');
  await expect(item(page, 'Add or import your contacts', 'done')).toBeVisible();

  // The snippet counts as installed once the collector accepted an event from the site.
  const siteName = `Home site ${suffix}`;
  const site = await addTrackedSite(page, siteName);
  const device = await Device.open(browser, site.origin);
  await device.visit('/');
  await goToSection(page, 'Home');
  const snippet = item(page, 'Install the snippet on your website', 'done');
  await expect(snippet).toBeVisible({ timeout: 10_000 });
  await expect(snippet).toContainText(`Events arriving from`);
  await expect(snippet).toContainText(siteName);

  await createSmsCampaign(page, `Home campaign ${suffix}`, `Hi {{first_name}}, see ${site.origin}/pricing`);
  const rows = await prepareAndExport(page, 1);
  await goToSection(page, 'Home');
  await expect(item(page, 'Send a campaign', 'done')).toBeVisible();
  await expect(figure(page, 'Messages sent')).toHaveText('1');
  await expect(item(page, 'See your first stitched visitor', 'to do')).toBeVisible();

  await device.openLink(linkFor(rows, '+14155550181'));
  await storeUpToDate(page);
  await expect(item(page, 'See your first stitched visitor', 'done')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('checklist-progress')).toHaveText('4 of 4 done');
  await expect(figure(page, 'Clicks')).toHaveText('1');
  await expect(figure(page, 'Stitched visitors')).toHaveText('1');
  await expect(figure(page, 'Post-click page views')).toHaveText('1');
  // Today's bucket holds them: the chart's description counts them over the range.
  await expect(page.getByRole('img', { name: 'Clicks per day: 1 over the last 7 days' })).toBeVisible();
  await page.getByText('30 days', { exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Last 30 days' })).toBeVisible();
  await expect(page.getByRole('img', { name: 'Clicks per day: 1 over the last 30 days' })).toBeVisible();
  await page.getByText('7 days', { exact: true }).click();

  const dismiss = page.getByRole('button', { name: 'Dismiss' });
  while ((await dismiss.count()) > 0) await dismiss.first().click();
  await page.setViewportSize({ width: 1280, height: 860 });
  await page.screenshot({ path: 'test/e2e/__screenshots__/home.png' });
  await device.close();
  await site.close();
});
