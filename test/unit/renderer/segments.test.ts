// Segments: every condition kind, AND / OR / NOT, time windows at their edges, the set-wise counter
// agreeing with the per-contact evaluator, and a segment frozen into a campaign's messages at Prepare.
import 'fake-indexeddb/auto';
import { liveQuery } from 'dexie';
import { describe, expect, it } from 'vitest';
import { prepareCampaign } from '../../../src-renderer/campaigns/prepare';
import type { StitchDb } from '../../../src-renderer/db';
import type { MessageRow } from '../../../src-renderer/db/types';
import { countSegment, segmentMembers } from '../../../src-renderer/segments/count';
import { evaluateSegment } from '../../../src-renderer/segments/evaluate';
import { contactFacts, segmentsOfContact } from '../../../src-renderer/segments/membership';
import {
  DAY_MS,
  type SegmentCondition,
  SegmentDefinitionError,
  type SegmentGroup,
  type SegmentNode,
} from '../../../src-renderer/segments/model';
import { undo, unstitchLink } from '../../../src-renderer/stitching/manual';
import { recordMessageSent } from '../../../src-renderer/stitching/messages';
import { addCampaign, addContact, at, FakeJournal, freshDb, ingestNew, settingsWith, UA } from './support';

const DAY = 24 * 60;
/** "Now" for every count: 60 days after the fixtures' day 0. */
const NOW = at(60 * DAY);
/** Minutes of a moment `days` before NOW. */
const daysAgo = (days: number): number => 60 * DAY - days * DAY;

const and = (...children: SegmentNode[]): SegmentGroup => ({ kind: 'group', op: 'and', children });
const or = (...children: SegmentNode[]): SegmentGroup => ({ kind: 'group', op: 'or', children });
const not = <T extends SegmentNode>(node: T): T => ({ ...node, not: true });

/**
 * Ana clicked the spring SMS and read /pricing twice this week; Ben clicked it too, read /pricing
 * 40 days ago and sent a form yesterday; Cara got it without clicking, identified by a form, read
 * /pricing/enterprise and bought the pro plan; Dan got the WhatsApp one, is a VIP in Lisbon.
 * Eve was merged into Ana.
 */
async function store(): Promise<{
  db: StitchDb;
  messages: Record<string, MessageRow>;
  journal: FakeJournal;
}> {
  const db = freshDb();
  const consent = (sms: boolean, whatsapp: boolean) => ({ sms, whatsapp, email: false });
  await addContact(db, {
    id: 'ana',
    firstName: 'Ana',
    phone: '+12015550101',
    consent: consent(true, false),
    lists: ['newsletter'],
  });
  await addContact(db, { id: 'ben', firstName: 'Ben', phone: '+12015550102', consent: consent(true, false) });
  await addContact(db, {
    id: 'cara',
    firstName: 'Cara',
    email: 'cara@example.org',
    phone: '+12015550103',
    consent: consent(true, false),
  });
  await addContact(db, {
    id: 'dan',
    firstName: 'Dan',
    phone: '+12015550104',
    consent: consent(false, true),
    tags: ['vip'],
    custom: { city: 'Lisbon' },
  });
  await addContact(db, { id: 'eve', firstName: 'Eve', mergedInto: 'ana', tags: ['vip'] });
  const sms = await addCampaign(db, { id: 'spring', name: 'Spring SMS', channel: 'sms' }, [
    'ana',
    'ben',
    'cara',
  ]);
  const wa = await addCampaign(db, { id: 'wa', name: 'WhatsApp promo', channel: 'whatsapp' }, ['dan']);
  for (const message of [...sms, ...wa]) await recordMessageSent(db, message, at(daysAgo(5) - 30));
  const [ana, ben, cara] = sms;
  if (!ana || !ben || !cara) throw new Error('campaign not created');

  const journal = new FakeJournal();
  journal.click(ana, daysAgo(5), 'tok-ana');
  journal.page('A', daysAgo(5) + 0.1, '/spring', { clickToken: 'tok-ana' });
  journal.page('A', daysAgo(3), '/pricing');
  journal.page('A', daysAgo(2), '/pricing');
  journal.page('B', daysAgo(40), '/pricing');
  journal.click(ben, daysAgo(5), 'tok-ben');
  journal.page('B', daysAgo(5) + 0.1, '/spring', { clickToken: 'tok-ben' });
  journal.form('B', daysAgo(1), { phone: '+12015550102' });
  journal.form('C', daysAgo(4), { email: 'cara@example.org' });
  journal.page('C', daysAgo(4) + 1, '/pricing/enterprise');
  journal.track('C', daysAgo(4) + 2, 'purchase', { plan: 'pro', amount: 49 });
  // An anonymous browser's visits belong to no one.
  journal.page('X', daysAgo(1), '/pricing');
  journal.form('X', daysAgo(1), {});
  await ingestNew(db, journal);
  return { db, messages: { ana, ben, cara }, journal };
}

