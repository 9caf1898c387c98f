// Ingest: exactly-once batches (offset and data in one transaction), sessions and visitor
// summaries, the ingest loop against a journal behind the bridge, and rebuilding the store.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type {
  Bridge,
  BridgeArgs,
  BridgeChannel,
  BridgeEvents,
  BridgeResult,
} from '../../../src-main/shared/bridge';
import type { JournalRecord } from '../../../src-main/shared/events';
import { ACTIVE_DB_KEY, appliedOffset, type StitchDb } from '../../../src-renderer/db';
import { ingestBatch } from '../../../src-renderer/ingest/batch';
import { IngestLoop, type IngestProgress } from '../../../src-renderer/ingest/loop';
import { rebuildStore } from '../../../src-renderer/ingest/rebuild';
import { contactIdentities } from '../../../src-renderer/queries/contacts';
import { contactTimeline } from '../../../src-renderer/queries/timeline';
import { anonymousVisitors } from '../../../src-renderer/queries/visitors';
import { stitchVisitorManually, unstitchLink } from '../../../src-renderer/stitching/manual';
import { recordMessageSent } from '../../../src-renderer/stitching/messages';
import {
  addCampaign,
  addContact,
  dumpTables,
  FakeJournal,
  freshDb,
  ingestNew,
  settingsWith,
  timelineOf,
  UA,
} from './support';

async function anaClicks(db: StitchDb, journal: FakeJournal) {
  await addContact(db, { id: 'ana', firstName: 'Ana', email: 'ana@example.org' });
  const [message] = await addCampaign(db, { id: 'c1', name: 'Spring Sale', channel: 'sms' }, ['ana']);
  if (!message) throw new Error('no message');
  journal.page('A', 0, '/home');
  journal.click(message, 10, 'tok');
  journal.page('A', 10.1, '/sale', { clickToken: 'tok' });
  journal.page('A', 100, '/later'); // a new session (more than 30 minutes later)
  journal.page('B', 5, '/other', { ua: UA.desktopFirefox });
  return message;
}

describe('ingestBatch', () => {
  it('ingesting the same batch twice leaves the store exactly as after the first time', async () => {
    const db = freshDb();
    const journal = new FakeJournal();
    await anaClicks(db, journal);
    const batch = journal.take();
    await ingestBatch(db, batch, settingsWith());
    const once = await dumpTables(db);
    const again = await ingestBatch(db, batch, settingsWith());
    expect(again).toMatchObject({ stored: 0, skipped: batch.length });
    expect(await dumpTables(db)).toEqual(once);

    // The same events under new offsets (a re-journalled retry) are skipped by messageId.
    const reoffset = batch.map((r, i): JournalRecord => ({ ...r, offset: 100 + i }));
    expect(await ingestBatch(db, reoffset, settingsWith())).toMatchObject({ stored: 0, appliedOffset: 104 });
    const { meta: _meta, ...rest } = await dumpTables(db);
    const { meta: _metaOnce, ...restOnce } = once;
    expect(rest).toEqual(restOnce);
  });

  it('a failure in the middle of a batch leaves both the offset and the data unchanged', async () => {
    const db = freshDb();
    const journal = new FakeJournal();
    await anaClicks(db, journal);
    await ingestNew(db, journal);
    const before = await dumpTables(db);
    const offsetBefore = await appliedOffset(db);

    journal.page('A', 200, '/fine');
    journal.page('BROKEN', 201, '/boom');
    journal.page('A', 202, '/fine-too');
    db.visitors.hook('creating', (_key, visitor) => {
      if (visitor.id === 'BROKEN') throw new Error('disk full');
    });
    await expect(ingestBatch(db, journal.take(), settingsWith())).rejects.toThrow();
    expect(await appliedOffset(db)).toBe(offsetBefore);
    expect(await dumpTables(db)).toEqual(before);
  });

  it('derives sessions (30 minutes of inactivity) and a visitor summary with the browser', async () => {
    const db = freshDb();
    const journal = new FakeJournal();
    await anaClicks(db, journal);
    await ingestNew(db, journal);
    const visitor = await db.visitors.get('A');
    expect(visitor).toMatchObject({
      pageViews: 3,
      events: 3,
      sessions: 2,
      browser: 'Chrome',
      os: 'Android',
      device: 'mobile',
      stitched: 1,
    });
    const sessions = await db.sessions
      .where('[visitorId+start]')
      .between(['A', 0], ['A', Infinity])
      .toArray();
    expect(sessions.map((s) => [s.landingPath, s.pageViews])).toEqual([
      ['/home', 2],
      ['/later', 1],
    ]);
  });

  it('uses the receive time corrected for the client clock when sentAt and timestamp are both sent', async () => {
    const db = freshDb();
    const record: JournalRecord = {
      offset: 0,
      receivedAt: '2025-03-01T10:00:10.000Z',
      source: 'tracker',
      event: {
        messageId: 'skewed',
        type: 'page',
        anonymousId: 'V',
        // The phone's clock is two hours fast: the event happened 5 s before it was sent.
        timestamp: '2025-03-01T12:00:00.000Z',
        sentAt: '2025-03-01T12:00:05.000Z',
      },
    };
    await ingestBatch(db, [record], settingsWith());
    expect((await db.events.get('skewed'))?.timestamp).toBe(Date.parse('2025-03-01T10:00:05.000Z'));
  });
});

