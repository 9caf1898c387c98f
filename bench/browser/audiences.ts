// Segment counting and goal reports over a generated store in Chromium on real IndexedDB: 100,000
// contacts and 10k / 100k / 1M events with rows shaped as the ingest writes them (stitched
// visitors, a campaign with clicks and taps, forms, custom events), through the app's own queries.
// The rows are bulk-added in big transactions of relaxed durability; derived rows (contacts'
// search keys, link spans) come from the app's own functions (newContact, spanOf).
import type { Table } from 'dexie';
import { openStitchDb, type StitchDb } from '../../src-renderer/db';
import { activityIn } from '../../src-renderer/db/activity-keys';
import { newContact } from '../../src-renderer/db/contacts';
import { spanOf } from '../../src-renderer/db/link-spans';
import type { GoalRow, IdentityRow, MessageRow } from '../../src-renderer/db/types';
import { campaignGoals } from '../../src-renderer/goals/report';
import { campaignReport } from '../../src-renderer/queries/reports';
import { countSegment } from '../../src-renderer/segments/count';
import { DAY_MS, type SegmentGroup } from '../../src-renderer/segments/model';

/** Rows per bulkAdd, each in its own transaction; two are in flight while the next is generated. */
const WRITE = 25_000;

/** Bulk-adds rows as they are generated, WRITE at a time, with at most two writes in flight. */
class Writer<T> {
  private rows: T[] = [];
  private inFlight: Promise<unknown>[] = [];
  written = 0;

  constructor(
    private readonly db: StitchDb,
    private readonly table: Table<T, string>,
  ) {}

  async add(row: T): Promise<void> {
    this.rows.push(row);
    if (this.rows.length >= WRITE) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.rows.length > 0) {
      const rows = this.rows;
      this.rows = [];
      this.written += rows.length;
      this.inFlight.push(this.db.transaction('rw', this.table, () => this.table.bulkAdd(rows)));
    }
    while (this.inFlight.length >= 2) await this.inFlight.shift();
  }

  async done(): Promise<number> {
    await this.flush();
    await Promise.all(this.inFlight);
    this.inFlight = [];
    return this.written;
  }
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** "Clicked the spring SMS, visited /pricing in the last 30 days, no form in the last 30 days". */
export const EXAMPLE_SEGMENT: SegmentGroup = {
  kind: 'group',
  op: 'and',
  children: [
    { kind: 'message', action: 'clicked', campaignId: 'spring' },
    { kind: 'visited', on: 'path', match: 'contains', pattern: '/pricing', minCount: 1, withinDays: 30 },
    { kind: 'form', withinDays: 30, not: true },
  ],
};

const GOALS: GoalRow[] = [
  {
    id: 'thanks',
    name: 'Reached /thanks',
    kind: 'page',
    on: 'path',
    match: 'contains',
    pattern: '/thanks',
    windowDays: 7,
    createdAt: 0,
  },
  {
    id: 'purchase',
    name: 'Purchase',
    kind: 'event',
    eventName: 'purchase',
    valueProperty: 'amount',
    windowDays: 7,
    createdAt: 0,
  },
];

interface Shape {
  contacts: number;
  events: number;
}

/**
 * 10 events per visitor over the last 90 days, 20 minutes apart. The spring SMS went to one contact
 * per 100 events 20 days ago; a quarter of its recipients tapped (their browser linked from the
 * tap, as a click link is). A third of the other visitors are linked by an identify. One page in 25
 * is /pricing, one visitor in 10 sends a form, one clicker in 4 reaches /thanks, one in 8 buys.
 */
async function seedContacts(db: StitchDb, contacts: number): Promise<void> {
  const created = Date.now() - 120 * DAY_MS;
  const writer = new Writer(db, db.contacts);
  for (let i = 0; i < contacts; i++) {
    await writer.add(
      newContact(
        {
          id: `c${i}`,
          firstName: `Contact${i}`,
          lastName: 'Bench',
          phone: `+1201555${String(i % 10_000).padStart(4, '0')}`,
        },
        created,
      ),
    );
  }
  await writer.done();
}

