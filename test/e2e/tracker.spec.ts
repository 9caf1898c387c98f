// The tracking script on a website of another origin: what it sends to the collector's /collect,
// captured in the browser (t.js served and /collect answered by Playwright routes).
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { type BrowserContext, expect, test } from '@playwright/test';
import type { CollectPayload, TrackedEvent } from '../../src-main/shared/events';
import { startTestSite, type TestSite } from '../support/test-site';

const TRACKER_FILE = join(__dirname, '../../out/tracker/t.js');
const SITE_ID = 'site_test';

interface CollectRequest {
  method: string;
  /** Chromium reports sendBeacon requests as `ping`. */
  resourceType: string;
  contentType: string;
  body: string;
  payload: CollectPayload;
}

/** A port nothing listens on: the collector origin exists only as Playwright routes. */
async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Serves t.js and records every /collect request of the browser context. */
async function captureCollector(context: BrowserContext, collectorUrl: string) {
  const tracker = readFileSync(TRACKER_FILE, 'utf8');
  const requests: CollectRequest[] = [];
  await context.route(`${collectorUrl}/t.js`, (route) =>
    route.fulfill({ contentType: 'text/javascript; charset=utf-8', body: tracker }),
  );
  await context.route(`${collectorUrl}/collect`, async (route) => {
    const request = route.request();
    const body = request.postData() ?? '';
    requests.push({
      method: request.method(),
      resourceType: request.resourceType(),
      contentType: (await request.allHeaders())['content-type'] ?? '',
      body,
      payload: JSON.parse(body) as CollectPayload,
    });
    await route.fulfill({ status: 204, headers: { 'access-control-allow-origin': '*' } });
  });
  const events = (): TrackedEvent[] => requests.flatMap((request) => request.payload.batch);
  return {
    requests,
    events,
    /** The first event matching, once it has been sent. */
    async next(match: (event: TrackedEvent) => boolean): Promise<TrackedEvent> {
      let found: TrackedEvent | undefined;
      await expect
        .poll(() => {
          found = events().find(match);
          return found !== undefined;
        })
        .toBe(true);
      return found as TrackedEvent;
    },
  };
}

const pageViewOf = (path: string) => (event: TrackedEvent) =>
  event.type === 'page' && event.context?.page?.path === path;

let collectorUrl: string;
let site: TestSite;
let consentSite: TestSite;

test.beforeAll(async () => {
  collectorUrl = `http://127.0.0.1:${await unusedPort()}`;
  site = await startTestSite({ collectorUrl, siteId: SITE_ID });
  consentSite = await startTestSite({ collectorUrl, siteId: SITE_ID, consent: true });
});

test.afterAll(async () => {
  await site?.close();
  await consentSite?.close();
});

test('a visit sends a page view with visitor, session and page, as text/plain', async ({ context, page }) => {
  const collector = await captureCollector(context, collectorUrl);
  await page.goto(`${site.origin}/`);

  const view = await collector.next(pageViewOf('/'));
  expect(view).toMatchObject({
    type: 'page',
    anonymousId: expect.stringMatching(/^[\w-]{8,64}$/),
    messageId: expect.any(String),
    context: {
      page: { url: `${site.origin}/`, path: '/', title: 'Home — Test Site', search: '', referrer: '' },
      userAgent: await page.evaluate('navigator.userAgent'),
      sessionId: expect.stringMatching(/^[\w-]{8,64}$/),
      library: { name: 'stitchdesk-tracker', version: expect.any(String) },
    },
  });
  expect(new Date(view.timestamp ?? '').getTime()).toBeGreaterThan(Date.now() - 60_000);
  expect(view.context).not.toHaveProperty('clickToken');

  const [request] = collector.requests;
  expect(request?.method).toBe('POST');
  expect(request?.resourceType).toBe('ping');
  expect(request?.contentType).toBe('text/plain;charset=UTF-8');
  expect(request?.payload.siteId).toBe(SITE_ID);
  expect(Date.parse(request?.payload.sentAt ?? '')).not.toBeNaN();
});

test('a second page keeps the visitor and session ids', async ({ context, page }) => {
  const collector = await captureCollector(context, collectorUrl);
  await page.goto(`${site.origin}/`);
  const home = await collector.next(pageViewOf('/'));

  await page.getByRole('link', { name: 'plans and prices' }).click();
  await expect(page).toHaveTitle('Pricing — Test Site');
  const pricing = await collector.next(pageViewOf('/pricing'));

  expect(pricing.anonymousId).toBe(home.anonymousId);
  expect(pricing.context?.sessionId).toBe(home.context?.sessionId);
  expect(pricing.messageId).not.toBe(home.messageId);
  expect(pricing.context?.page).toMatchObject({ title: 'Pricing — Test Site', referrer: `${site.origin}/` });
});