/** A journal behind the Bridge interface, as the main process serves it. */
class MemoryBridge implements Bridge {
  readonly platform = 'headless' as const;
  readonly records: JournalRecord[] = [];
  readonly reads: number[] = [];
  readonly acks: { offset: number; appliedAtAck: number }[] = [];
  ackedOffset = -1;
  private readonly listeners = new Set<(payload: BridgeEvents['journal.appended']) => void>();

  constructor(
    private readonly db: StitchDb,
    private readonly settings: unknown = settingsWith(),
  ) {}

  append(records: JournalRecord[]): void {
    this.records.push(...records);
    for (const listener of this.listeners) listener({ lastOffset: this.records.length - 1 });
  }

  invoke<K extends BridgeChannel>(channel: K, args: BridgeArgs<K>): Promise<BridgeResult<K>> {
    return this.handle(channel, args) as Promise<BridgeResult<K>>;
  }

  private async handle(channel: BridgeChannel, args: unknown): Promise<unknown> {
    if (channel === 'settings.get') return this.settings;
    if (channel === 'journal.read') {
      const { fromOffset, limit } = args as BridgeArgs<'journal.read'>;
      this.reads.push(fromOffset);
      const records = this.records.filter((r) => r.offset >= fromOffset).slice(0, limit);
      const last = records[records.length - 1];
      return {
        records,
        nextOffset: last ? last.offset + 1 : fromOffset,
        lastOffset: this.records.length - 1,
        ackedOffset: this.ackedOffset,
      };
    }
    if (channel === 'journal.ack') {
      const { offset } = args as BridgeArgs<'journal.ack'>;
      this.acks.push({ offset, appliedAtAck: await appliedOffset(this.db) });
      this.ackedOffset = offset;
      return { ackedOffset: offset };
    }
    throw new Error(`unexpected ${channel}`);
  }

  on<E extends keyof BridgeEvents>(event: E, listener: (payload: BridgeEvents[E]) => void): () => void {
    if (event !== 'journal.appended') return () => undefined;
    const typed = listener as (payload: BridgeEvents['journal.appended']) => void;
    this.listeners.add(typed);
    return () => this.listeners.delete(typed);
  }
}