/**
 * Members by the set-wise counter, checked against the per-contact evaluator and the count, and
 * the same under both join plans: candidates' browsers probed, or each condition's range read whole.
 */
async function members(db: StitchDb, definition: SegmentNode, now = NOW): Promise<string[]> {
  const setWise = (await segmentMembers(db, definition, now)).map((c) => c.id).sort();
  for (const probeLimit of [0, Number.POSITIVE_INFINITY]) {
    const planned = await segmentMembers(db, definition, now, { probeLimit });
    expect(planned.map((c) => c.id).sort()).toEqual(setWise);
    expect(await countSegment(db, definition, now, { probeLimit })).toBe(setWise.length);
  }
  const live = (await db.contacts.toArray()).filter((c) => !c.mergedInto);
  const evaluated: string[] = [];
  for (const contact of live) {
    const facts = await contactFacts(db, contact.id);
    if (facts && evaluateSegment(definition, facts, now)) evaluated.push(contact.id);
  }
  expect(setWise).toEqual(evaluated.sort());
  expect(await countSegment(db, definition, now)).toBe(setWise.length);
  return setWise;
}

const one = (condition: SegmentCondition) => and(condition);
/** "Visited a path containing /pricing in the last 30 days", with `fields` changed. */
const visited = (fields: Partial<Extract<SegmentCondition, { kind: 'visited' }>>) =>
  one({
    kind: 'visited',
    on: 'path',
    match: 'contains',
    pattern: '/pricing',
    minCount: 1,
    withinDays: 30,
    ...fields,
  });

