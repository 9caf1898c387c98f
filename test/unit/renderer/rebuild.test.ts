// A rebuild reproduces the store: 30 simulated days of traffic through a real journal with
// retention on (old segments archived), the real ingest loop, and everything a user does by hand;
// then Settings → Maintenance → Rebuild, and the two stores compared table by table.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type {
  Bridge,
  BridgeArgs,
  BridgeChannel,
  BridgeEvents,
  BridgeResult,
  JournalContents,
  JournalReadResult,
} from '../../../src-main/shared/bridge';
import type { JournalRecord, TrackedEvent } from '../../../src-main/shared/events';
import type { StitchDb } from '../../../src-renderer/db';
import { newContact } from '../../../src-renderer/db/contacts';
import type { MessageRow } from '../../../src-renderer/db/types';
import type { IngestSettings } from '../../../src-renderer/ingest/batch';
import { IngestLoop } from '../../../src-renderer/ingest/loop';
import { rebuildStore } from '../../../src-renderer/ingest/rebuild';
import { contactIdentities } from '../../../src-renderer/queries/contacts';
import { eraseContact } from '../../../src-renderer/stitching/erase';
import {
  mergeContacts,
  rejectTentativeLink,
  stitchVisitorManually,
  undo,
  unstitchLink,
} from '../../../src-renderer/stitching/manual';
import { recordMessageSent } from '../../../src-renderer/stitching/messages';
import {
  addCampaign,
  addContact,
  at,
  dumpTables,
  FakeJournal,
  freshDb,
  settingsWith,
  timelineOf,
  UA,
} from './support';

const DAY_MINUTES = 24 * 60;

type JournalEntry = { source: JournalRecord['source']; siteId?: string; event: TrackedEvent };

/** The journal as the bridge serves it (test/support/temp-journal.ts): what this test may use of it. */
interface RealJournal {
  append(entries: JournalEntry[]): Promise<JournalRecord[]>;
  read(fromOffset: number, limit: number): Promise<JournalReadResult>;
  ack(offset: number): Promise<number>;
  contents(): Promise<JournalContents>;
  close(): Promise<void>;
}
interface TempJournalModule {
  openTempJournal(opts: { segmentBytes: number; retentionHours: number }): Promise<{
    journal: RealJournal;
    ageRecentSegments(daysAgo: number): void;
    redact(request: BridgeArgs<'journal.redact'>): Promise<BridgeResult<'journal.redact'>>;
  }>;
}

/**
 * The real journal is main-process code, outside this (browser) project's types: it is loaded at
 * run time and reached only through the bridge's shared types, as the renderer reaches it.
 */
async function openRealJournal(opts: { segmentBytes: number; retentionHours: number }) {
  const fixture = '../../support/temp-journal';
  const module: TempJournalModule = await import(/* @vite-ignore */ fixture);
  return module.openTempJournal(opts);
}

/** The bridge as the main process serves it, over a real journal in a temp folder. */
class JournalBridge implements Bridge {
  readonly platform = 'headless' as const;
  constructor(
    private readonly journal: RealJournal,
    private readonly settings: IngestSettings,
    private readonly redact?: (
      request: BridgeArgs<'journal.redact'>,
    ) => Promise<BridgeResult<'journal.redact'>>,
  ) {}

  invoke<K extends BridgeChannel>(channel: K, args: BridgeArgs<K>): Promise<BridgeResult<K>> {
    return this.handle(channel, args) as Promise<BridgeResult<K>>;
  }

  private async handle(channel: BridgeChannel, args: unknown): Promise<unknown> {
    if (channel === 'settings.get') return this.settings;
    if (channel === 'journal.read') {
      const { fromOffset, limit } = args as BridgeArgs<'journal.read'>;
      return this.journal.read(fromOffset, limit);
    }
    if (channel === 'journal.ack') {
      const { offset } = args as BridgeArgs<'journal.ack'>;
      return { ackedOffset: await this.journal.ack(offset) };
    }
    if (channel === 'journal.redact' && this.redact) return this.redact(args as BridgeArgs<'journal.redact'>);
    throw new Error(`unexpected ${channel}`);
  }