test('single-page navigation with pushState and back sends page views', async ({ context, page }) => {
  const collector = await captureCollector(context, collectorUrl);
  await page.goto(`${site.origin}/spa`);
  const first = await collector.next(pageViewOf('/spa'));

  await page.getByRole('button', { name: 'Go to step 2' }).click();
  await expect(page).toHaveURL(`${site.origin}/spa/step-2`);
  const step2 = await collector.next(pageViewOf('/spa/step-2'));
  expect(step2.anonymousId).toBe(first.anonymousId);
  expect(step2.context?.page).toMatchObject({
    url: `${site.origin}/spa/step-2`,
    title: 'Step 2 — Test Site App',
    referrer: `${site.origin}/spa`,
  });

  await page.getByRole('button', { name: 'Back' }).click();
  await expect(page).toHaveURL(`${site.origin}/spa`);
  await expect.poll(() => collector.events().filter(pageViewOf('/spa')).length).toBe(2);
  expect(collector.events().filter(pageViewOf('/spa'))[1]?.context?.page).toMatchObject({
    title: 'Step 1 — Test Site App',
    referrer: `${site.origin}/spa/step-2`,
  });
  expect(collector.events().filter((event) => event.type === 'page')).toHaveLength(3);
});

test('the click token leaves the address bar and rides on the landing page view', async ({
  context,
  page,
}) => {
  const collector = await captureCollector(context, collectorUrl);
  await page.goto(`${site.origin}/?ps_ct=tok123&x=1#frag`);

  await expect(page).toHaveURL(`${site.origin}/?x=1#frag`);
  const landing = await collector.next(pageViewOf('/'));
  expect(landing.context?.clickToken).toBe('tok123');
  expect(landing.context?.page).toMatchObject({ url: `${site.origin}/?x=1#frag`, search: '?x=1' });

  // The stripped URL is what later pages see as their referrer; the token appears exactly once.
  await page.getByRole('link', { name: 'plans and prices' }).click();
  const next = await collector.next(pageViewOf('/pricing'));
  expect(next.context).not.toHaveProperty('clickToken');
  expect(next.context?.page?.referrer).toBe(`${site.origin}/?x=1`);
  const everything = collector.requests.map((request) => request.body).join('\n');
  expect(everything.match(/tok123/g)).toHaveLength(1);
  // Removing the token is not a page view of its own.
  expect(collector.events().filter((event) => event.type === 'page')).toHaveLength(2);
});

test('a form submission sends email and phone only, never secrets', async ({ context, page }) => {
  const collector = await captureCollector(context, collectorUrl);
  await page.goto(`${site.origin}/signup`);
  const view = await collector.next(pageViewOf('/signup'));

  await page.getByLabel('Name').fill('Ben Okafor');
  await page.getByLabel('Email').fill('ben@example.com');
  await page.getByLabel('Phone').fill('+44 7700 900123');
  await page.getByLabel('Password').fill('hunter2-very-secret');
  await page.getByLabel('Card number').fill('4111 1111 1111 1111');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveTitle('Thanks — Test Site');

  const submit = await collector.next((event) => event.type === 'form_submit');
  expect(submit.anonymousId).toBe(view.anonymousId);
  expect(submit.traits).toEqual({ email: 'ben@example.com', phone: '+44 7700 900123' });
  expect(submit.properties).toEqual({ formId: 'signup-form', formAction: `${site.origin}/thanks` });
  expect(submit.context?.page?.path).toBe('/signup');
  const submitRequest = collector.requests.find((request) => request.body.includes('form_submit'));
  expect(submitRequest?.resourceType).toBe('ping');
  await collector.next(pageViewOf('/thanks'));

  const everything = collector.requests.map((request) => request.body).join('\n');
  for (const secret of ['hunter2', 'hidden-ref-7731', '4111', 'Ben Okafor', 'password']) {
    expect(everything).not.toContain(secret);
  }
});