async function seed(db: StitchDb, shape: Shape): Promise<{ events: number; visitorLinks: number }> {
  const now = Date.now();
  await Promise.all([
    db.events.clear(),
    db.identities.clear(),
    db.linkSpans.clear(),
    db.messages.clear(),
    db.campaigns.clear(),
  ]);
  const recipients = Math.max(10, Math.floor(shape.events / 100));
  const clickers = Math.floor(recipients / 4);
  const visitors = Math.floor((shape.events - recipients - clickers) / 10);
  const sentAt = now - 20 * DAY_MS;
  await db.campaigns.add({
    id: 'spring',
    name: 'Spring SMS',
    channel: 'sms',
    createdAt: sentAt,
    status: 'sent',
    sentAt,
  });

  const events = new Writer(db, db.events);
  const messages = new Writer(db, db.messages);
  const links = new Writer(db, db.identities);
  const spans = new Writer(db, db.linkSpans);
  const addLink = async (link: IdentityRow) => {
    await links.add(link);
    const span = spanOf(link);
    if (span) await spans.add(span);
  };
  for (let r = 0; r < recipients; r++) {
    const id = `spring:${r}`;
    const message: MessageRow = {
      id,
      campaignId: 'spring',
      contactId: `c${r}`,
      channel: 'sms',
      status: 'sent',
      sentAt,
    };
    if (r < clickers) {
      const clickAt = sentAt + 60_000 + r * 10_000;
      message.taps = [{ visitorId: `v${r}`, at: clickAt, device: 'mobile', clickEventId: `click-${r}` }];
      await events.add({
        id: `click-${r}`,
        type: 'link_click',
        timestamp: clickAt,
        receivedAt: clickAt,
        source: 'redirect',
        contactId: `c${r}`,
        campaignId: 'spring',
        recipientMessageId: id,
        channel: 'sms',
        clickToken: `tok-${r}`,
        properties: {
          campaignId: 'spring',
          linkId: 'l1',
          recipientMessageId: id,
          destination: 'https://shop.example.com/',
        },
      });
    }
    await events.add({
      id: `message_sent:${id}`,
      type: 'message_sent',
      timestamp: sentAt,
      receivedAt: sentAt,
      source: 'app',
      contactId: `c${r}`,
      campaignId: 'spring',
      recipientMessageId: id,
      channel: 'sms',
    });
    await messages.add(message);
  }
  for (let v = 0; v < visitors; v++) {
    const visitor = `v${v}`;
    const clicker = v < clickers;
    const first = clicker
      ? sentAt + 60_000 + v * 10_000
      : now - 90 * DAY_MS + Math.floor((v / visitors) * 88 * DAY_MS);
    if (clicker || v % 3 === 0) {
      await addLink({
        id: `link-${visitor}`,
        kind: 'visitor',
        value: visitor,
        contactId: clicker ? `c${v}` : `c${(v * 7) % shape.contacts}`,
        from: first,
        to: null,
        source: clicker ? 'sms_click' : 'identify',
        campaignId: clicker ? 'spring' : undefined,
        messageId: clicker ? `spring:${v}` : undefined,
        createdAt: first,
        revokedAt: null,
        flags: [],
      });
    }
    for (let n = 0; n < 10; n++) {
      const timestamp = first + n * 20 * 60_000;
      const base = {
        id: `${visitor}-${n}`,
        timestamp,
        receivedAt: timestamp,
        source: 'tracker' as const,
        visitorId: visitor,
        sessionId: `${visitor}-s`,
      };
      if (n === 9 && v % 10 === 0) {
        await events.add({ ...base, type: 'form_submit', traits: {} });
      } else if (n === 8 && clicker && v % 8 === 0) {
        await events.add({ ...base, type: 'track', name: 'purchase', properties: { amount: 20 + (v % 50) } });
      } else {
        const path =
          n === 6 && clicker && v % 4 === 0
            ? '/thanks'
            : (v + n) % 25 === 0
              ? '/pricing'
              : `/p/${(v + n) % 50}`;
        await events.add({
          ...base,
          type: 'page',
          path,
          url: `https://shop.example.com${path}`,
          title: path,
        });
      }
    }
  }
  const [total, visitorLinks] = await Promise.all([
    events.done(),
    links.done(),
    messages.done(),
    spans.done(),
  ]);
  return { events: total, visitorLinks };
}

async function freshStore(name: string): Promise<StitchDb> {
  await indexedDB
    .databases()
    .then((dbs) => Promise.all(dbs.map((d) => d.name && openStitchDb(d.name).delete())));
  // Relaxed durability: a commit does not wait for the disk (the seed's speed; reads are the same).
  const db = openStitchDb(name, { chromeTransactionDurability: 'relaxed' });
  await db.open();
  return db;
}

/** Same index ranges the three conditions read, counted raw by Dexie (no rows, no join): the floor. */
async function rawIndexCounts(db: StitchDb, now: number): Promise<number> {
  const from = now - 30 * DAY_MS;
  const [clicks, pricing, forms] = await Promise.all([
    db.events.where('[campaignId+type]').equals(['spring', 'link_click']).count(),
    db.events
      .where('[path+timestamp]')
      .between(['/pricing', from], ['/pricing', Number.POSITIVE_INFINITY])
      .count(),
    db.events
      .where('[type+timestamp]')
      .between(['form_submit', from], ['form_submit', Number.POSITIVE_INFINITY])
      .count(),
  ]);
  return clicks + pricing + forms;
}

