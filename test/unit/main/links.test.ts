// Tracked links: codes are short and unforgeable, the link table survives restarts, previews are
// told from taps, and /r/<code> journals before it redirects — and never redirects a bad code.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Collector } from '../../../src-main/collector/server';
import { BridgeEventBus } from '../../../src-main/ipc/event-bus';
import type { EventJournal, JournalEntryInput } from '../../../src-main/journal/types';
import { decodeLinkCode, encodeLinkCode, loadOrCreateLinkSecret } from '../../../src-main/links/codes';
import { isLinkPreview, truncateIp } from '../../../src-main/links/preview';
import { registerRedirectRoutes } from '../../../src-main/links/redirect';
import { LinkInputError, LinkRegistry, UnknownLinkError } from '../../../src-main/links/registry';
import { SettingsStore } from '../../../src-main/settings/store';
import type { JournalReadResult } from '../../../src-main/shared/bridge';
import type { JournalRecord, LinkClickProperties } from '../../../src-main/shared/events';
import type { Logger } from '../../../src-main/util/log';

const freshDir = () => mkdtempSync(join(tmpdir(), 'stitchdesk-links-'));
const URL_SAFE_CODE = /^[A-Za-z0-9_-]{1,16}$/;

const CHROME_DESKTOP =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const IPHONE_SAFARI =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const IMESSAGE_PREVIEW =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0';

/** Flips one character of a code to another character of the same alphabet. */
function tamper(code: string, at: number): string {
  const c = code[at] === 'A' ? 'B' : 'A';
  return `${code.slice(0, at)}${c}${code.slice(at + 1)}`;
}

describe('link codes', () => {
  const secret = randomBytes(32);

  it('round-trip every recipient of a large campaign, each code at most 16 URL-safe characters', () => {
    const pairs: [number, number][] = [];
    for (let recipient = 0; recipient <= 10_000; recipient++) pairs.push([1, recipient]);
    for (const linkNum of [0, 127, 128, 16_383, 16_384, 1_000_000]) {
      for (const recipient of [0, 1, 127, 128, 2 ** 20, 2 ** 21 - 1]) pairs.push([linkNum, recipient]);
    }
    for (const [linkNum, recipient] of pairs) {
      const code = encodeLinkCode(secret, linkNum, recipient);
      expect(code).toMatch(URL_SAFE_CODE);
      expect(decodeLinkCode(secret, code)).toEqual({ linkNum, recipient });
    }
  });

  it('numbers that would leave less than a 48-bit tag are refused', () => {
    expect(() => encodeLinkCode(secret, 2 ** 21, 2 ** 21)).toThrow(RangeError);
    expect(() => encodeLinkCode(secret, 1, -1)).toThrow(RangeError);
    expect(() => encodeLinkCode(secret, 1, 1.5)).toThrow(RangeError);
  });

  it('a tampered, truncated, extended, foreign or garbage code decodes to nothing', () => {
    const code = encodeLinkCode(secret, 3, 42);
    for (let at = 0; at < code.length; at++) expect(decodeLinkCode(secret, tamper(code, at))).toBeNull();
    expect(decodeLinkCode(secret, code.slice(0, -1))).toBeNull();
    expect(decodeLinkCode(secret, `${code}A`)).toBeNull();
    expect(decodeLinkCode(randomBytes(32), code)).toBeNull();
    expect(decodeLinkCode(secret, code.toLowerCase())).toBeNull();
    for (const garbage of [
      '',
      'not a code',
      'AAAAAAAAAAAAAAAA',
      '////////////////',
      `${code.slice(0, 15)}=`,
    ]) {
      expect(decodeLinkCode(secret, garbage)).toBeNull();
    }
  });

  it('the secret is created owner-only on first run and the same one is read afterwards', () => {
    const dir = freshDir();
    const first = loadOrCreateLinkSecret(dir);
    expect(first).toHaveLength(32);
    if (process.platform !== 'win32') expect(statSync(join(dir, 'link-secret.key')).mode & 0o777).toBe(0o600);
    expect(loadOrCreateLinkSecret(dir).equals(first)).toBe(true);
  });
});

