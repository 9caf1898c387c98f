// A campaign in the store: who it reaches and why others are left out, Prepare with links minted by
// the real link registry (in batches of at most 10,000), Mark as sent, provider outcomes, and the report.
import 'fake-indexeddb/auto';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LinkCampaignInput, MintedCode, MintRequest } from '../../../src-main/shared/links';
import { buildAudience } from '../../../src-renderer/campaigns/audience';
import {
  type LinkMinter,
  markCampaignSent,
  prepareCampaign,
  recordSendOutcomes,
} from '../../../src-renderer/campaigns/prepare';
import type { StitchDb } from '../../../src-renderer/db';
import { newContact } from '../../../src-renderer/db/contacts';
import type { CampaignRow, MessageRow } from '../../../src-renderer/db/types';
import {
  campaignReport,
  channelComparison,
  DEFAULT_RECIPIENT_SORT,
  type RecipientReport,
  type RecipientSort,
  sortRecipients,
} from '../../../src-renderer/queries/reports';
import { messageSentEventId } from '../../../src-renderer/stitching/messages';
import { addContact, at, FakeJournal, freshDb, ingestNew, mainHasher, timelineOf, UA } from './support';

const LINK_BASE = 'https://go.test';

interface LinkRegistryLike {
  register(input: LinkCampaignInput): unknown;
  mint(request: MintRequest, baseUrl: string): MintedCode[];
  resolve(
    code: string,
  ): { campaignId: string; linkId: string; recipient: number; destination: string } | null;
}

// The main process's real link registry. Loaded by path because the renderer's typecheck covers only
// `src-main/shared`; the shape it must have is spelled out above.
const REGISTRY_MODULE = '../../../src-main/links/registry';
const { LinkRegistry } = (await import(REGISTRY_MODULE)) as {
  LinkRegistry: new (dataDir: string, secret: Buffer) => LinkRegistryLike;
};

function registryMinter(): { minter: LinkMinter; registry: LinkRegistryLike; mintCalls: MintRequest[] } {
  const registry = new LinkRegistry(mkdtempSync(join(tmpdir(), 'campaign-links-')), randomBytes(32));
  const mintCalls: MintRequest[] = [];
  return {
    registry,
    mintCalls,
    minter: {
      register: async (input) => registry.register(input),
      mint: async (request) => {
        mintCalls.push(request);
        return registry.mint(request, LINK_BASE);
      },
    },
  };
}

async function addSmsCampaign(db: StitchDb, fields: Partial<CampaignRow> = {}): Promise<CampaignRow> {
  const campaign: CampaignRow = {
    id: 'spring',
    name: 'Spring Sale',
    channel: 'sms',
    createdAt: at(-600),
    status: 'draft',
    audience: { kind: 'all' },
    body: 'Hi {{first_name|there}}, sale: https://shop.test/sale',
    links: [{ linkId: 'l1', url: 'https://shop.test/sale', tracked: true }],
    utm: { enabled: true, source: 'sms', medium: 'sms', campaign: 'spring-sale' },
    optOutFooter: true,
    ...fields,
  };
  await db.campaigns.add(campaign);
  return campaign;
}

const consentAll = { sms: true, whatsapp: true, email: false };

describe('buildAudience', () => {
  it('keeps consenting contacts with a reachable number and says why the others are out', async () => {
    const db = freshDb();
    await addContact(db, { id: 'ok', phone: '+12015550123', consent: consentAll, createdAt: 1 });
    await addContact(db, { id: 'noConsent', phone: '+12015550124', createdAt: 2 });
    await addContact(db, { id: 'noPhone', consent: consentAll, createdAt: 3 });
    // A London landline, by the number plan; and a stored type that beats the plan.
    await addContact(db, { id: 'landline', phone: '+442071838750', consent: consentAll, createdAt: 4 });
    await addContact(db, {
      id: 'storedFixed',
      phone: '+447400123456',
      phoneType: 'fixed-line',
      consent: consentAll,
      createdAt: 5,
    });
    await addContact(db, { id: 'erased', phone: '+12015550125', consent: consentAll, createdAt: 6 });
    await db.suppressions.add({
      hash: mainHasher([{ kind: 'phone', value: '+12015550125' }])[0] ?? '',
      kind: 'phone',
      createdAt: 0,
      scheme: 'hmac-sha256',
    });
    await addContact(db, { id: 'sameNumber', phone: '+12015550123', consent: consentAll, createdAt: 7 });
    await addContact(db, {
      id: 'merged',
      phone: '+12015550126',
      consent: consentAll,
      mergedInto: 'ok',
      createdAt: 8,
    });

    const sms = await buildAudience(db, { kind: 'all' }, 'sms');
    expect(sms.recipients.map((r) => r.contact.id)).toEqual(['ok']);
    expect(sms.matched).toBe(7);
    expect(sms.excluded).toEqual({
      noConsent: 1,
      noNumber: 1,
      notMobile: 2,
      noEmail: 0,
      bounced: 0,
      suppressed: 1,
      duplicate: 1,
    });
  });

  it('uses the WhatsApp number, or else the phone, and filters by tag and list', async () => {
    const db = freshDb();
    await addContact(db, {
      id: 'wa',
      phone: '+12015550123',
      whatsapp: '+447400123456',
      consent: consentAll,
      tags: ['vip'],
      createdAt: 1,
    });
    await addContact(db, { id: 'phoneOnly', phone: '+442071838750', consent: consentAll, lists: ['uk'] });
    const whatsapp = await buildAudience(db, { kind: 'all' }, 'whatsapp');
    expect(whatsapp.recipients.map((r) => [r.contact.id, r.to])).toEqual([
      ['wa', '+447400123456'],
      ['phoneOnly', '+442071838750'],
    ]);
    expect((await buildAudience(db, { kind: 'tag', tag: 'vip' }, 'whatsapp')).recipients).toHaveLength(1);
    expect(
      (await buildAudience(db, { kind: 'list', list: 'uk' }, 'whatsapp')).recipients[0]?.contact.id,
    ).toBe('phoneOnly');
  });
});