describe('segment conditions, one kind at a time', () => {
  it('contact fields, imported custom fields included', async () => {
    const { db } = await store();
    expect(await members(db, one({ kind: 'field', field: 'email', op: 'isSet', value: '' }))).toEqual([
      'cara',
    ]);
    expect(await members(db, one({ kind: 'field', field: 'firstName', op: 'equals', value: 'ben' }))).toEqual(
      ['ben'],
    );
    expect(
      await members(db, one({ kind: 'field', field: 'firstName', op: 'startsWith', value: 'a' })),
    ).toEqual(['ana']);
    expect(
      await members(db, one({ kind: 'field', field: 'email', op: 'contains', value: 'example' })),
    ).toEqual(['cara']);
    expect(
      await members(db, one({ kind: 'field', field: 'custom.city', op: 'equals', value: 'lisbon' })),
    ).toEqual(['dan']);
  });

  it('consent per channel, tags and lists (a merged contact counts as the one it was merged into)', async () => {
    const { db } = await store();
    expect(await members(db, one({ kind: 'consent', channel: 'whatsapp' }))).toEqual(['dan']);
    expect(await members(db, one({ kind: 'consent', channel: 'sms' }))).toEqual(['ana', 'ben', 'cara']);
    expect(await members(db, one({ kind: 'tag', tag: 'vip' }))).toEqual(['dan']);
    expect(await members(db, one({ kind: 'list', list: 'newsletter' }))).toEqual(['ana']);
  });

  it('received or clicked a campaign, or any campaign of a channel', async () => {
    const { db } = await store();
    expect(await members(db, one({ kind: 'message', action: 'clicked', campaignId: 'spring' }))).toEqual([
      'ana',
      'ben',
    ]);
    expect(await members(db, one({ kind: 'message', action: 'received', campaignId: 'spring' }))).toEqual([
      'ana',
      'ben',
      'cara',
    ]);
    expect(await members(db, one({ kind: 'message', action: 'received', channel: 'whatsapp' }))).toEqual([
      'dan',
    ]);
    expect(await members(db, one({ kind: 'message', action: 'clicked', channel: 'whatsapp' }))).toEqual([]);
    expect(await members(db, one({ kind: 'message', action: 'clicked', channel: 'sms' }))).toEqual([
      'ana',
      'ben',
    ]);
  });

  it('visited a page: path or URL, contains or matches, at least N times, within the last N days', async () => {
    const { db } = await store();
    expect(await members(db, visited({}))).toEqual(['ana', 'cara']);
    expect(await members(db, visited({ withinDays: undefined }))).toEqual(['ana', 'ben', 'cara']);
    expect(await members(db, visited({ minCount: 2 }))).toEqual(['ana']);
    expect(await members(db, visited({ minCount: 3 }))).toEqual([]);
    expect(
      await members(db, visited({ match: 'matches', pattern: '^/pricing$', withinDays: undefined })),
    ).toEqual(['ana', 'ben']);
    expect(await members(db, visited({ on: 'url', pattern: 'shop.test/pricing/ent' }))).toEqual(['cara']);
    expect(
      await members(db, visited({ on: 'url', match: 'matches', pattern: '^https://shop\\.test/spring$' })),
    ).toEqual(['ana', 'ben']);
  });

  it('submitted a form, and did a custom event with a property filter', async () => {
    const { db } = await store();
    expect(await members(db, one({ kind: 'form' }))).toEqual(['ben', 'cara']);
    expect(await members(db, one({ kind: 'form', withinDays: 2 }))).toEqual(['ben']);
    expect(await members(db, one({ kind: 'event', name: 'purchase' }))).toEqual(['cara']);
    expect(await members(db, one({ kind: 'event', name: 'signup' }))).toEqual([]);
    const withPlan = (op: 'equals' | 'contains', value: string) =>
      one({ kind: 'event', name: 'purchase', property: { key: 'plan', op, value } });
    expect(await members(db, withPlan('equals', 'PRO'))).toEqual(['cara']);
    expect(await members(db, withPlan('equals', 'basic'))).toEqual([]);
    expect(await members(db, withPlan('contains', 'r'))).toEqual(['cara']);
    expect(await members(db, one({ kind: 'event', name: 'purchase', withinDays: 3 }))).toEqual([]);
  });

  it('last seen before or after a moment (never seen is before every moment)', async () => {
    const { db } = await store();
    const dayAgo = at(daysAgo(2.5));
    expect(await members(db, one({ kind: 'lastSeen', op: 'after', at: dayAgo }))).toEqual(['ana', 'ben']);
    expect(await members(db, one({ kind: 'lastSeen', op: 'before', at: dayAgo }))).toEqual(['cara', 'dan']);
    expect(await members(db, one({ kind: 'lastSeen', op: 'after', at: 0 }))).toEqual(['ana', 'ben', 'cara']);
  });
});

describe('time windows at their edges', () => {
  it('an event exactly N days old is inside "within the last N days"; a millisecond older is not', async () => {
    const { db } = await store();
    const pricingAt = at(daysAgo(2));
    const recent = one({
      kind: 'visited',
      on: 'path',
      match: 'contains',
      pattern: '/pricing',
      minCount: 2,
      withinDays: 3,
    });
    // Ana's two /pricing views were 3 and 2 days before NOW.
    const edge = at(daysAgo(3)) + 3 * DAY_MS;
    expect(await members(db, recent, edge)).toEqual(['ana']);
    expect(await members(db, recent, edge + 1)).toEqual([]);
    const form = one({ kind: 'form', withinDays: 1 });
    const benForm = at(daysAgo(1));
    expect(await members(db, form, benForm + DAY_MS)).toEqual(['ben']);
    expect(await members(db, form, benForm + DAY_MS + 1)).toEqual([]);
    expect(pricingAt).toBeLessThan(NOW);
  });
});

