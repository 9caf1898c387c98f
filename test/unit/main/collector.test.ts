// The collector on a real port: the tracking script's /collect, the Segment HTTP API, and every
// way a request can be wrong — each answered with a JSON error naming the problem, nothing stored
// from it, and the collector still serving.
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { Analytics } from '@segment/analytics-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Collector } from '../../../src-main/collector/server';
import { BridgeEventBus } from '../../../src-main/ipc/event-bus';
import { SettingsStore } from '../../../src-main/settings/store';
import type { Site } from '../../../src-main/shared/collector';
import { failEveryDatasync } from '../../support/disk-faults';
import { freshDataDir } from '../../support/headless';
import { BROWSER_UA, pageView, startTestServices, type TestServices } from '../../support/services';

const SITE_ORIGIN = 'http://shop.test:8080';
let t: TestServices;
let site: Site;

beforeAll(async () => {
  t = await startTestServices();
  site = t.services.sites.create({ name: 'Shop', origins: [SITE_ORIGIN] });
});
afterAll(() => t.close());

interface ApiBody {
  error?: string;
  field?: string;
  detail?: string;
  accepted?: number;
  rejected?: unknown[];
  [key: string]: unknown;
}

async function json(response: Response | undefined): Promise<ApiBody> {
  if (!response) throw new Error('no response');
  return (await response.json()) as ApiBody;
}

async function journalCount(): Promise<number> {
  return (await t.services.journal.read(0, 5000)).records.length;
}