describe('prepareCampaign and sending', () => {
  it('stores one prepared message per recipient whose link resolves to the same index', async () => {
    const db = freshDb();
    await addContact(db, {
      id: 'ana',
      firstName: 'Ana',
      phone: '+12015550123',
      consent: consentAll,
      createdAt: 1,
    });
    await addContact(db, {
      id: 'ben',
      firstName: '',
      phone: '+12015550124',
      consent: consentAll,
      createdAt: 2,
    });
    await addSmsCampaign(db);
    const { minter, registry } = registryMinter();

    const result = await prepareCampaign(db, 'spring', minter, LINK_BASE);
    expect(result).toEqual({ recipients: 2, segments: 2 });
    const messages = await db.messages.orderBy('id').toArray();
    expect(messages.map((m) => [m.id, m.contactId, m.status, m.to])).toEqual([
      ['spring:0', 'ana', 'prepared', '+12015550123'],
      ['spring:1', 'ben', 'prepared', '+12015550124'],
    ]);
    const [first, second] = messages;
    expect(first?.text).toBe(`Hi Ana, sale: ${first?.linkUrl}\nReply STOP to opt out`);
    expect(second?.text).toMatch(/^Hi there, sale: https:\/\/go\.test\/r\/[\w-]{16}\n/);
    const resolved = registry.resolve(second?.code ?? '');
    expect(resolved).toEqual({
      campaignId: 'spring',
      linkId: 'l1',
      recipient: 1,
      destination: 'https://shop.test/sale?utm_source=sms&utm_medium=sms&utm_campaign=spring-sale',
    });
    expect(await db.campaigns.get('spring')).toMatchObject({
      status: 'prepared',
      recipients: 2,
      segments: 2,
    });
  });

  it('mints in batches of at most 10,000 recipients', async () => {
    const db = freshDb();
    const contacts = Array.from({ length: 10_005 }, (_, i) =>
      newContact({
        id: `c${i}`,
        firstName: `P${i}`,
        phone: `+1201555${String(1000 + (i % 9000)).padStart(4, '0')}`,
        consent: consentAll,
        createdAt: i,
      }),
    );
    // Distinct numbers: the last five reuse a line, so they count as duplicates, not recipients.
    await db.contacts.bulkAdd(contacts);
    await addSmsCampaign(db);
    const { minter, mintCalls } = registryMinter();
    const steps: number[] = [];
    const result = await prepareCampaign(db, 'spring', minter, LINK_BASE, (done) => steps.push(done));
    expect(result.recipients).toBe(9000);
    expect(mintCalls.every((call) => call.recipients.length <= 10_000)).toBe(true);

    const many = freshDb();
    await many.contacts.bulkAdd(
      Array.from({ length: 10_001 }, (_, i) =>
        newContact({ id: `m${i}`, phone: `+1${2015550000 + i * 7}`, consent: consentAll, createdAt: i }),
      ),
    );
    await addSmsCampaign(many);
    const second = registryMinter();
    const prepared = await prepareCampaign(many, 'spring', second.minter, LINK_BASE);
    expect(second.mintCalls.map((c) => c.recipients.length)).toEqual([10_000, prepared.recipients - 10_000]);
    expect(steps.length).toBeGreaterThan(1);
  }, 60_000);

  it('marks prepared messages sent with their timeline entries, then refuses to prepare again', async () => {
    const db = freshDb();
    await addContact(db, { id: 'ana', phone: '+12015550123', consent: consentAll });
    await addSmsCampaign(db);
    const { minter } = registryMinter();
    await prepareCampaign(db, 'spring', minter, LINK_BASE);
    expect(await markCampaignSent(db, 'spring', at(0))).toBe(1);
    expect(await db.messages.get('spring:0')).toMatchObject({ status: 'sent', sentAt: at(0) });
    expect(await db.events.get(messageSentEventId('spring:0'))).toMatchObject({
      type: 'message_sent',
      contactId: 'ana',
    });
    expect((await db.contacts.get('ana'))?.stats.messages).toBe(1);
    expect(await db.campaigns.get('spring')).toMatchObject({ status: 'sent', sentAt: at(0) });
    await expect(prepareCampaign(db, 'spring', minter, LINK_BASE)).rejects.toThrow(/sent messages/);
  });

  it('records provider outcomes: sent ones on the timeline, failed ones with their reason', async () => {
    const db = freshDb();
    await addContact(db, { id: 'ana', phone: '+12015550123', consent: consentAll, createdAt: 1 });
    await addContact(db, { id: 'ben', phone: '+12015550124', consent: consentAll, createdAt: 2 });
    await addSmsCampaign(db);
    await prepareCampaign(db, 'spring', registryMinter().minter, LINK_BASE);
    const outcome = await recordSendOutcomes(
      db,
      'spring',
      [
        { messageId: 'spring:0', ok: true, providerId: 'SM1', status: 'queued' },
        { messageId: 'spring:1', ok: false, error: 'Twilio 21211: invalid To', status: 'failed' },
      ],
      at(1),
    );
    expect(outcome).toEqual({ sent: 1, failed: 1 });
    expect(await db.messages.get('spring:0')).toMatchObject({
      status: 'sent',
      providerId: 'SM1',
      providerStatus: 'queued',
    });
    expect(await db.messages.get('spring:1')).toMatchObject({
      status: 'failed',
      error: 'Twilio 21211: invalid To',
    });
    expect(await db.events.get(messageSentEventId('spring:1'))).toBeUndefined();
    expect(await timelineOf(db, 'ana')).toEqual(['message_sent']);
  });
});

