// Per-site activity and the built-in demo site on a real collector: the last accepted event and its
// origin, refused origins listed and allowed in one call (kept across a restart), and the demo
// pages served same-origin with the snippet of the demo site, a strict CSP and fixed redirects.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callBridge } from '../../../src-main/ipc/handlers';
import type { BridgeArgs, BridgeChannel, BridgeResult } from '../../../src-main/shared/bridge';
import type { Site } from '../../../src-main/shared/collector';
import { BROWSER_UA, pageView, startTestServices, type TestServices } from '../../support/services';

const ALLOWED = 'https://shop.test';
const STAGING = 'https://staging.shop.test';
let t: TestServices;
let site: Site;

const call = async <K extends BridgeChannel>(channel: K, args: BridgeArgs<K>): Promise<BridgeResult<K>> =>
  (await callBridge(t.services.handlers, channel, args)) as BridgeResult<K>;

function collect(siteId: string, origin: string): Promise<Response> {
  return fetch(`${t.url}/collect`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', 'user-agent': BROWSER_UA, origin },
    body: JSON.stringify({ siteId, sentAt: new Date().toISOString(), batch: [pageView('v-act', '/')] }),
  });
}

beforeAll(async () => {
  t = await startTestServices();
  site = t.services.sites.create({ name: 'Shop', origins: [ALLOWED] });
});
afterAll(() => t.close());

describe('site activity', () => {
  it('starts with nothing seen, then records the last accepted event and its origin', async () => {
    expect((await call('sites.activity', undefined)).find((a) => a.siteId === site.id)).toBeUndefined();
    expect((await collect(site.id, ALLOWED)).status).toBe(200);
    const seen = (await call('sites.activity', undefined)).find((a) => a.siteId === site.id);
    expect(seen?.lastOrigin).toBe(ALLOWED);
    expect(Date.parse(seen?.firstEventAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
    expect(seen?.lastEventAt).toBeDefined();
  });

  it('lists a refused origin with its count, and one call allows it', async () => {
    expect((await collect(site.id, STAGING)).status).toBe(403);
    expect((await collect(site.id, STAGING)).status).toBe(403);
    const refused = (await call('sites.activity', undefined)).find((a) => a.siteId === site.id);
    expect(refused?.rejectedOrigins).toEqual([expect.objectContaining({ origin: STAGING, count: 2 })]);
    // The accepted origin is still the last one seen: a refusal is not an event.
    expect(refused?.lastOrigin).toBe(ALLOWED);

    const updated = await call('sites.allowOrigin', { id: site.id, origin: STAGING });
    expect(updated.origins).toEqual([ALLOWED, STAGING]);
    expect((await collect(site.id, STAGING)).status).toBe(200);
    const after = (await call('sites.activity', undefined)).find((a) => a.siteId === site.id);
    expect(after?.rejectedOrigins).toEqual([]);
    expect(after?.lastOrigin).toBe(STAGING);
  });

  it('refuses to allow something that is not an origin, and an unknown site', async () => {
    await expect(call('sites.allowOrigin', { id: site.id, origin: 'null' })).rejects.toThrow(/not a URL/);
    await expect(call('sites.allowOrigin', { id: 'site_nope', origin: STAGING })).rejects.toThrow(/No site/);
    expect(t.services.sites.get(site.id)?.origins).toEqual([ALLOWED, STAGING]);
  });

  it('keeps what it saw across a restart', async () => {
    const dataDir = t.dataDir;
    await t.close();
    t = await startTestServices({ dataDir });
    const kept = (await call('sites.activity', undefined)).find((a) => a.siteId === site.id);
    expect(kept?.lastOrigin).toBe(STAGING);
  });
});

describe('the demo site', () => {
  it('is not served before the guided run sets it up', async () => {
    const response = await fetch(`${t.url}/demo/offer`);
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('Start the guided demo');
  });

  it('serves its pages with the demo site snippet, same-origin and under a strict CSP', async () => {
    const { site: demo, pagesUrl } = await call('demo.setup', undefined);
    expect(demo.demo).toBe(true);
    expect(pagesUrl).toBe(`${t.url}/demo/`);
    expect(demo.origins).toContain(t.url);
    // Setting up again reuses the site.
    expect((await call('demo.setup', undefined)).site.id).toBe(demo.id);

    const response = await fetch(`${t.url}/demo/offer`);
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("form-action 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    const html = await response.text();
    expect(html).toContain(`<script async src="/t.js" data-site="${demo.id}"></script>`);
    expect(html).not.toMatch(/<script>(?!<\/script>)/);

    // The signup form's POST goes to a fixed page, whatever it carries.
    const signup = await fetch(`${t.url}/demo/signup?next=https://evil.test`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=dana%40example.com',
      redirect: 'manual',
    });
    expect(signup.status).toBe(303);
    expect(signup.headers.get('location')).toBe('/demo/thanks');
    expect((await fetch(`${t.url}/demo/nowhere`)).status).toBe(404);

    // Its page views are accepted from the collector's own origin.
    expect((await collect(demo.id, t.url)).status).toBe(200);
  });

  it('is removed in one call: pages gone, events refused', async () => {
    const demo = t.services.sites.demo();
    expect(demo).toBeDefined();
    expect(await call('demo.remove', undefined)).toEqual({ removed: true });
    expect((await fetch(`${t.url}/demo/offer`)).status).toBe(404);
    expect((await collect(demo?.id ?? '', t.url)).status).toBe(401);
    expect(await call('demo.remove', undefined)).toEqual({ removed: false });
  });
});