function collect(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${t.url}/collect`, {
    method: 'POST',
    headers: {
      'content-type': 'text/plain;charset=UTF-8',
      'user-agent': BROWSER_UA,
      origin: SITE_ORIGIN,
      ...headers,
    },
    body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
  });
}

describe('POST /collect', () => {
  it('journals a batch from the tracking script with offsets, receivedAt and a truncated IP', async () => {
    const before = await journalCount();
    const batch = [pageView('v-1', '/'), pageView('v-1', '/pricing')];
    const response = await collect({ siteId: site.id, sentAt: new Date().toISOString(), batch });
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({ accepted: 2, rejected: [] });
    const { records } = await t.services.journal.read(before, 10);
    expect(records.map((r) => r.event.context?.page?.path)).toEqual(['/', '/pricing']);
    expect(records[1]?.offset).toBe((records[0]?.offset ?? -2) + 1);
    expect(records[0]?.siteId).toBe(site.id);
    expect(records[0]?.source).toBe('tracker');
    expect(Date.parse(records[0]?.receivedAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
    expect(records[0]?.event.context?.ip).toBe('127.0.0.0');
    expect(records[0]?.event.context?.userAgent).toBe(BROWSER_UA);
  });

  it('answers a CORS preflight for a site origin, and not for a stranger', async () => {
    const preflight = (origin: string) =>
      fetch(`${t.url}/collect`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });
    const allowed = await preflight(SITE_ORIGIN);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(SITE_ORIGIN);
    const stranger = await preflight('https://evil.example');
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('drops a replayed messageId', async () => {
    const event = pageView('v-dup');
    const first = await collect({ siteId: site.id, batch: [event] });
    expect(await json(first)).toMatchObject({ accepted: 1 });
    const before = await journalCount();
    const again = await collect({ siteId: site.id, batch: [event] });
    expect(await json(again)).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(await journalCount()).toBe(before);
  });

  it('keeps the good events of a partly bad batch and says which were rejected and why', async () => {
    const before = await journalCount();
    const good = pageView('v-2');
    const response = await collect({
      siteId: site.id,
      batch: [
        good,
        { ...pageView('v-2'), type: 'explode' },
        { messageId: 'x', type: 'track', anonymousId: 'v-2' },
      ],
    });
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body.accepted).toBe(1);
    expect(body.rejected).toEqual([
      expect.objectContaining({ index: 1, error: 'invalid_event', field: 'batch[1].type' }),
      expect.objectContaining({ index: 2, error: 'invalid_event', field: 'batch[2].event' }),
    ]);
    expect(await journalCount()).toBe(before + 1);
  });

  it('rejects a single event over 32 KB and keeps the rest of its batch', async () => {
    const before = await journalCount();
    const big = pageView('v-big', '/', { properties: { notes: 'x'.repeat(33 * 1024) } });
    const response = await collect({ siteId: site.id, batch: [pageView('v-big'), big] });
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body.accepted).toBe(1);
    expect(body.rejected).toEqual([
      expect.objectContaining({ index: 1, error: 'event_too_large', field: 'batch[1]' }),
    ]);
    expect(await journalCount()).toBe(before + 1);
  });

  it('does not let a website forge tracked-link clicks or sends', async () => {
    const forged = { ...pageView('v-3'), type: 'link_click' };
    const response = await collect({ siteId: site.id, batch: [forged] });
    expect(response.status).toBe(400);
    expect(await json(response)).toMatchObject({ error: 'invalid_event', field: 'batch[0].type' });
  });

  it('filters traffic from bots', async () => {
    const before = await journalCount();
    const response = await collect(
      { siteId: site.id, batch: [pageView('v-bot')] },
      { 'user-agent': 'Googlebot/2.1' },
    );
    expect(await json(response)).toMatchObject({ accepted: 0, filtered: 1 });
    expect(await journalCount()).toBe(before);
  });
});

describe('live feed', () => {
  it('a burst of requests reaches the UI as a few pushes that carry every request, in order', async () => {
    const feedSite = t.services.sites.create({ name: 'Feed shop', origins: [SITE_ORIGIN] });
    const pushes: number[][] = [];
    const unsubscribe = t.services.bus.subscribe((event, payload) => {
      if (event !== 'collector.feed') return;
      const items = payload as { seq: number; siteId?: string }[];
      pushes.push(items.filter((item) => item.siteId === feedSite.id).map((item) => item.seq));
    });
    try {
      const answers = await Promise.all(
        Array.from({ length: 40 }, () => collect({ siteId: feedSite.id, batch: [pageView('v-feed')] })),
      );
      expect(answers.every((answer) => answer.status === 200)).toBe(true);
      await expect.poll(() => pushes.flat().length, { timeout: 2000 }).toBe(40);
      expect(pushes.filter((seqs) => seqs.length > 0).length).toBeLessThan(10);
      const seqs = pushes.flat();
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      // The feed the Collector page loads on opening has the same items.
      const latest = t.services.collector
        .feed(100)
        .filter((item) => item.siteId === feedSite.id)
        .map((item) => item.seq);
      expect(new Set(latest)).toEqual(new Set(seqs));
    } finally {
      unsubscribe();
    }
  });
});

describe('bad requests get a clear error and store nothing', () => {
  let before = 0;
  beforeEach(async () => {
    before = await journalCount();
  });

  const cases: {
    name: string;
    send: () => Promise<Response>;
    status: number;
    error: string;
    field?: string;
  }[] = [
    {
      name: 'malformed JSON',
      send: () => collect('{"siteId": '),
      status: 400,
      error: 'malformed_json',
    },
    {
      name: 'a payload without its site id',
      send: () => collect({ batch: [pageView('v')] }),
      status: 400,
      error: 'invalid_payload',
      field: 'siteId',
    },
    {
      name: 'a batch that is not an array',
      send: () => collect({ siteId: site.id, batch: 'nope' }),
      status: 400,
      error: 'invalid_payload',
      field: 'batch',
    },
    {
      name: 'an unknown site',
      send: () => collect({ siteId: 'site_nope', batch: [pageView('v')] }),
      status: 401,
      error: 'unknown_site',
      field: 'siteId',
    },
    {
      name: 'an origin the site does not list',
      send: () => collect({ siteId: site.id, batch: [pageView('v')] }, { origin: 'https://evil.example' }),
      status: 403,
      error: 'forbidden_origin',
    },
    {
      name: 'a body over 500 KB',
      send: () =>
        collect({
          siteId: site.id,
          batch: [pageView('v', '/', { properties: { pad: 'x'.repeat(600_000) } })],
        }),
      status: 413,
      error: 'payload_too_large',
    },
    {
      name: 'more than 2,500 events',
      send: () => collect({ siteId: site.id, batch: Array.from({ length: 2501 }, () => ({ t: 1 })) }),
      status: 413,
      error: 'batch_too_large',
      field: 'batch',
    },
    {
      name: 'a prototype-polluting key',
      send: () =>
        collect(
          `{"siteId":"${site.id}","batch":[{"messageId":"p1","type":"page","anonymousId":"v","properties":{"__proto__":{"admin":true}}}]}`,
        ),
      status: 400,
      error: 'forbidden_key',
      field: 'batch[0].properties.__proto__',
    },
    {
      name: 'a body that claims gzip but is not',
      send: () => collect('not gzip at all', { 'content-encoding': 'gzip' }),
      status: 415,
      error: 'undecodable_body',
    },
    {
      name: 'an unknown content encoding',
      send: () => collect('{}', { 'content-encoding': 'br-ish' }),
      status: 415,
      error: 'unsupported_encoding',
    },
    {
      name: 'invalid UTF-8',
      send: () => collect(Buffer.from([0x7b, 0xff, 0xfe, 0x7d])),
      status: 415,
      error: 'undecodable_body',
    },
    {
      name: 'an unknown path',
      send: () => fetch(`${t.url}/wp-admin.php`),
      status: 404,
      error: 'not_found',
    },
  ];

  for (const c of cases) {
    it(`${c.name} → ${c.status} ${c.error}`, async () => {
      const response = await c.send();
      expect(response.status).toBe(c.status);
      expect(response.headers.get('content-type')).toMatch(/application\/json/);
      const body = await json(response);
      expect(body.error).toBe(c.error);
      expect(typeof body.detail).toBe('string');
      if (c.field) expect(body.field).toBe(c.field);
      expect(await journalCount()).toBe(before);
      expect(({} as Record<string, unknown>).admin).toBeUndefined();
      // …and the collector keeps serving.
      const healthy = await collect({ siteId: site.id, batch: [pageView('v-ok')] });
      expect(healthy.status).toBe(200);
    });
  }

  it('accepts a gzip body', async () => {
    const body = gzipSync(JSON.stringify({ siteId: site.id, batch: [pageView('v-gz')] }));
    const response = await collect(body, { 'content-encoding': 'gzip' });
    expect(response.status).toBe(200);
    expect(await journalCount()).toBe(before + 1);
  });

  it('refuses a gzip bomb with 413', async () => {
    const bomb = gzipSync(Buffer.alloc(5 * 1024 * 1024, 0x20));
    const response = await collect(bomb, { 'content-encoding': 'gzip' });
    expect(response.status).toBe(413);
    expect((await json(response)).error).toBe('payload_too_large');
  });
});

describe('rate limiting', () => {
  it('answers 429 with Retry-After once a client sends too much, per client address', async () => {
    const limited = await startTestServices({ settings: { collector: { rateLimitPerMinute: 3 } } });
    try {
      const statuses: number[] = [];
      let last: Response | undefined;
      for (let i = 0; i < 5; i++) {
        last = await fetch(`${limited.url}/t.js`);
        statuses.push(last.status);
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      expect(Number(last?.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await json(last)).toMatchObject({ error: 'rate_limited' });
    } finally {
      await limited.close();
    }
  });
});

describe('GET /t.js', () => {
  it('serves the tracking script with an ETag and answers 304 when unchanged', async () => {
    const first = await fetch(`${t.url}/t.js`);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/javascript/);
    const etag = first.headers.get('etag');
    expect(etag).toBeTruthy();
    const again = await fetch(`${t.url}/t.js`, { headers: { 'if-none-match': etag ?? '' } });
    expect(again.status).toBe(304);
  });
});

describe('Segment HTTP Tracking API', () => {
  const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

  it('takes /v1/track with the write key by Basic auth', async () => {
    const before = await journalCount();
    const response = await fetch(`${t.url}/v1/track`, {
      method: 'POST',
      headers: { authorization: basic(site.writeKey), 'content-type': 'application/json' },
      body: JSON.stringify({
        messageId: 'seg-1',
        userId: 'u-1',
        event: 'Order Completed',
        properties: { total: 30 },
      }),
    });
    expect(response.status).toBe(200);
    const { records } = await t.services.journal.read(before, 10);
    expect(records).toHaveLength(1);
    expect(records[0]?.event).toMatchObject({ type: 'track', event: 'Order Completed', userId: 'u-1' });
    expect(records[0]?.source).toBe('segment');
  });

  it('refuses a missing or unknown write key with 401', async () => {
    const none = await fetch(`${t.url}/v1/identify`, {
      method: 'POST',
      body: JSON.stringify({ userId: 'u' }),
    });
    expect(none.status).toBe(401);
    expect((await json(none)).error).toBe('missing_write_key');
    const wrong = await fetch(`${t.url}/v1/identify`, {
      method: 'POST',
      headers: { authorization: basic('nope') },
      body: JSON.stringify({ messageId: 'x', userId: 'u' }),
    });
    expect(wrong.status).toBe(401);
    expect((await json(wrong)).error).toBe('unknown_write_key');
  });

  it('takes a gzip /v1/batch of mixed calls with any content type', async () => {
    const before = await journalCount();
    const batch = [
      { type: 'identify', messageId: 'sb-1', anonymousId: 'a-9', traits: { email: 'ben@example.com' } },
      { type: 'page', messageId: 'sb-2', anonymousId: 'a-9', name: 'Home' },
      { type: 'alias', messageId: 'sb-3', userId: 'u-9', previousId: 'a-9' },
    ];
    const response = await fetch(`${t.url}/v1/batch`, {
      method: 'POST',
      headers: {
        authorization: basic(site.writeKey),
        'content-encoding': 'gzip',
        'content-type': 'application/x-anything',
      },
      body: gzipSync(JSON.stringify({ batch, context: { library: { name: 'test', version: '1' } } })),
    });
    expect(response.status).toBe(200);
    const { records } = await t.services.journal.read(before, 10);
    expect(records.map((r) => r.event.type)).toEqual(['identify', 'page', 'alias']);
    expect(records[0]?.event.context?.library).toEqual({ name: 'test', version: '1' });
  });

  it('round-trips events from the real @segment/analytics-node client', async () => {
    const before = await journalCount();
    const analytics = new Analytics({ writeKey: site.writeKey, host: t.url, flushAt: 3, maxRetries: 1 });
    const errors: unknown[] = [];
    analytics.on('error', (error) => errors.push(error));
    analytics.identify({ userId: 'cust-42', traits: { email: 'ana@example.com', phone: '+14155550100' } });
    analytics.track({ userId: 'cust-42', event: 'Signed Up', properties: { plan: 'pro' } });
    analytics.page({ anonymousId: 'anon-7', name: 'Pricing', properties: { path: '/pricing' } });
    await analytics.closeAndFlush({ timeout: 10_000 });
    expect(errors).toEqual([]);
    const { records } = await t.services.journal.read(before, 10);
    expect(records.map((r) => r.event.type).sort()).toEqual(['identify', 'page', 'track']);
    const identify = records.find((r) => r.event.type === 'identify');
    expect(identify?.event).toMatchObject({ userId: 'cust-42', traits: { email: 'ana@example.com' } });
    expect(identify?.event.messageId).toBeTruthy();
  });
});

describe('a journal that cannot write', () => {
  it('answers 503 with Retry-After naming the cause, still redirects links, and resumes by itself once the disk recovers', async () => {
    t.services.links.register({
      campaignId: 'disk-full',
      links: [{ linkId: 'offer', destination: 'https://shop.example/offer' }],
    });
    const [link] = t.services.links.mint(
      { campaignId: 'disk-full', linkId: 'offer', recipients: [1] },
      t.url,
    );
    const batch = [pageView('v-full', '/full'), pageView('v-full', '/full/2')];
    const body = { siteId: site.id, sentAt: new Date().toISOString(), batch };
    const before = await journalCount();

    const fault = await failEveryDatasync('ENOSPC');
    try {
      const refused = await collect(body);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('5');
      const answer = await json(refused);
      expect(answer.error).toBe('journal_unavailable');
      expect(answer.detail).toMatch(/the disk is full \(ENOSPC\)/);
      const journal = t.services.collector.status().journal;
      expect(journal.fault).toMatchObject({
        code: 'ENOSPC',
        cause: 'the disk is full (ENOSPC)',
        failures: 1,
      });

      // The recipient still reaches the page, without a token; the failure counts in the fault.
      const tap = await fetch(link?.url ?? '', { redirect: 'manual', headers: { 'user-agent': BROWSER_UA } });
      expect(tap.status).toBe(302);
      expect(tap.headers.get('location')).toBe('https://shop.example/offer');
      expect(t.services.collector.status().journal.fault?.failures).toBe(2);
    } finally {
      fault.restore();
    }
    expect(await journalCount()).toBe(before);

    const retried = await collect(body);
    expect(retried.status).toBe(200);
    expect(await json(retried)).toMatchObject({ accepted: 2 });
    expect(t.services.collector.status().journal.fault).toBeUndefined();
    const { records } = await t.services.journal.read(before, 10);
    expect(records.map((record) => record.event.context?.page?.path)).toEqual(['/full', '/full/2']);
  });
});

describe('slow clients', () => {
  it('a client that goes silent, stops halfway through its headers, or trickles them is cut at the configured timeouts', async () => {
    const timeouts = { idleMs: 300, requestMs: 1600, headersMs: 1000, keepAliveMs: 300 };
    const collector = new Collector({
      settings: new SettingsStore(freshDataDir()),
      bus: new BridgeEventBus(),
      log: { info: () => undefined, warn: () => undefined, error: () => undefined },
      timeouts,
    });
    await collector.listen({ port: 0 });
    try {
      /** Milliseconds until the server closes a socket that sends `first`, then `drip` every 100 ms. */
      const closedAfter = (first: string, drip = '') =>
        new Promise<number>((resolve) => {
          const started = Date.now();
          let timer: NodeJS.Timeout | undefined;
          const socket = connect(collector.status().port, '127.0.0.1', () => {
            if (first) socket.write(first);
            // Each byte comes well inside the idle timeout, so only a header or request deadline ends it.
            if (drip) timer = setInterval(() => socket.write(drip), 100);
          });
          socket.on('error', () => undefined);
          socket.on('close', () => {
            clearInterval(timer);
            resolve(Date.now() - started);
          });
        });
      // How late this run's timers fire: the silent client is cut by the idle timeout.
      const silent = await closedAfter('');
      expect(silent).toBeGreaterThanOrEqual(timeouts.idleMs - 50);
      const lateness = Math.max(0, silent - timeouts.idleMs);
      expect(await closedAfter('POST /collect HTTP/1.1\r\nHost: x\r\n')).toBeLessThan(3000);

      // A slowloris client: header bytes keep coming, the headers never end.
      const slowHeaders = await closedAfter('POST /collect HTTP/1.1\r\nHost: x\r\nX-Slow: ', 'a');
      expect(slowHeaders).toBeGreaterThanOrEqual(timeouts.headersMs - 50);
      expect(slowHeaders).toBeLessThanOrEqual(timeouts.headersMs + lateness + 1000);

      // Headers done, the body trickles: the whole-request deadline ends it.
      const slowBody = await closedAfter(
        'POST /collect HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n',
        '{',
      );
      expect(slowBody).toBeGreaterThanOrEqual(timeouts.requestMs - 50);
      expect(slowBody).toBeLessThanOrEqual(timeouts.requestMs + lateness + 1000);

      // …and it still serves others.
      const healthy = await fetch(`${collector.baseUrl}/health`);
      expect(healthy.status).toBe(200);
    } finally {
      await collector.close();
    }
  });
});
