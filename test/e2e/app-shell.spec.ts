// The app loads in headless mode, shows the collector's address, and every section is reachable.
import { expect, test } from '@playwright/test';
import { appUrl } from '../support/app';

const SECTIONS = [
  { name: 'Contacts', empty: 'No contacts yet' },
  { name: 'Visitors', empty: 'No visitors recorded' },
  { name: 'Campaigns', empty: 'No campaigns yet' },
  { name: 'Reports', empty: 'Nothing to report yet' },
  { name: 'Collector', empty: 'Live feed' },
  { name: 'Settings', empty: 'Stitching' },
];

test('the app loads, shows the collector address and reaches every section', async ({ page }) => {
  const url = appUrl();
  const origin = new URL(url).origin;
  await page.goto(url);

  // The token leaves the address bar once the app has taken it.
  await expect(page).toHaveURL(/#\/contacts$/);
  const status = page.getByRole('status', { name: 'Collector status' });
  await expect(status).toContainText(`Collector listening at ${origin}`);

  const nav = page.getByRole('navigation', { name: 'Sections' });
  for (const section of SECTIONS) {
    await nav.getByRole('link', { name: section.name }).click();
    await expect(page.getByRole('heading', { level: 1, name: section.name })).toBeVisible();
    await expect(page.getByText(section.empty, { exact: true })).toBeVisible();
  }

  // A reload keeps working: the token stays with this tab.
  await page.reload();
  await expect(status).toContainText('Collector listening');
});

test('the bridge refuses calls without the token and from another origin', async ({ request }) => {
  const url = new URL(appUrl());
  const token = url.hash.replace('#token=', '');
  const call = `${url.origin}/bridge/call/collector.status`;

  const noToken = await request.post(call, { data: {} });
  expect(noToken.status()).toBe(401);
  expect((await noToken.json()).error).toBe('unauthorized');

  const otherOrigin = await request.post(call, {
    data: {},
    headers: { authorization: `Bearer ${token}`, origin: 'http://localhost:9' },
  });
  expect(otherOrigin.status()).toBe(403);

  const ok = await request.post(call, { data: {}, headers: { authorization: `Bearer ${token}` } });
  expect(ok.status()).toBe(200);
  expect((await ok.json()).result.address).toBe(url.origin);
});