describe('AND / OR / NOT', () => {
  it('"clicked the spring SMS, visited /pricing, no form since": Ana only', async () => {
    const { db } = await store();
    const example = and(
      { kind: 'message', action: 'clicked', campaignId: 'spring' },
      { kind: 'visited', on: 'path', match: 'contains', pattern: '/pricing', minCount: 1, withinDays: 30 },
      not<SegmentCondition>({ kind: 'form', withinDays: 30 }),
    );
    expect(await members(db, example)).toEqual(['ana']);
  });

  it('counts again after a link changes, with the spans kept between counts; a live count follows', async () => {
    const { db } = await store();
    const pricing = visited({});
    expect(await members(db, pricing)).toEqual(['ana', 'cara']);
    const seen: number[] = [];
    const subscription = liveQuery(() => countSegment(db, pricing, NOW)).subscribe((n) => seen.push(n));
    const until = async (want: number) => {
      for (let i = 0; i < 200 && seen.at(-1) !== want; i++) await new Promise((r) => setTimeout(r, 10));
      expect(seen.at(-1)).toBe(want);
    };
    await until(2);
    // Only the link changes (no event, no contact): browser A is no longer Ana's.
    const link = (await db.identities.where('[kind+value]').equals(['visitor', 'A']).toArray()).find(
      (l) => l.contactId === 'ana' && l.revokedAt === null,
    );
    if (!link) throw new Error('no link of browser A');
    const { auditId } = await unstitchLink(db, link.id, { settings: settingsWith() });
    expect(await members(db, pricing)).toEqual(['cara']);
    await until(1);
    await undo(db, auditId, { settings: settingsWith() });
    expect(await members(db, pricing)).toEqual(['ana', 'cara']);
    await until(2);
    subscription.unsubscribe();
  });

  it('OR groups, a NOT on a group, and NOT beside row conditions', async () => {
    const { db } = await store();
    const clicked: SegmentCondition = { kind: 'message', action: 'clicked', campaignId: 'spring' };
    const vip: SegmentCondition = { kind: 'tag', tag: 'vip' };
    expect(await members(db, or(clicked, vip))).toEqual(['ana', 'ben', 'dan']);
    expect(await members(db, not(or(clicked, vip)))).toEqual(['cara']);
    expect(await members(db, or(not(clicked), vip))).toEqual(['cara', 'dan']);
    expect(await members(db, and(not(clicked), not(vip)))).toEqual(['cara']);
    expect(
      await members(
        db,
        and(
          clicked,
          { kind: 'consent', channel: 'sms' },
          not<SegmentCondition>({ kind: 'field', field: 'firstName', op: 'equals', value: 'ana' }),
        ),
      ),
    ).toEqual(['ben']);
    expect(
      await members(
        db,
        or(and(clicked, { kind: 'form' }), and(vip, { kind: 'consent', channel: 'whatsapp' })),
      ),
    ).toEqual(['ben', 'dan']);
    // An empty segment is everyone.
    expect(await members(db, and())).toEqual(['ana', 'ben', 'cara', 'dan']);
  });

  it('a definition that cannot be evaluated is refused with a reason', async () => {
    const { db } = await store();
    await expect(
      countSegment(db, one({ kind: 'visited', on: 'path', match: 'matches', pattern: '(', minCount: 1 })),
    ).rejects.toThrow(SegmentDefinitionError);
    await expect(countSegment(db, one({ kind: 'event', name: '' }))).rejects.toThrow('needs a name');
  });
});

