// The collector end to end, with the real tracking script on a website of another origin: a
// tracked link redirects with a click token, the script takes it out of the address bar and
// sends it with the landing page view, and the Collector page shows the events arriving.
import { expect, test } from '@playwright/test';
import { appUrl } from '../support/app';
import { bridgeCall } from '../support/bridge';
import { startTestSite, type TestSite } from '../support/test-site';

let site: TestSite;
let siteId = '';
const collector = new URL(appUrl()).origin;

test.beforeAll(async ({ request }) => {
  // The site's origin is only known once it listens; it is added to the site record right after.
  const created = await bridgeCall(request, 'sites.create', { name: `Shop ${Date.now()}`, origins: [] });
  siteId = created.id;
  site = await startTestSite({ collectorUrl: collector, siteId });
  await bridgeCall(request, 'sites.update', { id: siteId, origins: [site.origin] });
});
test.afterAll(() => site.close());

test('a tracked link lands on the site with a click token that leaves the address bar and reaches the journal', async ({
  browser,
  request,
}) => {
  const campaignId = `e2e-${Date.now()}`;
  await bridgeCall(request, 'links.register', {
    campaignId,
    links: [{ linkId: 'main', destination: `${site.origin}/pricing?ref=sms` }],
  });
  const [minted] = await bridgeCall(request, 'links.mint', { campaignId, linkId: 'main', recipients: [0] });
  if (!minted) throw new Error('no link minted');
  expect(minted.code).toMatch(/^[A-Za-z0-9_-]{16}$/);
  const before = await bridgeCall(request, 'journal.read', { fromOffset: 0, limit: 5000 });

  const phone = await browser.newContext();
  const page = await phone.newPage();
  await page.goto(minted.url);
  await expect(page).toHaveTitle(/Pricing/);
  await expect.poll(() => new URL(page.url()).search).toBe('?ref=sms');

  // The click and the landing page view are both journalled, joined by the same token.
  await expect
    .poll(async () => {
      const { records } = await bridgeCall(request, 'journal.read', {
        fromOffset: before.nextOffset,
        limit: 100,
      });
      const click = records.find((r) => r.event.type === 'link_click');
      const landing = records.find((r) => r.event.type === 'page' && r.siteId === siteId);
      return click && landing && click.event.properties?.clickToken === landing.event.context?.clickToken;
    })
    .toBe(true);
  await phone.close();
});

test('page views, SPA navigation and a form submit reach the collector; the password never does', async ({
  browser,
  request,
}) => {
  const before = await bridgeCall(request, 'journal.read', { fromOffset: 0, limit: 5000 });
  const visitor = await browser.newContext();
  const page = await visitor.newPage();
  await page.goto(`${site.origin}/spa`);
  await page.getByRole('button', { name: 'Go to step 2' }).click();
  // Leaving by a link, as a visitor does: the queued page views go out by beacon on pagehide.
  await page.getByRole('link', { name: 'Sign up' }).click();
  await expect(page).toHaveTitle(/Sign up/);
  await page.getByLabel('Email').fill('ben@example.com');
  await page.getByLabel('Phone').fill('+1 415 555 0100');
  await page.getByLabel('Password').fill('s3cret-Pa55');
  await page.getByLabel('Card number').fill('4242424242424242');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForLoadState('load');
  await visitor.close();

  await expect
    .poll(async () => {
      const { records } = await bridgeCall(request, 'journal.read', {
        fromOffset: before.nextOffset,
        limit: 200,
      });
      return records
        .filter((r) => r.siteId === siteId)
        .map((r) => `${r.event.type} ${r.event.context?.page?.path ?? ''}`)
        .sort();
    })
    .toEqual(
      expect.arrayContaining(['page /spa', 'page /spa/step-2', 'page /signup', 'form_submit /signup']),
    );
  const { records } = await bridgeCall(request, 'journal.read', {
    fromOffset: before.nextOffset,
    limit: 200,
  });
  const stored = JSON.stringify(records);
  expect(stored).not.toContain('s3cret-Pa55');
  expect(stored).not.toContain('4242424242424242');
  const form = records.find((r) => r.event.type === 'form_submit');
  expect(form?.event.traits).toEqual({ email: 'ben@example.com', phone: '+1 415 555 0100' });
});

test('the Collector page shows the site snippet and the live feed', async ({ page }) => {
  await page.goto(appUrl());
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Collector' }).click();
  await expect(page.getByText(`data-site="${siteId}"`)).toBeVisible();
  await expect(page.getByRole('table')).toContainText('accepted');
});

test('hostile requests get a JSON error naming the problem and the collector keeps serving (S12)', async ({
  request,
}) => {
  const bad = await request.post(`${collector}/collect`, {
    headers: { 'content-type': 'text/plain' },
    data: `{"siteId":"${siteId}","batch":[{"messageId":"x","type":"page","anonymousId":"v","properties":{"__proto__":{"x":1}}}]}`,
  });
  expect(bad.status()).toBe(400);
  expect(await bad.json()).toMatchObject({ error: 'forbidden_key', field: 'batch[0].properties.__proto__' });
  const redirect = await request.get(`${collector}/r/AAAAAAAAAAAAAAAA`, { maxRedirects: 0 });
  expect(redirect.status()).toBe(404);
  expect(redirect.headers().location).toBeUndefined();
  const health = await request.get(`${collector}/health`);
  expect(health.ok()).toBe(true);
});

test('a site card shows the last event and its origin, lists a refused origin and allows it in one click', async ({
  browser,
  page,
}) => {
  // A second copy of the site on an origin not allowed yet, as a staging host would be.
  const staging = await startTestSite({ collectorUrl: collector, siteId });
  const reader = await browser.newContext();
  const tab = await reader.newPage();
  const refused = tab.waitForResponse((r) => new URL(r.url()).pathname === '/collect');
  await tab.goto(`${staging.origin}/`);
  expect((await refused).status()).toBe(403);

  await page.goto(appUrl());
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Collector' }).click();
  const card = page.locator('[aria-label^="Website Shop"]').filter({ hasText: siteId });
  const line = card.getByLabel(`Refused origin ${staging.origin}`);
  await expect(line).toContainText('1 request');
  await line.getByRole('button', { name: `Allow ${staging.origin}` }).click();
  await expect(line).toHaveCount(0);
  await expect(card).toContainText(staging.origin);

  const accepted = tab.waitForResponse((r) => new URL(r.url()).pathname === '/collect');
  await tab.goto(`${staging.origin}/pricing`);
  expect((await accepted).status()).toBe(200);
  await expect(card.getByTestId('site-last-event')).toContainText(`from origin ${staging.origin}`, {
    timeout: 10_000,
  });
  await reader.close();
  await staging.close();
});