test('with consent required nothing is sent or stored until consent is given', async ({ context, page }) => {
  const collector = await captureCollector(context, collectorUrl);
  await page.goto(`${consentSite.origin}/?ps_ct=tok-consent`);
  await expect(page).toHaveURL(`${consentSite.origin}/`);
  await page.evaluate(`ps('track', 'Viewed banner', { variant: 'a' })`);

  // Longer than the batch delay: anything that was going to be sent would have been.
  await page.waitForTimeout(2_000);
  expect(collector.requests).toHaveLength(0);
  expect(await context.cookies()).toEqual([]);
  expect(await page.evaluate(`Object.keys(localStorage).filter((key) => key !== 'ps_consent')`)).toEqual([]);

  await page.getByRole('button', { name: 'Accept cookies' }).click();
  const landing = await collector.next(pageViewOf('/'));
  expect(landing.context?.clickToken).toBe('tok-consent');
  const tracked = await collector.next((event) => event.type === 'track');
  expect(tracked).toMatchObject({ event: 'Viewed banner', properties: { variant: 'a' } });
  expect(tracked.anonymousId).toBe(landing.anonymousId);
  const cookie = (await context.cookies()).find((c) => c.name === 'ps_vid');
  expect(cookie?.value).toBe(landing.anonymousId);
  expect(await page.evaluate(`localStorage.getItem('ps_consent')`)).toBe('1');

  // The choice holds on the next page.
  await page.getByRole('link', { name: 'Pricing' }).click();
  await collector.next(pageViewOf('/pricing'));
});

test('declining consent drops what was held and keeps sending nothing', async ({ context, page }) => {
  const collector = await captureCollector(context, collectorUrl);
  await page.goto(`${consentSite.origin}/`);
  await page.getByRole('button', { name: 'Decline' }).click();
  await page.getByRole('link', { name: 'Pricing' }).click();
  await expect(page).toHaveTitle('Pricing — Test Site');
  await page.waitForTimeout(2_000);
  expect(collector.requests).toHaveLength(0);
  expect((await context.cookies()).map((c) => c.name)).not.toContain('ps_vid');
});

test('the visitor cookie is first-party, SameSite=Lax, for a year, with a localStorage mirror', async ({
  context,
  page,
}) => {
  const collector = await captureCollector(context, collectorUrl);
  await page.goto(`${site.origin}/`);
  const view = await collector.next(pageViewOf('/'));

  const cookie = (await context.cookies(site.origin)).find((c) => c.name === 'ps_vid');
  expect(cookie).toMatchObject({ value: view.anonymousId, path: '/', sameSite: 'Lax', secure: false });
  const yearFromNow = Date.now() / 1000 + 365 * 24 * 3600;
  expect(Math.abs((cookie?.expires ?? 0) - yearFromNow)).toBeLessThan(24 * 3600);
  expect(await page.evaluate(`localStorage.getItem('ps_vid')`)).toBe(view.anonymousId);
});

test('a lost cookie is restored from localStorage; clearing both makes a new visitor', async ({
  context,
  page,
}) => {
  const collector = await captureCollector(context, collectorUrl);
  await page.goto(`${site.origin}/`);
  const first = await collector.next(pageViewOf('/'));

  await context.clearCookies();
  await page.goto(`${site.origin}/pricing`);
  const restored = await collector.next(pageViewOf('/pricing'));
  expect(restored.anonymousId).toBe(first.anonymousId);
  await expect
    .poll(async () => (await context.cookies()).find((c) => c.name === 'ps_vid')?.value)
    .toBe(first.anonymousId);

  await context.clearCookies();
  await page.evaluate('localStorage.clear()');
  await page.goto(`${site.origin}/signup`);
  const fresh = await collector.next(pageViewOf('/signup'));
  expect(fresh.anonymousId).not.toBe(first.anonymousId);
  expect(fresh.context?.sessionId).not.toBe(first.context?.sessionId);
});

test('commands queued before the script loads run, then ps() works live', async ({ context, page }) => {
  const collector = await captureCollector(context, collectorUrl);
  // Calls made by the page before t.js has arrived land in the snippet's queue.
  await context.route(`${collectorUrl}/t.js`, async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 500));
    await route.fallback();
  });
  await page.goto(`${site.origin}/`, { waitUntil: 'domcontentloaded' });
  const queued = await page.evaluate(
    `ps('identify', { userId: 'u-42', email: 'ana@example.com' }), Array.isArray(ps.q)`,
  );
  expect(queued).toBe(true);
  const identify = await collector.next((event) => event.type === 'identify');
  expect(identify).toMatchObject({ userId: 'u-42', traits: { email: 'ana@example.com' } });
  expect(identify.traits).not.toHaveProperty('userId');

  await page.evaluate(`ps('track', 'Clicked CTA', { plan: 'pro' })`);
  const tracked = await collector.next((event) => event.type === 'track');
  expect(tracked).toMatchObject({ event: 'Clicked CTA', properties: { plan: 'pro' } });
  expect(tracked.anonymousId).toBe(identify.anonymousId);
});