/** The reads a count is made of, timed one by one (diagnostics in the details). */
async function primitives(db: StitchDb, now: number): Promise<Record<string, number>> {
  const from = now - 30 * DAY_MS;
  const out: Record<string, number> = {};
  const time = async (name: string, f: () => Promise<unknown>) => {
    const t = performance.now();
    const result = await f();
    out[name] = performance.now() - t;
    out[`${name}.n`] = Array.isArray(result) ? result.length : Number(result);
    return result;
  };
  await time('clickRows', () =>
    db.events.where('[campaignId+type]').equals(['spring', 'link_click']).toArray(),
  );
  await time('mergedRows', () => db.contacts.orderBy('mergedInto').toArray());
  await time('contactsCount', () => db.contacts.count());
  await time('pathHop', () =>
    db.events.where('[path+timestamp]').above(['/p/1', Number.POSITIVE_INFINITY]).limit(1).keys(),
  );
  await time('pricingRows', () =>
    db.events
      .where('[path+timestamp]')
      .between(['/pricing', from], ['/pricing', Number.POSITIVE_INFINITY])
      .toArray(),
  );
  await time('formRows', () =>
    db.events
      .where('[type+timestamp]')
      .between(['form_submit', from], ['form_submit', Number.POSITIVE_INFINITY])
      .toArray(),
  );
  await time('spanRows', () => db.linkSpans.toArray());
  await time('pricingKeys', () =>
    db.events
      .where('[path+timestamp]')
      .between(['/pricing', from], ['/pricing', Number.POSITIVE_INFINITY])
      .primaryKeys(),
  );
  await time('pricingActivityKeys', () => activityIn(db.activityKeys, 'path', '/pricing', from));
  await time('formActivityKeys', () => activityIn(db.activityKeys, 'form', '', from));
  await time('linksAll', () =>
    db.identities.where('[kind+value]').between(['visitor', ''], ['visitor', '\uffff']).toArray(),
  );
  return out;
}

/** Each condition of the example alone: where the count's time goes. */
async function breakdown(db: StitchDb, now: number): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [i, child] of EXAMPLE_SEGMENT.children.entries()) {
    const alone: SegmentGroup = { kind: 'group', op: 'and', children: [child] };
    const times: number[] = [];
    for (let run = 0; run < 3; run++) {
      const t = performance.now();
      await countSegment(db, alone, now);
      times.push(performance.now() - t);
    }
    out[`${i}:${child.kind}`] = median(times);
  }
  return out;
}

export async function runSegmentCount(opts: { contacts: number; events: number[]; runs: number }) {
  const curve = [];
  const db = await freshStore('bench-segments');
  const c0 = performance.now();
  await seedContacts(db, opts.contacts);
  const contactsSeedMs = performance.now() - c0;
  for (const events of opts.events) {
    const t0 = performance.now();
    const seeded = await seed(db, { contacts: opts.contacts, events });
    const seedMs = performance.now() - t0;
    const now = Date.now();
    const times: number[] = [];
    const raw: number[] = [];
    let count = 0;
    await countSegment(db, EXAMPLE_SEGMENT, now); // warm-up
    for (let i = 0; i < opts.runs; i++) {
      const a = performance.now();
      count = await countSegment(db, EXAMPLE_SEGMENT, now);
      times.push(performance.now() - a);
      const b = performance.now();
      await rawIndexCounts(db, now);
      raw.push(performance.now() - b);
    }
    // The first count after a link was written reads the spans again (LinkSpanCache).
    const cold: number[] = [];
    for (let i = 0; i < 3; i++) {
      db.linkSpanCache.drop();
      const a = performance.now();
      await countSegment(db, EXAMPLE_SEGMENT, now);
      cold.push(performance.now() - a);
    }
    let goals: { ms: number; fullReportMs: number; results: unknown } | undefined;
    if (events === opts.events[opts.events.length - 1]) goals = await measureGoals(db, opts.runs);
    curve.push({
      events,
      contactsSeedMs,
      conditionsAloneMs: await breakdown(db, now),
      primitivesMs: await primitives(db, now),
      storedEvents: seeded.events,
      visitorLinks: seeded.visitorLinks,
      contacts: opts.contacts,
      seedMs,
      count,
      countMs: median(times),
      coldCountMs: median(cold),
      rawIndexCountMs: median(raw),
      all: times,
      goals,
    });
  }
  db.close();
  return curve;
}

async function measureGoals(db: StitchDb, runs: number) {
  const times: number[] = [];
  const full: number[] = [];
  let results: unknown;
  await campaignGoals(db, 'spring', GOALS);
  for (let i = 0; i < runs; i++) {
    const a = performance.now();
    results = (await campaignGoals(db, 'spring', GOALS)).goals;
    times.push(performance.now() - a);
    const b = performance.now();
    // The report tab loads both at once.
    await Promise.all([campaignReport(db, 'spring'), campaignGoals(db, 'spring', GOALS)]);
    full.push(performance.now() - b);
  }
  return { ms: median(times), fullReportMs: median(full), results };
}