/** Ana clicks at 3 (browser A: pages at 3.1 and 5, a form at 6) and at 10 (B); a bot at 11; Ben never. */
async function springWithClicks(): Promise<StitchDb> {
  const db = freshDb();
  await addContact(db, {
    id: 'ana',
    firstName: 'Ana',
    phone: '+12015550123',
    consent: consentAll,
    createdAt: 1,
  });
  await addContact(db, {
    id: 'ben',
    firstName: 'Ben',
    phone: '+12015550124',
    consent: consentAll,
    createdAt: 2,
  });
  await addSmsCampaign(db);
  await prepareCampaign(db, 'spring', registryMinter().minter, LINK_BASE);
  await markCampaignSent(db, 'spring', at(0));
  const message = (await db.messages.get('spring:0')) as MessageRow;

  const journal = new FakeJournal();
  journal.page('A', 1, '/before');
  // Apple Messages fetching the preview of an SMS it received: not a sign of a forward.
  journal.preview(message, 2, UA.iMessagePreview);
  journal.click(message, 3, 'tokA');
  journal.page('A', 3.1, '/sale', { clickToken: 'tokA' });
  journal.page('A', 5, '/pricing');
  journal.form('A', 6, { email: 'ana@shop.test' });
  journal.click(message, 10, 'tokB', UA.iphoneSafari);
  journal.page('B', 10.1, '/sale', { clickToken: 'tokB', ua: UA.iphoneSafari });
  journal.click(message, 11, 'tokBot', UA.googlebot);
  await ingestNew(db, journal);
  return db;
}