describe('link registry', () => {
  const campaign = {
    campaignId: 'spring-sale',
    links: [
      { linkId: 'offer', destination: 'https://shop.example/offer' },
      { linkId: 'faq', destination: 'https://shop.example/faq' },
    ],
  };

  it('a link keeps its codes across a restart, and re-registering only moves its destination', () => {
    const dir = freshDir();
    const registry = new LinkRegistry(dir);
    expect(registry.register(campaign)).toEqual({ campaignId: 'spring-sale', linkIds: ['offer', 'faq'] });
    const [minted] = registry.mint(
      { campaignId: 'spring-sale', linkId: 'offer', recipients: [7] },
      'https://go.example',
    );
    expect(minted?.url).toBe(`https://go.example/r/${minted?.code}`);

    const reopened = new LinkRegistry(dir);
    reopened.register({
      campaignId: 'spring-sale',
      links: [{ linkId: 'offer', destination: 'https://shop.example/offer-v2' }],
    });
    expect(reopened.resolve(minted?.code ?? '')).toEqual({
      campaignId: 'spring-sale',
      linkId: 'offer',
      recipient: 7,
      destination: 'https://shop.example/offer-v2',
    });
    expect(new LinkRegistry(dir).resolve(minted?.code ?? '')?.destination).toBe(
      'https://shop.example/offer-v2',
    );
  });

  it('10,000 recipients are minted in one call, quickly, with distinct codes that resolve back', () => {
    const registry = new LinkRegistry(freshDir());
    registry.register(campaign);
    const recipients = Array.from({ length: 10_000 }, (_, i) => i);
    const started = performance.now();
    const minted = registry.mint(
      { campaignId: 'spring-sale', linkId: 'faq', recipients },
      'http://127.0.0.1:7420/',
    );
    expect(performance.now() - started).toBeLessThan(1000);
    expect(new Set(minted.map((m) => m.code)).size).toBe(10_000);
    expect(minted.every((m) => m.code.length <= 16 && m.url === `http://127.0.0.1:7420/r/${m.code}`)).toBe(
      true,
    );
    expect(registry.resolve(minted[9_999]?.code ?? '')?.recipient).toBe(9_999);
  });

  it('destinations that are not absolute http(s) URLs are refused, naming the field', () => {
    const registry = new LinkRegistry(freshDir());
    for (const destination of ['javascript:alert(1)', '/relative/path', 'offer', 'ftp://shop.example/x']) {
      const attempt = () => registry.register({ campaignId: 'c', links: [{ linkId: 'l', destination }] });
      expect(attempt).toThrow(LinkInputError);
      expect(attempt).toThrow(/links\[0\]\.destination/);
    }
    try {
      registry.register({ campaignId: 'c', links: [{ linkId: 'l', destination: 'javascript:alert(1)' }] });
    } catch (error) {
      expect((error as LinkInputError).field).toBe('links[0].destination');
    }
  });

  it('minting for an unknown campaign or link is a typed error naming the field', () => {
    const registry = new LinkRegistry(freshDir());
    registry.register(campaign);
    const base = 'https://go.example';
    expect(() => registry.mint({ campaignId: 'nope', linkId: 'offer', recipients: [1] }, base)).toThrow(
      UnknownLinkError,
    );
    expect(() => registry.mint({ campaignId: 'spring-sale', linkId: 'nope', recipients: [1] }, base)).toThrow(
      /linkId/,
    );
    expect(() =>
      registry.mint({ campaignId: 'spring-sale', linkId: 'offer', recipients: [-1] }, base),
    ).toThrow(/recipients\[0\]/);
  });
});

describe('link previews', () => {
  it.each([
    ['WhatsApp', 'WhatsApp/2.23.20.0 A', 'GET', true],
    [
      'Facebook crawler',
      'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
      'GET',
      true,
    ],
    ['Slack', 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)', 'GET', true],
    ['Telegram', 'TelegramBot (like TwitterBot)', 'GET', true],
    ['Twitter', 'Twitterbot/1.0', 'GET', true],
    ['iMessage', IMESSAGE_PREVIEW, 'GET', true],
    ['a HEAD request from a browser', CHROME_DESKTOP, 'HEAD', true],
    ['no user agent', undefined, 'GET', true],
    ['desktop Chrome', CHROME_DESKTOP, 'GET', false],
    ['iPhone Safari', IPHONE_SAFARI, 'GET', false],
  ])('%s → preview %s', (_name, userAgent, method, expected) => {
    expect(isLinkPreview(userAgent, method)).toBe(expected);
  });

  it.each([
    ['203.0.113.57', '203.0.113.0'],
    ['::ffff:1.2.3.4', '1.2.3.0'],
    ['::ffff:0102:0304', '1.2.3.0'],
    ['2001:db8:85a3:8d3:1319:8a2e:370:7348', '2001:db8:85a3::'],
    ['2001:db8::1', '2001:db8::'],
    ['2001:0:85a3::ff', '2001:0:85a3::'],
    ['::1', '::'],
    ['fe80::1%eth0', 'fe80::'],
    ['not an ip', ''],
  ])('truncateIp(%s) → %s', (ip, expected) => {
    expect(truncateIp(ip)).toBe(expected);
  });
});