  on<E extends keyof BridgeEvents>(_event: E, _listener: (payload: BridgeEvents[E]) => void): () => void {
    return () => undefined;
  }
}

/** Rebuilds `db` into a store of its own (not made active) and dumps both, table by table. */
async function rebuildAndDump(db: StitchDb, bridge: Bridge, settings: IngestSettings) {
  const rebuilt = await rebuildStore({
    source: db,
    bridge,
    settings,
    name: `${db.name}-rebuilt`,
    storage: { setItem: () => undefined },
  });
  return { rebuilt, before: await dumpTables(db), after: await dumpTables(rebuilt) };
}

/** FakeJournal builds the events (its offsets are ignored); the real journal stores them. */
async function journalNew(journal: RealJournal, events: FakeJournal): Promise<void> {
  const entries = events.take().map(({ source, siteId, event }): JournalEntry => {
    const entry: JournalEntry = { source, event };
    if (siteId) entry.siteId = siteId;
    return entry;
  });
  // A few appends per day, as the collector's batches would be.
  for (let i = 0; i < entries.length; i += 7) await journal.append(entries.slice(i, i + 7));
}

const message = (messages: MessageRow[], index: number): MessageRow => {
  const row = messages[index];
  if (!row) throw new Error(`no message ${index}`);
  return row;
};

