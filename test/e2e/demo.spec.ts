// The guided first run (issue 12, Build 3): from the Home page, the demo creates sample contacts and
// a demo SMS campaign, shows the recipient's tracked link, and once the link is opened (a new tab
// through the collector's /r/<code> to the built-in demo site) lands on the stitched profile. One
// click removes it all again.
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import { bridgeCall } from '../support/bridge';
import { expectNoContactNamed, goToSection, openApp } from '../support/contacts-ui';
import { withFreshWorkspace } from '../support/fresh-workspace';

// A first run: its own app and data folder, not the journal other specs share.
withFreshWorkspace();

/** Axe over the whole page: nothing critical or serious. */
async function expectAccessible(page: Page) {
  const scan = await new AxeBuilder({ page }).analyze();
  const serious = scan.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious');
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

test('the demo first run ends on a stitched profile, and its data goes in one click', async ({ page }) => {
  test.setTimeout(120_000);
  await openApp(page);
  // The empty contacts list offers the demo too.
  await expect(page.getByRole('button', { name: 'Try the 60-second demo' })).toBeVisible();
  await goToSection(page, 'Home');
  await page.getByRole('link', { name: 'Try the 60-second demo' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Demo' })).toBeVisible();
  await page.getByRole('button', { name: 'Start the demo' }).click();

  // Dana's message holds her own tracked link, minted by the collector.
  const message = page.getByLabel('Demo message');
  await expect(message).toContainText('Hi Dana, 20% off the Harbour Blend this week:', { timeout: 20_000 });
  const link = (await page.getByTestId('demo-link').textContent()) ?? '';
  expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/r\/[A-Za-z0-9_-]{16}$/);
  await expect(message).toContainText(link);
  // A loopback link: no QR code, and the page says why.
  await expect(page.getByTestId('demo-no-qr')).toContainText(
    'No QR code: this link works on this computer only, so a phone that scans it cannot open it.',
  );
  await expect(page.getByRole('img', { name: /^QR code of / })).toHaveCount(0);
  // Tall enough for the whole guide: a full-page picture would cut through the fixed status bar.
  await page.setViewportSize({ width: 1280, height: 860 });
  await page.screenshot({ path: 'test/e2e/__screenshots__/demo-run.png' });

  // Opening it: a new tab through /r/<code> to the demo site, with the click token gone from the URL.
  const popupOpened = page.waitForEvent('popup');
  await page.getByRole('link', { name: 'Open the link' }).click();
  const site = await popupOpened;
  await expect(site).toHaveURL(/\/demo\/offer\?utm_source=sms/);
  await expect(site.getByRole('heading', { level: 1, name: '20% off the Harbour Blend' })).toBeVisible();
  await expect.poll(() => new URL(site.url()).searchParams.has('ps_ct')).toBe(false);

  // The app moves on by itself to Dana's profile, with the browser linked by the demo campaign.
  await expect(page.getByRole('heading', { level: 1, name: 'Dana Demo' })).toBeVisible({ timeout: 30_000 });
  const timeline = page.getByRole('region', { name: 'Timeline' });
  await expect(timeline.getByText(/Link click/).first()).toBeVisible({ timeout: 20_000 });
  await expect(timeline).toContainText('Page view', { timeout: 20_000 });
  await expect(timeline).toContainText('SMS sent');
  await expect(page.getByRole('region', { name: 'Identities' })).toContainText(
    'Linked by SMS campaign Demo: Harbor Coffee offer',
  );
  await page.screenshot({ path: 'test/e2e/__screenshots__/demo-stitched-profile.png' });

  // The demo site's snippet shows as seen on the Collector page, from the collector's own origin.
  await goToSection(page, 'Collector');
  const card = page.getByLabel('Website Demo site (Harbor Coffee)');
  await expect(card.getByTestId('site-last-event')).toContainText(`from origin ${new URL(link).origin}`, {
    timeout: 10_000,
  });

  // One click removes the demo: contacts, campaign, the demo site and its visitors.
  await page.evaluate(`location.hash = '#/demo'`);
  await page.getByRole('button', { name: 'Remove demo data' }).click();
  await expect(page.getByText('Demo data removed')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole('button', { name: 'Start the demo' })).toBeVisible();
  // The demo's contacts are gone (searched by name, so the check holds in any workspace).
  await goToSection(page, 'Contacts');
  for (const name of ['Dana Demo', 'Demo']) await expectNoContactNamed(page, name);
  await goToSection(page, 'Campaigns');
  await expect(page.getByText('Demo: Harbor Coffee offer')).toHaveCount(0);
  await goToSection(page, 'Collector');
  await expect(page.getByLabel('Website Demo site (Harbor Coffee)')).toHaveCount(0);
  // The demo tab's page is no longer served: the site it belonged to is gone.
  const gone = await site.request.get(new URL('/demo/offer', link).href);
  expect(gone.status()).toBe(404);
  await site.close();
});

test('with a public link base the demo link comes with a QR code of it, to scan with a phone', async ({
  page,
  request,
}) => {
  await bridgeCall(request, 'settings.update', { links: { baseUrl: 'https://go.example.com' } });
  try {
    await openApp(page);
    await page.evaluate(`location.hash = '#/demo'`);
    await page.getByRole('button', { name: 'Start the demo' }).click();
    const link = page.getByTestId('demo-link');
    await expect(link).toHaveText(/^https:\/\/go\.example\.com\/r\/[A-Za-z0-9_-]{16}$/, { timeout: 20_000 });
    const url = (await link.textContent()) ?? '';
    const qr = page.getByRole('img', { name: `QR code of ${url}` });
    await expect(qr).toBeVisible();
    // 41 bytes at error correction M: version 3 (the unit test reads the modules back to the link).
    await expect(qr).toHaveAttribute('data-qr-version', '3');
    await expect(page.getByTestId('demo-no-qr')).toHaveCount(0);
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Remove demo data' }).click();
    await expect(page.getByRole('button', { name: 'Start the demo' })).toBeVisible({ timeout: 20_000 });
  } finally {
    await bridgeCall(request, 'settings.update', { links: { baseUrl: null } });
  }
});