/** Journal test double: keeps records in memory and resolves like a durable append. */
class MemoryJournal implements EventJournal {
  readonly records: JournalRecord[] = [];
  failing = false;
  /** When set, appends wait for it, like an fsync that has not finished yet. */
  fsync: Promise<void> | undefined;

  async append(entries: JournalEntryInput[]): Promise<JournalRecord[]> {
    if (this.failing) throw new Error('disk full');
    await this.fsync;
    const added = entries.map((entry) => ({
      ...entry,
      offset: this.records.length,
      receivedAt: new Date().toISOString(),
    }));
    this.records.push(...added);
    return added;
  }

  async read(fromOffset: number, limit: number): Promise<JournalReadResult> {
    const records = this.records.slice(fromOffset, fromOffset + limit);
    return {
      records,
      nextOffset: fromOffset + records.length,
      lastOffset: this.records.length - 1,
      ackedOffset: -1,
    };
  }

  async ack(offset: number): Promise<number> {
    return offset;
  }

  async redact(): Promise<{ records: number; segments: number }> {
    throw new Error('not used by the link tests');
  }

  stats() {
    return { bytes: 0, segments: 0, lastOffset: this.records.length - 1, ackedOffset: -1 };
  }

  async close(): Promise<void> {}
}

const quietLog: Logger = { info: () => {}, warn: () => {}, error: () => {} };