describe('rebuild after 30 days with retention on', () => {
  it('reproduces the store table by table, including events older than retention', async () => {
    // One day of retention and small segments: by day 30 most of the history is archived.
    const { journal, ageRecentSegments, redact } = await openRealJournal({
      segmentBytes: 2 * 1024,
      retentionHours: 24,
    });
    const settings = settingsWith({ createContactsFromForms: true, forwardThreshold: 3 });
    const db = freshDb();
    const bridge = new JournalBridge(journal, settings, redact);
    const loop = new IngestLoop({ db, bridge, loadSettings: async () => settings, batchSize: 50 });
    const events = new FakeJournal();
    const day = (d: number, minutes = 0) => d * DAY_MINUTES + minutes;

    for (const [id, email, phone] of [
      ['ana', 'ana@example.org', '+14155550101'],
      ['bob', 'bob@example.org', '+14155550102'],
      ['cara', 'cara@example.org', '+14155550103'],
      ['dan', 'dan@example.org', '+14155550104'],
      ['eve', 'eve@example.org', '+14155550105'],
      ['finn', 'finn@example.org', '+14155550106'],
    ] as const) {
      await addContact(db, { id, email, phone });
    }
    const c1 = await addCampaign(db, { id: 'c1', name: 'Spring Sale', channel: 'sms' }, [
      'ana',
      'bob',
      'cara',
      'dan',
      'eve',
      'finn',
    ]);
    let c2: MessageRow[] = [];
    let c3: MessageRow[] = [];
    let unstitchAudit = 0;
    let tokenSeq = 0;
    const tap = (m: MessageRow, minutes: number, visitor: string, ua: string = UA.androidChrome) => {
      tokenSeq += 1;
      const token = `tok-${tokenSeq}`;
      events.click(m, minutes, token, ua);
      events.page(visitor, minutes + 0.1, '/sale', { clickToken: token, ua });
    };

    for (let d = 0; d < 30; d++) {
      if (d === 0) {
        for (const m of c1) await recordMessageSent(db, m, at(day(0, 5)));
        events.preview(message(c1, 0), day(0, 6));
        tap(message(c1, 0), day(0, 10), 'A');
        tap(message(c1, 1), day(0, 20), 'B', UA.iphoneSafari);
        tap(message(c1, 2), day(0, 30), 'C');
        tap(message(c1, 4), day(0, 40), 'E');
        // Dan's link is forwarded: his own tap and four other browsers' taps, each with its own token.
        tap(message(c1, 3), day(0, 50), 'D');
        for (const f of ['F1', 'F2', 'F3', 'F4']) tap(message(c1, 3), day(0, 60 + f.charCodeAt(1)), f);
        // Finn taps with the tracker blocked: his click counts, no browser is linked.
        events.click(message(c1, 5), day(0, 65), 'tok-finn');
        // A crawler fetching a tracked link: recorded, never anyone's click.
        events.click(message(c1, 1), day(0, 70), 'tok-bot', UA.googlebot);
      }
      if (d === 3) {
        // A second browser of Ana's identifies through a form; Bob's login on his laptop names his userId.
        events.form('A2', day(3, 100), { email: 'ANA@example.org' }, UA.desktopFirefox);
        events.page('B3', day(3, 105), '/login', { ua: UA.desktopFirefox });
        events.identify('B3', day(3, 110), { email: 'bob@example.org' }, 'bob-1', UA.desktopFirefox);
      }
      if (d === 5) events.form('N2', day(5, 200), { email: 'newbie@example.org', phone: '415 555 0199' });
      // The newcomer's browser comes back after the merge: the visit is Cara's now.
      if (d === 14) events.page('N2', day(14, 300), '/back-again');
      if (d === 10) {
        c2 = await addCampaign(db, { id: 'c2', name: 'Summer WhatsApp', channel: 'whatsapp' }, [
          'ana',
          'bob',
          'cara',
        ]);
        for (const m of c2) await recordMessageSent(db, m, at(day(10, 1)));
        // The family tablet: Bob taps his link on it, later Cara taps hers — a shared device.
        tap(message(c2, 1), day(10, 30), 'S', UA.ipadSafari);
        tap(message(c2, 2), day(10, 300), 'S', UA.ipadSafari);
        tap(message(c2, 0), day(10, 40), 'A');
      }
      if (d === 20) {
        c3 = await addCampaign(db, { id: 'c3', name: 'Autumn', channel: 'sms' }, ['ana', 'dan']);
        for (const m of c3) await recordMessageSent(db, m, at(day(20, 1)));
        tap(message(c3, 0), day(20, 15), 'A');
        tap(message(c3, 1), day(20, 25), 'D2');
      }
      // Everyday browsing: the linked phones, an anonymous visitor, a crawler, and Eve after her erasure.
      for (const [visitor, minute] of [
        ['A', 600],
        ['A2', 630],
        ['B', 700],
        ['C', 720],
        ['D', 740],
        ['E', 760],
        ['N1', 800],
        ['B3', 810],
        ['S', 820],
        ['BOT', 840],
      ] as const) {
        if (d % 2 === 1 && visitor === 'S') continue;
        const ua =
          visitor === 'BOT'
            ? UA.googlebot
            : visitor === 'A2'
              ? UA.desktopFirefox
              : visitor === 'S'
                ? UA.ipadSafari
                : UA.androidChrome;
        events.page(visitor, day(d, minute), `/day-${d}`, { ua });
        if (d % 3 === 0) events.page(visitor, day(d, minute + 45), `/day-${d}/more`, { ua });
      }
      await journalNew(journal, events);
      // Today's segments are dated to simulated day d (an hour more, so day 28's are past a day).
      ageRecentSegments(29 - d + 1 / 24);
      await loop.catchUp();

      // What people do by hand, on the days they do it.
      if (d === 7)
        await stitchVisitorManually(db, {
          visitorId: 'N1',
          contactId: 'cara',
          at: at(day(7, 900)),
          settings,
        });
      // Dan's forwarded link: three of the four strangers rejected by hand; with one rival left,
      // his own first tap is linked when the rejections weigh it again (a replay weighs it so too).
      if (d === 6) {
        const waiting = await db.tentativeLinks.where('messageId').equals(message(c1, 3).id).toArray();
        for (const [n, visitor] of ['F1', 'F2', 'F3'].entries()) {
          const id = waiting.find((t) => t.visitorId === visitor)?.id ?? '';
          await rejectTentativeLink(db, id, { at: at(day(6, 900 + n)), settings });
        }
        expect((await contactIdentities(db, 'dan')).map((i) => i.link.value)).toContain('D');
      }
      if (d === 9) {
        const formLink = (await contactIdentities(db, 'ana')).find((i) => i.link.value === 'A2');
        unstitchAudit = (await unstitchLink(db, formLink?.link.id ?? '', { at: at(day(9, 900)), settings }))
          .auditId;
      }
      if (d === 12) {
        const newbie = (await db.contacts.where('email').equals('newbie@example.org').first())?.id ?? '';
        await mergeContacts(db, { targetId: 'cara', sourceId: newbie, at: at(day(12, 900)), settings });
        // Finn turns out to be Dan's second number: his click moves to Dan's profile.
        await mergeContacts(db, { targetId: 'dan', sourceId: 'finn', at: at(day(12, 910)), settings });
      }
      if (d === 15) await eraseContact(db, bridge, 'eve', at(day(15, 900)));
      // "That laptop is Dan's": a hand stitch over Bob's automatic link ends it there. A rebuild
      // carries the hand link over before replaying, and Bob's older link must still end at it.
      if (d === 17)
        await stitchVisitorManually(db, {
          visitorId: 'B3',
          contactId: 'dan',
          at: at(day(17, 900)),
          settings,
        });
      if (d === 25) await undo(db, unstitchAudit, { at: at(day(25, 900)), settings });
    }

    // Retention did its job: most of the journal is archived, nothing was deleted.
    const contents = await journal.contents();
    expect(contents.archivedSegments).toBeGreaterThan(10);
    expect(contents.firstOffset).toBe(0);
    expect(contents.records).toBe(contents.lastOffset + 1);
    // The store saw every kind of stitch the rebuild must reproduce.
    const sources = new Set((await db.identities.toArray()).map((l) => l.source));
    expect([...sources].sort()).toEqual(['form', 'identify', 'manual', 'sms_click', 'whatsapp_click']);
    expect((await db.identities.toArray()).some((l) => l.flags.includes('sharedDevice'))).toBe(true);
    expect((await db.messages.get(message(c1, 3).id))?.forwarded).toBe(true);
    const decided = await db.tentativeLinks.where('messageId').equals(message(c1, 3).id).toArray();
    expect(decided.map((t) => [t.visitorId, t.status])).toEqual([
      ['F1', 'rejected'],
      ['F2', 'rejected'],
      ['F3', 'rejected'],
      ['F4', 'tentative'],
    ]);

    expect(await db.contacts.get('eve')).toBeUndefined();
    expect(await timelineOf(db, 'ana')).toContain('page /day-0');

    // State the app keeps beside the applied offset is not the journal's to rebuild: carried over.
    await db.meta.put({ key: 'example.appState', value: { chosen: 'by the user' } });

    const storage = new Map<string, string>();
    const rebuilt = await rebuildStore({
      source: db,
      bridge,
      settings,
      name: `${db.name}-rebuilt`,
      storage: { setItem: (key, value) => storage.set(key, value) },
    });

    const before = await dumpTables(db);
    const after = await dumpTables(rebuilt);
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    for (const table of Object.keys(before)) {
      expect({ table, rows: after[table] }).toEqual({ table, rows: before[table] });
    }
    // What a user sees follows: the same timeline from day 0, and Eve is still gone.
    expect(await timelineOf(rebuilt, 'ana')).toEqual(await timelineOf(db, 'ana'));
    expect(await timelineOf(rebuilt, 'ana')).toContain('page /day-0');
    expect(await rebuilt.contacts.get('eve')).toBeUndefined();
    await journal.close();
  });
  it('a contact added after a form named them is linked by later forms only, in the rebuilt store too', async () => {
    const { journal } = await openRealJournal({ segmentBytes: 2 * 1024, retentionHours: 24 });
    const settings = settingsWith({ createContactsFromForms: false });
    const db = freshDb();
    const bridge = new JournalBridge(journal, settings);
    const loop = new IngestLoop({ db, bridge, loadSettings: async () => settings });
    const events = new FakeJournal();
    // Monday: a form names gia@example.org, whom nobody has added yet: nothing to link to.
    events.page('G1', 0, '/signup');
    events.form('G1', 1, { email: 'gia@example.org' });
    await journalNew(journal, events);
    await loop.catchUp();
    // Tuesday: the marketer adds Gia (now, after that form was received); her next form links.
    await db.contacts.add(newContact({ id: 'gia', firstName: 'Gia', email: 'gia@example.org' }));
    events.page('G2', DAY_MINUTES, '/signup');
    events.form('G2', DAY_MINUTES + 1, { email: 'gia@example.org' });
    await journalNew(journal, events);
    await loop.catchUp();
    expect((await contactIdentities(db, 'gia')).map((i) => i.link.value)).toEqual(['G2']);

    const { before, after } = await rebuildAndDump(db, bridge, settings);
    for (const table of Object.keys(before)) {
      expect({ table, rows: after[table] }).toEqual({ table, rows: before[table] });
    }
    await journal.close();
  });
  it('an erasure on shared devices: the others keep exactly their part of each browser after a rebuild', async () => {
    const { journal, redact } = await openRealJournal({ segmentBytes: 2 * 1024, retentionHours: 24 });
    const settings = settingsWith();
    const db = freshDb();
    const bridge = new JournalBridge(journal, settings, redact);
    const loop = new IngestLoop({ db, bridge, loadSettings: async () => settings });
    const events = new FakeJournal();
    for (const id of ['ana', 'eve', 'bob']) await addContact(db, { id, email: `${id}@example.org` });
    const c1 = await addCampaign(db, { id: 'c1', name: 'Spring Sale', channel: 'sms' }, [
      'ana',
      'eve',
      'bob',
    ]);
    // Eve opens one campaign on the tablet and the next on the laptop: each message one browser,
    // so every link stands on its evidence.
    const c2 = await addCampaign(db, { id: 'c2', name: 'Summer Sale', channel: 'sms' }, ['eve']);
    // Tablet T: Ana, then Eve. Laptop U: Eve, then Bob.
    events.click(message(c1, 0), 10, 'ta');
    events.page('T', 11, '/ana', { clickToken: 'ta' });
    events.click(message(c1, 1), 100, 'te');
    events.page('T', 101, '/eve', { clickToken: 'te' });
    events.click(message(c2, 0), 20, 'ue');
    events.page('U', 21, '/eve', { clickToken: 'ue' });
    events.click(message(c1, 2), 200, 'ub');
    events.page('U', 201, '/bob', { clickToken: 'ub' });
    await journalNew(journal, events);
    await loop.catchUp();
    expect((await db.identities.toArray()).filter((l) => l.flags.includes('sharedDevice'))).toHaveLength(4);
    await eraseContact(db, bridge, 'eve', at(300));
    // After the erasure: T and U are browsed again.
    events.page('T', 400, '/after');
    events.page('U', 410, '/after');
    await journalNew(journal, events);
    await loop.catchUp();

    const { rebuilt, before, after } = await rebuildAndDump(db, bridge, settings);
    // Links, people and stats compare equal. Not yet the event tables: the erasure deleted Eve's
    // page views on the shared browsers from the store, but they are still in the journal (under
    // no identifier of hers), so a rebuild brings them back as anonymous visits until erasure
    // reaches the journal (issue 10, point 6).
    for (const table of ['identities', 'contacts', 'messages', 'suppressions']) {
      expect({ table, rows: after[table] }).toEqual({ table, rows: before[table] });
    }
    for (const contact of ['ana', 'bob']) {
      expect(await timelineOf(rebuilt, contact)).toEqual(await timelineOf(db, contact));
    }
    expect(await timelineOf(rebuilt, 'ana')).not.toContain('page /after');
    expect(await timelineOf(rebuilt, 'bob')).toEqual(expect.arrayContaining(['page /bob', 'page /after']));
    expect(await timelineOf(rebuilt, 'bob')).not.toContain('page /eve');
    await journal.close();
  });
});