describe('campaignReport', () => {
  it('counts clicks, previews, stitched visitors, post-click activity and conversions', async () => {
    const db = await springWithClicks();
    const report = await campaignReport(db, 'spring');
    expect(report).toMatchObject({
      name: 'Spring Sale',
      channel: 'sms',
      recipients: 2,
      sent: 2,
      delivered: null,
      failed: 0,
      clicks: 2,
      uniqueClickers: 1,
      clickRate: 0.5,
      previews: 1,
      // B, a second browser on Ana's SMS link, is a tentative link: counted as a forward, not as Ana.
      forwarded: 1,
      stitchedVisitors: 1,
      // A: /sale and /pricing after the click (not /before).
      postClickPageViews: 2,
      postClickSessions: 1,
      conversions: 1,
    });
    expect(report?.links).toEqual([
      { linkId: 'l1', destination: 'https://shop.test/sale', clicks: 2, clickers: 1 },
    ]);
    expect(report?.clickTimes).toEqual([at(3), at(10)]);
    expect(report?.recipientRows.map((r) => [r.name, r.clicks, r.stitched])).toEqual([
      ['Ana', 2, 1],
      ['Ben', 0, 0],
    ]);

    const comparison = await channelComparison(db);
    expect(comparison.totals.find((t) => t.channel === 'sms')).toMatchObject({
      campaigns: 1,
      sent: 2,
      clicks: 2,
      uniqueClickers: 1,
      clickRate: 0.5,
      conversions: 1,
      conversionRate: 0.5,
    });
    expect(comparison.totals.find((t) => t.channel === 'whatsapp')).toMatchObject({ campaigns: 0, sent: 0 });
  });

  it('counts in a date range only what happened in it: from included, to excluded', async () => {
    const db = await springWithClicks();
    // [3, 10): Ana's first click and all of A's activity; the click at 10 falls outside.
    const first = await campaignReport(db, 'spring', { from: at(3), to: at(10) });
    expect(first).toMatchObject({
      sent: 2,
      clicks: 1,
      uniqueClickers: 1,
      clickRate: 0.5,
      stitchedVisitors: 1,
      postClickPageViews: 2,
      conversions: 1,
    });
    expect(first?.clickTimes).toEqual([at(3)]);
    expect(first?.links[0]).toMatchObject({ clicks: 1, clickers: 1 });
    expect(first?.recipientRows.map((r) => [r.name, r.clicks, r.lastClickAt])).toEqual([
      ['Ana', 1, at(3)],
      ['Ben', 0, undefined],
    ]);

    // [10, ∞): the second click, from a browser that is not linked; A's stitch and activity are before.
    const later = await campaignReport(db, 'spring', { from: at(10), to: null });
    expect(later).toMatchObject({
      sent: 2,
      clicks: 1,
      stitchedVisitors: 0,
      postClickPageViews: 0,
      conversions: 0,
    });
    expect(later?.clickTimes).toEqual([at(10)]);

    // [5.5, 7): no click, but A (stitched earlier) submitted its form in it.
    const form = await campaignReport(db, 'spring', { from: at(5.5), to: at(7) });
    expect(form).toMatchObject({ clicks: 0, uniqueClickers: 0, postClickPageViews: 0, conversions: 1 });

    // The range reaches the Reports page's totals too.
    const comparison = await channelComparison(db, { from: at(10), to: null });
    expect(comparison.totals.find((t) => t.channel === 'sms')).toMatchObject({ clicks: 1, conversions: 0 });
  });
});

describe('sortRecipients', () => {
  const row = (
    index: number,
    name: string,
    status: RecipientReport['status'],
    clicks: number,
    lastClickAt?: number,
  ): RecipientReport => ({
    messageId: `c:${index}`,
    contactId: name,
    name,
    status,
    clicks,
    previews: 0,
    visitors: 0,
    forwarded: false,
    stitched: 0,
    lastSeen: 0,
    ...(lastClickAt === undefined ? {} : { lastClickAt }),
  });
  const rows = [
    row(0, 'Cy', 'sent', 0),
    row(1, 'Ana', 'failed', 2, at(5)),
    row(2, 'Bo', 'sent', 3, at(2)),
    row(3, 'Dee', 'sent', 2, at(9)),
  ];
  const names = (sort: RecipientSort) => sortRecipients(rows, sort).map((r) => r.name);

  it('puts clickers first by default, ties in campaign order', () => {
    expect(names(DEFAULT_RECIPIENT_SORT)).toEqual(['Bo', 'Ana', 'Dee', 'Cy']);
  });

  it('sorts by name, status, clicks and last click both ways; no click sorts last', () => {
    expect(names({ key: 'name', dir: 'asc' })).toEqual(['Ana', 'Bo', 'Cy', 'Dee']);
    expect(names({ key: 'name', dir: 'desc' })).toEqual(['Dee', 'Cy', 'Bo', 'Ana']);
    expect(names({ key: 'status', dir: 'asc' })).toEqual(['Ana', 'Cy', 'Bo', 'Dee']);
    expect(names({ key: 'clicks', dir: 'asc' })).toEqual(['Cy', 'Ana', 'Dee', 'Bo']);
    expect(names({ key: 'lastClick', dir: 'desc' })).toEqual(['Dee', 'Ana', 'Bo', 'Cy']);
    expect(names({ key: 'lastClick', dir: 'asc' })).toEqual(['Bo', 'Ana', 'Dee', 'Cy']);
  });
});