describe('GET /r/<code>', () => {
  let collector: Collector;
  let journal: MemoryJournal;
  let registry: LinkRegistry;
  let base: string;

  beforeEach(async () => {
    const dir = freshDir();
    const settings = new SettingsStore(dir);
    journal = new MemoryJournal();
    registry = new LinkRegistry(dir);
    registry.register({
      campaignId: 'spring-sale',
      links: [
        { linkId: 'offer', destination: 'https://shop.example/offer' },
        { linkId: 'deep', destination: 'https://shop.example/p?utm_source=sms&q=a%20b#reviews' },
      ],
    });
    collector = new Collector({ settings, bus: new BridgeEventBus(), log: quietLog });
    registerRedirectRoutes(collector.app, { registry, journal, settings, collector, log: quietLog });
    await collector.listen({ port: 0, host: '127.0.0.1' });
    base = collector.baseUrl;
  });

  afterEach(async () => {
    await collector.close();
  });

  const linkFor = (linkId: string, recipient: number) => {
    const [minted] = registry.mint({ campaignId: 'spring-sale', linkId, recipients: [recipient] }, base);
    if (!minted) throw new Error('nothing minted');
    return minted;
  };
  const open = (url: string, init: { method?: string; userAgent?: string } = {}) =>
    fetch(url, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      headers: { 'user-agent': init.userAgent ?? CHROME_DESKTOP },
    });

  it('a tap is journalled durably, then redirected to the destination with the same one-time token', async () => {
    const { url } = linkFor('offer', 12);
    const response = await open(url);
    expect(response.status).toBe(302);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    const location = new URL(response.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe('https://shop.example/offer');
    const token = location.searchParams.get('ps_ct');
    expect(token).toMatch(/^[A-Za-z0-9_-]{22,}$/);

    expect(journal.records).toHaveLength(1);
    const record = journal.records[0];
    expect(record?.source).toBe('redirect');
    expect(record?.event.type).toBe('link_click');
    const properties = record?.event.properties as LinkClickProperties;
    expect(properties).toMatchObject({
      campaignId: 'spring-sale',
      linkId: 'offer',
      recipientMessageId: 'spring-sale:12',
      destination: 'https://shop.example/offer',
      clickToken: token,
      method: 'GET',
    });
    expect(record?.event.context).toEqual({ userAgent: CHROME_DESKTOP, ip: '127.0.0.0' });
    expect(collector.status().received).toBe(1);
  });

  it('the redirect is not sent before the journal has stored the tap', async () => {
    let finishFsync = () => {};
    journal.fsync = new Promise<void>((resolve) => {
      finishFsync = resolve;
    });
    let answered = false;
    const response = open(linkFor('offer', 8).url).then((r) => {
      answered = true;
      return r;
    });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(answered).toBe(false);
    finishFsync();
    expect((await response).status).toBe(302);
    expect(journal.records).toHaveLength(1);
  });

  it('each tap gets a fresh token', async () => {
    const { url } = linkFor('offer', 1);
    const first = new URL((await open(url)).headers.get('location') ?? '').searchParams.get('ps_ct');
    const second = new URL((await open(url)).headers.get('location') ?? '').searchParams.get('ps_ct');
    expect(first).not.toBe(second);
  });

  it('a destination with a query and a hash keeps both, and the token joins the query', async () => {
    const response = await open(linkFor('deep', 3).url);
    const location = response.headers.get('location') ?? '';
    expect(location).toMatch(
      /^https:\/\/shop\.example\/p\?utm_source=sms&q=a%20b&ps_ct=[A-Za-z0-9_-]+#reviews$/,
    );
  });

  it.each([
    ['a WhatsApp preview', 'GET', 'WhatsApp/2.23.20.0 A'],
    ['an iMessage preview', 'GET', IMESSAGE_PREVIEW],
    ['a HEAD request', 'HEAD', CHROME_DESKTOP],
  ])('%s is recorded as a preview: 200 page, no redirect, no token', async (_name, method, userAgent) => {
    const response = await open(linkFor('offer', 5).url, { method, userAgent });
    expect(response.status).toBe(200);
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(journal.records).toHaveLength(1);
    const event = journal.records[0]?.event;
    expect(event?.type).toBe('link_preview');
    expect(event?.properties).toMatchObject({ recipientMessageId: 'spring-sale:5', method });
    expect(event?.properties?.clickToken).toBeUndefined();
    expect(JSON.stringify(event)).not.toContain('ps_ct');
  });

  it('a tampered, unknown or over-long code gets a 404 page, no redirect, and nothing journalled', async () => {
    const { code } = linkFor('offer', 9);
    const foreign = encodeLinkCode(randomBytes(32), 1, 9);
    const unknownLink = new LinkRegistry(freshDir()).resolve(code) === null;
    expect(unknownLink).toBe(true);
    for (const bad of [tamper(code, 15), foreign, code.toLowerCase(), code.slice(0, 10), 'x'.repeat(40)]) {
      for (const method of ['GET', 'HEAD']) {
        const response = await open(`${base}/r/${bad}`, { method });
        expect(response.status).toBe(404);
        expect(response.headers.get('location')).toBeNull();
        expect(response.headers.get('content-type')).toMatch(/^text\/html/);
        if (method === 'GET') expect(await response.text()).toContain('This link is not valid');
      }
    }
    for (const path of ['/r/', `/r/${code}/extra`]) {
      const response = await open(`${base}${path}`);
      expect(response.status).toBe(404);
      expect(response.headers.get('location')).toBeNull();
    }
    expect(journal.records).toHaveLength(0);
    expect(collector.status().rejected.invalid_link).toBe(12);
  });

  it('a renamed token parameter is used for the redirect', async () => {
    const dir = freshDir();
    const settings = new SettingsStore(dir);
    settings.update({ links: { clickTokenParam: 'sd_click' } });
    const other = new Collector({ settings, bus: new BridgeEventBus(), log: quietLog });
    registerRedirectRoutes(other.app, { registry, journal, settings, collector: other });
    await other.listen({ port: 0, host: '127.0.0.1' });
    try {
      const location = new URL(
        (await open(linkFor('offer', 2).url.replace(base, other.baseUrl))).headers.get('location') ?? '',
      );
      expect(location.searchParams.get('sd_click')).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(location.searchParams.has('ps_ct')).toBe(false);
    } finally {
      await other.close();
    }
  });

  it('when the journal cannot store the tap, the recipient still reaches the page, without a token', async () => {
    journal.failing = true;
    const response = await open(linkFor('offer', 4).url);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('https://shop.example/offer');
    expect(collector.status().rejected.journal_unavailable).toBe(1);
  });

  it('the secret and the link table stay in the data dir', () => {
    // The bridge never needs the secret: minting happens here and only codes leave.
    const dir = freshDir();
    new LinkRegistry(dir).register({
      campaignId: 'c',
      links: [{ linkId: 'l', destination: 'https://a.example' }],
    });
    expect(existsSync(join(dir, 'link-secret.key'))).toBe(true);
    expect(readFileSync(join(dir, 'links.json'), 'utf8')).not.toContain(
      readFileSync(join(dir, 'link-secret.key'), 'utf8').trim(),
    );
  });
});