async function until(check: () => Promise<boolean> | boolean, timeoutMs = 5_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('IngestLoop', () => {
  it('pulls the whole journal in batches, acks only after each commit, follows new records and resumes after a restart', async () => {
    const db = freshDb();
    const bridge = new MemoryBridge(db);
    const journal = new FakeJournal();
    await anaClicks(db, journal);
    for (let i = 0; i < 20; i++) journal.page('A', 11 + i, `/p${i}`);
    bridge.append(journal.take());

    const progress: IngestProgress[] = [];
    const loop = new IngestLoop({
      db,
      bridge,
      batchSize: 7,
      pollMs: 60_000,
      onProgress: (p) => progress.push(p),
    });
    loop.start();
    await until(() => bridge.ackedOffset === 24);
    expect(bridge.reads.slice(0, 4)).toEqual([0, 7, 14, 21]);
    expect(bridge.acks.map((a) => a.offset)).toEqual([6, 13, 20, 24]);
    expect(bridge.acks.every((a) => a.appliedAtAck >= a.offset)).toBe(true);
    expect(progress.some((p) => p.catchingUp && p.appliedOffset < p.lastOffset)).toBe(true);
    await until(() => loop.current.catchingUp === false && loop.current.appliedOffset === 24);

    // New records are pushed with journal.appended and applied without waiting for the poll.
    journal.page('A', 200, '/pushed');
    bridge.append(journal.take());
    await until(async () => (await appliedOffset(db)) === 25);
    expect((await timelineOf(db, 'ana'))[0]).toBe('page /pushed');
    await loop.stop();

    // A restart resumes from the stored offset, not from the start.
    journal.page('A', 300, '/after-restart');
    bridge.append(journal.take());
    const readsBefore = bridge.reads.length;
    const restarted = new IngestLoop({ db, bridge, pollMs: 60_000 });
    restarted.start();
    await until(async () => (await appliedOffset(db)) === 26);
    await restarted.stop();
    expect(bridge.reads[readsBefore]).toBe(26);
    expect(await db.events.count()).toBe(27);
  });
});

describe('rebuildStore', () => {
  it('replays the journal into a fresh store, keeps user data and decisions, and becomes the active store', async () => {
    const db = freshDb();
    const journal = new FakeJournal();
    const message = await anaClicks(db, journal);
    journal.page('L', 20, '/lonely');
    journal.page('Z', 30, '/removed');
    journal.form('Z', 31, { email: 'ana@example.org' });
    await recordMessageSent(db, message, Date.UTC(2025, 2, 1, 9));
    await ingestNew(db, journal);
    await stitchVisitorManually(db, { visitorId: 'L', contactId: 'ana', settings: settingsWith() });
    const zLink = (await contactIdentities(db, 'ana')).find((i) => i.link.value === 'Z');
    await unstitchLink(db, zLink?.link.id ?? '', { settings: settingsWith() });

    const bridge = new MemoryBridge(db);
    bridge.append(journal.records);
    const storage = new Map<string, string>();
    const phases: string[] = [];
    const rebuilt = await rebuildStore({
      source: db,
      bridge,
      name: `${db.name}-rebuilt`,
      batchSize: 3,
      settings: settingsWith(),
      storage: { setItem: (key, value) => storage.set(key, value) },
      onProgress: (p) => phases.push(p.phase),
    });

    expect(storage.get(ACTIVE_DB_KEY)).toBe(rebuilt.name);
    expect(phases[0]).toBe('copying');
    expect(phases[phases.length - 1]).toBe('done');
    const items = async (store: StitchDb) =>
      (await contactTimeline(store, 'ana', { limit: 1000 })).items.map((i) => [i.event.id, i.via.kind]);
    expect(await items(rebuilt)).toEqual(await items(db));
    expect(await timelineOf(rebuilt, 'ana')).toContain('message_sent');
    expect(await timelineOf(rebuilt, 'ana')).not.toContain('page /removed');
    expect((await rebuilt.contacts.get('ana'))?.stats).toEqual((await db.contacts.get('ana'))?.stats);
    const links = async (store: StitchDb) =>
      (await contactIdentities(store, 'ana')).map((i) => [
        i.link.value,
        i.link.source,
        i.link.revokedAt !== null,
      ]);
    expect(await links(rebuilt)).toEqual(await links(db));
    expect((await anonymousVisitors(rebuilt)).map((v) => v.visitor.id)).toEqual(
      (await anonymousVisitors(db)).map((v) => v.visitor.id),
    );
    expect(await rebuilt.audit.count()).toBe(await db.audit.count());
  });

  it("reads a form's phone in the app's default country, as the live ingest does", async () => {
    const db = freshDb();
    await addContact(db, { id: 'gus', firstName: 'Gus', phone: '+447400123456' });
    const journal = new FakeJournal();
    journal.page('G', 0, '/signup');
    journal.form('G', 1, { phone: '07400 123456' });
    // The live loop reads the country from the app's settings, where it lives under stitching.
    await ingestNew(db, journal, settingsWith({ defaultCountry: 'GB' }, 'GB'));
    expect((await contactIdentities(db, 'gus')).map((i) => i.link.value)).toEqual(['G']);

    const bridge = new MemoryBridge(db, settingsWith({ defaultCountry: 'GB' }));
    bridge.append(journal.records);
    const rebuilt = await rebuildStore({
      source: db,
      bridge,
      name: `${db.name}-rebuilt`,
      storage: { setItem: () => undefined },
    });
    expect((await contactIdentities(rebuilt, 'gus')).map((i) => i.link.value)).toEqual(['G']);
  });
});