describe('saved segments', () => {
  it('a profile lists the segments its contact is in', async () => {
    const { db } = await store();
    const now = Date.now();
    await db.segments.bulkAdd([
      {
        id: 's1',
        name: 'Clicked spring',
        definition: one({ kind: 'message', action: 'clicked', campaignId: 'spring' }),
        createdAt: now,
        updatedAt: now,
      },
      {
        id: 's2',
        name: 'VIPs',
        definition: one({ kind: 'tag', tag: 'vip' }),
        createdAt: now,
        updatedAt: now,
      },
    ]);
    expect((await segmentsOfContact(db, 'ana')).map((s) => s.name)).toEqual(['Clicked spring']);
    expect((await segmentsOfContact(db, 'dan')).map((s) => s.name)).toEqual(['VIPs']);
    expect(await segmentsOfContact(db, 'eve')).toEqual([]);
  });

  it('a campaign to a segment freezes its members into the messages at Prepare, and says which segment and when', async () => {
    const { db, messages, journal } = await store();
    const now = Date.now();
    await db.segments.add({
      id: 'clickers',
      name: 'Spring clickers',
      definition: one({ kind: 'message', action: 'clicked', campaignId: 'spring' }),
      createdAt: now,
      updatedAt: now,
    });
    await db.campaigns.add({
      id: 'followup',
      name: 'Follow-up',
      channel: 'sms',
      createdAt: now,
      status: 'draft',
      body: 'Still thinking about it, {{first_name}}?',
      audience: { kind: 'segment', segmentId: 'clickers' },
    });
    const noLinks = {
      register: () => Promise.reject(new Error('a campaign without links mints nothing')),
      mint: () => Promise.reject(new Error('a campaign without links mints nothing')),
    };
    const before = Date.now();
    expect(await prepareCampaign(db, 'followup', noLinks, 'https://go.test')).toMatchObject({
      recipients: 2,
    });
    const prepared = await db.messages.where('campaignId').equals('followup').toArray();
    expect(prepared.map((m) => m.contactId).sort()).toEqual(['ana', 'ben']);
    const campaign = await db.campaigns.get('followup');
    expect(campaign?.audienceSnapshot).toMatchObject({
      segmentId: 'clickers',
      segmentName: 'Spring clickers',
      matched: 2,
    });
    expect(campaign?.audienceSnapshot?.resolvedAt).toBeGreaterThanOrEqual(before);

    // Cara clicks now: the segment grows, the prepared messages do not.
    const cara = messages.cara;
    if (!cara) throw new Error('no message');
    journal.click(cara, daysAgo(0.5), 'tok-cara', UA.androidChrome);
    await ingestNew(db, journal);
    expect(await countSegment(db, one({ kind: 'message', action: 'clicked', campaignId: 'spring' }))).toBe(3);
    const after = await db.messages.where('campaignId').equals('followup').toArray();
    expect(after.map((m) => m.contactId).sort()).toEqual(['ana', 'ben']);
  });

  it('a campaign to conditions built in the campaign freezes their members the same way; the report says "custom conditions"', async () => {
    const { db } = await store();
    const now = Date.now();
    await db.campaigns.add({
      id: 'inline',
      name: 'Inline',
      channel: 'sms',
      createdAt: now,
      status: 'draft',
      body: 'Pricing questions, {{first_name}}?',
      audience: {
        kind: 'conditions',
        definition: and(
          { kind: 'message', action: 'clicked', campaignId: 'spring' },
          // No window: Prepare resolves at the real now, long after the fixtures' days.
          not<SegmentCondition>({ kind: 'form' }),
        ),
      },
    });
    const noLinks = {
      register: () => Promise.reject(new Error('a campaign without links mints nothing')),
      mint: () => Promise.reject(new Error('a campaign without links mints nothing')),
    };
    const before = Date.now();
    expect(await prepareCampaign(db, 'inline', noLinks, 'https://go.test')).toMatchObject({ recipients: 1 });
    const prepared = await db.messages.where('campaignId').equals('inline').toArray();
    expect(prepared.map((m) => m.contactId)).toEqual(['ana']);
    const campaign = await db.campaigns.get('inline');
    expect(campaign?.audienceSnapshot).toMatchObject({
      segmentId: null,
      segmentName: 'custom conditions',
      matched: 1,
    });
    expect(campaign?.audienceSnapshot?.resolvedAt).toBeGreaterThanOrEqual(before);
  });

  it('Prepare of a campaign whose segment was deleted says so', async () => {
    const { db } = await store();
    await db.campaigns.add({
      id: 'orphan',
      name: 'Orphan',
      channel: 'sms',
      createdAt: 1,
      body: 'Hi',
      audience: { kind: 'segment', segmentId: 'gone' },
    });
    const noLinks = { register: () => Promise.resolve(), mint: () => Promise.resolve([]) };
    await expect(prepareCampaign(db, 'orphan', noLinks, 'https://go.test')).rejects.toThrow('was deleted');
  });
});
