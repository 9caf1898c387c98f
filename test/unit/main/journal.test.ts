// The event journal keeps every confirmed event, in order, across restarts, crashes mid-write and
// retention (which archives rather than deletes) — what the collector's 2xx answers, the store's
// ingest loop and a rebuild rely on.
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  truncateSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { archivedSegments, rewriteArchivedSegment } from '../../../src-main/journal/archive';
import { JournalUnavailableError } from '../../../src-main/journal/fault';
import { encodeSegmentHeader } from '../../../src-main/journal/format';
import { openJournal } from '../../../src-main/journal/journal';
import type { JournalEntryInput, OpenedJournal } from '../../../src-main/journal/types';
import type { JournalRecord } from '../../../src-main/shared/events';
import type { Logger } from '../../../src-main/util/log';
import { failEveryDatasync } from '../../support/disk-faults';

const freshJournalDir = () => join(mkdtempSync(join(tmpdir(), 'stitchdesk-journal-')), 'journal');

interface OpenOptions {
  segmentBytes?: number;
  retentionHours?: () => number;
}

async function openAt(dir: string, opts: OpenOptions = {}) {
  const warnings: string[] = [];
  const log: Logger = { info: () => {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) };
  const journal = await openJournal({
    dir,
    log,
    retentionHours: opts.retentionHours ?? (() => 24 * 7),
    ...(opts.segmentBytes === undefined ? {} : { segmentBytes: opts.segmentBytes }),
  });
  return { journal, warnings };
}

const pageView = (n: number): JournalEntryInput => ({
  source: 'tracker',
  siteId: 'site-1',
  event: {
    messageId: `m-${n}`,
    type: 'page',
    anonymousId: `visitor-${n % 3}`,
    context: { page: { path: `/p/${n}`, title: 'Shop' } },
  },
});
const pageViews = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => pageView(from + i));

async function readAll(journal: OpenedJournal, fromOffset = 0): Promise<JournalRecord[]> {
  const records: JournalRecord[] = [];
  let from = fromOffset;
  for (;;) {
    const page = await journal.read(from, 5000);
    if (page.records.length === 0) return records;
    records.push(...page.records);
    from = page.nextOffset;
  }
}

const messageIds = (records: JournalRecord[]) => records.map((record) => record.event.messageId);
const offsets = (records: JournalRecord[]) => records.map((record) => record.offset);
const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);
const segmentFiles = (dir: string) =>
  readdirSync(dir)
    .filter((name) => name.endsWith('.seg'))
    .sort();
const archiveFiles = (dir: string) =>
  existsSync(join(dir, 'archive'))
    ? readdirSync(join(dir, 'archive'))
        .filter((name) => name.endsWith('.seg.gz'))
        .sort()
    : [];

/** Appends one record per flush, so each gets its own write and segments roll over predictably. */
async function appendOneByOne(journal: OpenedJournal, from: number, count: number): Promise<void> {
  for (let n = from; n < from + count; n++) await journal.append([pageView(n)]);
}

/**
 * A closed journal folder holding records 0..count-1 (one append each with `oneByOne`, so each gets
 * its own write), and the path of its first segment.
 */
async function closedJournal(count: number, { oneByOne = false } = {}) {
  const dir = freshJournalDir();
  const { journal } = await openAt(dir);
  if (oneByOne) await appendOneByOne(journal, 0, count);
  else await journal.append(pageViews(0, count));
  await journal.close();
  return { dir, file: join(dir, '00000000000000000000.seg') };
}

function frame(payload: Buffer, checksum = crc32(payload)): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32LE(payload.length, 0);
  header.writeUInt32LE(checksum, 4);
  return Buffer.concat([header, payload]);
}

describe('event journal', () => {
  it('appended events come back in order, with offsets from 0 and a receivedAt, and survive a restart', async () => {
    const dir = freshJournalDir();
    const { journal } = await openAt(dir);
    const before = Date.now();
    const first = await journal.append(pageViews(0, 3));
    const second = await journal.append(pageViews(3, 2));
    const after = Date.now();

    expect(offsets(first)).toEqual([0, 1, 2]);
    expect(offsets(second)).toEqual([3, 4]);
    for (const record of [...first, ...second]) {
      const received = Date.parse(record.receivedAt);
      expect(received).toBeGreaterThanOrEqual(before);
      expect(received).toBeLessThanOrEqual(after);
      expect(record.receivedAt).toBe(new Date(received).toISOString());
    }
    const stored = await readAll(journal);
    expect(offsets(stored)).toEqual([0, 1, 2, 3, 4]);
    expect(messageIds(stored)).toEqual(['m-0', 'm-1', 'm-2', 'm-3', 'm-4']);
    expect(stored[2]).toEqual({ ...first[2], event: pageView(2).event });
    expect(journal.stats()).toMatchObject({ segments: 1, lastOffset: 4, ackedOffset: -1 });
    await journal.close();

    const reopened = await openAt(dir);
    expect(await readAll(reopened.journal)).toEqual(stored);
    expect(reopened.warnings).toEqual([]);
    const next = await reopened.journal.append([pageView(5)]);
    expect(next[0]?.offset).toBe(5);
    expect(messageIds(await readAll(reopened.journal))).toEqual(range(0, 6).map((n) => `m-${n}`));
    await reopened.journal.close();
  });

  it('the journal folder is created private to the user', async () => {
    const dir = freshJournalDir();
    const { journal } = await openAt(dir);
    await journal.append([pageView(0)]);
    if (process.platform !== 'win32') expect(statSync(dir).mode & 0o777).toBe(0o700);
    await journal.close();
  });

  it('200 concurrent appends share a few fsyncs and each gets its own consecutive offset', async () => {
    const { journal } = await openAt(freshJournalDir());
    await journal.append([pageView(-1)]); // creates the segment, so what follows is pure appends
    const before = journal.commitStats();

    const results = await Promise.all(range(0, 200).map((n) => journal.append([pageView(n)])));

    const after = journal.commitStats();
    const flushes = after.flushes - before.flushes;
    expect(after.appends - before.appends).toBe(200);
    expect(flushes).toBeGreaterThanOrEqual(1);
    // The first append goes out alone; the other 199 queue behind its fsync and share the next.
    expect(flushes).toBeLessThanOrEqual(3);
    expect(after.syncs - before.syncs).toBe(flushes);

    const given = results.map((records) => {
      expect(records).toHaveLength(1);
      return records[0]?.offset;
    });
    expect([...given].sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(range(1, 200));
    // Each caller's offset holds that caller's event.
    const stored = await readAll(journal);
    results.forEach((records, n) => {
      const offset = records[0]?.offset ?? -1;
      expect(stored[offset]?.event.messageId).toBe(`m-${n}`);
    });
    await journal.close();
  });

  it('an empty append resolves at once with nothing and touches no file', async () => {
    const dir = freshJournalDir();
    const { journal } = await openAt(dir);
    expect(await journal.append([])).toEqual([]);
    expect(journal.commitStats()).toEqual({ flushes: 0, syncs: 0, appends: 0 });
    expect(segmentFiles(dir)).toEqual([]);
    expect(journal.stats()).toEqual({ bytes: 0, segments: 0, lastOffset: -1, ackedOffset: -1 });
    await journal.close();
  });

  it('reads page through the journal with fromOffset, limit and nextOffset', async () => {
    const { journal } = await openAt(freshJournalDir());
    await journal.append(pageViews(0, 25));

    const first = await journal.read(0, 10);
    expect(offsets(first.records)).toEqual(range(0, 10));
    expect(first).toMatchObject({ nextOffset: 10, lastOffset: 24, ackedOffset: -1 });
    const second = await journal.read(first.nextOffset, 10);
    expect(offsets(second.records)).toEqual(range(10, 10));
    const third = await journal.read(second.nextOffset, 10);
    expect(offsets(third.records)).toEqual(range(20, 5));
    expect(third.nextOffset).toBe(25);
    const caughtUp = await journal.read(third.nextOffset, 10);
    expect(caughtUp).toEqual({ records: [], nextOffset: 25, lastOffset: 24, ackedOffset: -1 });

    expect(messageIds((await journal.read(7, 3)).records)).toEqual(['m-7', 'm-8', 'm-9']);
    await journal.close();
  });

  it('one read returns at most 5000 records, however many are asked for', async () => {
    const { journal } = await openAt(freshJournalDir());
    await journal.append(pageViews(0, 6000));
    const page = await journal.read(0, 100_000);
    expect(page.records).toHaveLength(5000);
    expect(page.nextOffset).toBe(5000);
    expect(offsets((await journal.read(page.nextOffset, 100_000)).records)).toEqual(range(5000, 1000));
    await journal.close();
  });

  it('100,000 events are read back sequentially, in order, in pages', async () => {
    const { journal } = await openAt(freshJournalDir());
    for (let from = 0; from < 100_000; from += 5000) await journal.append(pageViews(from, 5000));
    const started = performance.now();
    let pages = 0;
    let expected = 0;
    let from = 0;
    for (;;) {
      const page = await journal.read(from, 5000);
      if (page.records.length === 0) break;
      pages++;
      for (const record of page.records) expect(record.offset === expected++).toBe(true);
      from = page.nextOffset;
    }
    const elapsed = performance.now() - started;
    expect(expected).toBe(100_000);
    expect(pages).toBe(20);
    // Generous: an index-less implementation rescanning from the start would take far longer.
    expect(elapsed).toBeLessThan(10_000);
    await journal.close();
  });

  it('an ack is kept across a restart, never moves backwards, and is clamped to the last offset', async () => {
    const dir = freshJournalDir();
    const { journal } = await openAt(dir);
    expect(await journal.ack(0)).toBe(-1); // nothing to acknowledge yet
    await journal.append(pageViews(0, 10));
    expect(await journal.ack(6)).toBe(6);
    expect(await journal.ack(3)).toBe(6);
    expect(journal.stats().ackedOffset).toBe(6);
    expect((await journal.read(0, 1)).ackedOffset).toBe(6);
    await journal.close();

    const reopened = await openAt(dir);
    expect(reopened.journal.stats().ackedOffset).toBe(6);
    expect(await reopened.journal.ack(2)).toBe(6);
    expect(await reopened.journal.ack(1000)).toBe(9);
    await reopened.journal.close();

    const again = await openAt(dir);
    expect(again.journal.stats()).toMatchObject({ lastOffset: 9, ackedOffset: 9 });
    await again.journal.close();
  });

  it('segments roll over at segmentBytes, are named by their first offset, and reads cross them', async () => {
    const dir = freshJournalDir();
    const { journal } = await openAt(dir, { segmentBytes: 1024 });
    await appendOneByOne(journal, 0, 40);

    const files = segmentFiles(dir);
    expect(files.length).toBeGreaterThanOrEqual(4);
    const offsetsOnDisk: number[] = [];
    for (const name of files) {
      const bytes = readFileSync(join(dir, name));
      expect(bytes.length).toBeLessThanOrEqual(1024);
      expect(bytes.subarray(0, 4).toString('latin1')).toBe('SDJL');
      expect(bytes.readUInt32LE(4)).toBe(1);
      const inFile = recordOffsetsIn(bytes);
      // Named, and headed, by the offset of the first record inside.
      expect(Number(name.slice(0, 20))).toBe(inFile[0]);
      expect(Number(bytes.readBigUInt64LE(8))).toBe(inFile[0]);
      offsetsOnDisk.push(...inFile);
    }
    expect(offsetsOnDisk).toEqual(range(0, 40));

    expect(offsets(await readAll(journal))).toEqual(range(0, 40));
    const secondStart = Number(files[1]?.slice(0, 20));
    const across = await journal.read(secondStart - 2, 5);
    expect(offsets(across.records)).toEqual(range(secondStart - 2, 5));
    const stats = journal.stats();
    expect(stats.segments).toBe(files.length);
    // Finished segments are trimmed to their records; the active one has reserved space after them.
    for (const name of files.slice(0, -1)) {
      expect(statSync(join(dir, name)).size).toBe(recordsEnd(readFileSync(join(dir, name))));
    }
    expect(stats.bytes).toBe(files.reduce((sum, name) => sum + recordsEnd(readFileSync(join(dir, name))), 0));
    await journal.close();

    const reopened = await openAt(dir, { segmentBytes: 1024 });
    expect(messageIds(await readAll(reopened.journal))).toEqual(range(0, 40).map((n) => `m-${n}`));
    await reopened.journal.append([pageView(40)]);
    expect(offsets(await readAll(reopened.journal, 38))).toEqual([38, 39, 40]);
    await reopened.journal.close();
  });

  it('retention archives only segments that are fully acked, old enough and not the active one; reads still return them', async () => {
    const dir = freshJournalDir();
    let hours = 24;
    const { journal } = await openAt(dir, { segmentBytes: 1024, retentionHours: () => hours });
    await appendOneByOne(journal, 0, 40);
    const files = segmentFiles(dir);
    expect(files.length).toBeGreaterThanOrEqual(5);
    const firstOffsetOf = (index: number) => Number(files[index]?.slice(0, 20));
    const twoDaysAgo = new Date(Date.now() - 48 * 3_600_000);
    for (const name of files) utimesSync(join(dir, name), twoDaysAgo, twoDaysAgo);
    const recent = new Date();
    utimesSync(join(dir, files[2] ?? ''), recent, recent);

    // Segment 0 is fully acked and old: archived. Segment 1 is old but only partly acked: kept.
    await journal.ack(firstOffsetOf(1) + 1);
    expect(segmentFiles(dir)).toEqual(files.slice(1));
    expect(archiveFiles(dir)).toEqual([`${files[0]}.gz`]);
    // The archive keeps the segment's age, so expiry counts from when its events were written.
    const archivedAt = statSync(join(dir, 'archive', `${files[0]}.gz`)).mtimeMs;
    expect(Math.abs(archivedAt - twoDaysAgo.getTime())).toBeLessThan(1000);
    // Acking past segment 2: segment 1 goes; segment 2 is recent, so it and all after it stay.
    await journal.ack(firstOffsetOf(3) + 1);
    expect(segmentFiles(dir)).toEqual(files.slice(2));
    expect(archiveFiles(dir)).toEqual([`${files[0]}.gz`, `${files[1]}.gz`]);
    // A read from offset 0 (a rebuild) gets the archived records, then the live ones, in order.
    expect(offsets((await journal.read(0, 3)).records)).toEqual([0, 1, 2]);
    expect(offsets(await readAll(journal))).toEqual(range(0, 40));

    // With retention 0, anything acked is archived at once — except the active segment.
    hours = 0;
    const last = journal.stats().lastOffset;
    expect(await journal.ack(last)).toBe(last);
    const active = files.at(-1) ?? '';
    expect(segmentFiles(dir)).toEqual([active]);
    expect(archiveFiles(dir)).toEqual(files.slice(0, -1).map((name) => `${name}.gz`));
    expect(journal.stats().segments).toBe(1);
    expect(messageIds(await readAll(journal))).toEqual(range(0, 40).map((n) => `m-${n}`));
    const contents = await journal.contents();
    expect(contents).toMatchObject({
      records: 40,
      firstOffset: 0,
      lastOffset: 39,
      segments: 1,
      archivedSegments: files.length - 1,
      archiveExpiryDays: null,
    });
    expect(contents.archiveBytes).toBeGreaterThan(0);
    expect(contents.oldestReceivedAt).toBe((await journal.read(0, 1)).records[0]?.receivedAt);
    await journal.append([pageView(40)]);
    await journal.close();

    const reopened = await openAt(dir, { segmentBytes: 1024, retentionHours: () => 0 });
    expect(reopened.warnings).toEqual([]);
    expect(reopened.journal.stats()).toMatchObject({ lastOffset: 40, ackedOffset: last });
    expect(offsets(await readAll(reopened.journal))).toEqual(range(0, 41));
    expect((await reopened.journal.contents()).records).toBe(41);
    await reopened.journal.close();
  });

  it('reads page through archived segments with fromOffset, limit and nextOffset, into the live ones', async () => {
    const dir = freshJournalDir();
    const { journal } = await openAt(dir, { segmentBytes: 4096, retentionHours: () => 0 });
    await appendOneByOne(journal, 0, 300);
    await journal.ack(299);
    expect(archiveFiles(dir).length).toBeGreaterThanOrEqual(5);
    const firstLive = Number(segmentFiles(dir)[0]?.slice(0, 20));
    // Pages of 7 cross archive boundaries and the archive/live boundary alike.
    const seen: number[] = [];
    for (let from = 0; ; ) {
      const page = await journal.read(from, 7);
      if (page.records.length === 0) break;
      expect(page.records.length).toBeLessThanOrEqual(7);
      expect(page.nextOffset).toBe((page.records.at(-1)?.offset ?? -2) + 1);
      seen.push(...offsets(page.records));
      from = page.nextOffset;
    }
    expect(seen).toEqual(range(0, 300));
    // A read from the middle of an archive starts exactly there.
    expect(offsets((await journal.read(firstLive - 2, 4)).records)).toEqual(range(firstLive - 2, 4));
    expect((await journal.read(123, 1)).records[0]?.event.messageId).toBe('m-123');
    await journal.close();
  });

  it('archived events are deleted only once the expiry setting is set and they are older than it', async () => {
    const dir = freshJournalDir();
    let expiryDays: number | null = null;
    const journal = await openJournal({
      dir,
      log: { info: () => {}, warn: () => {}, error: () => {} },
      segmentBytes: 1024,
      retentionHours: () => 1,
      archiveExpiryDays: () => expiryDays,
    });
    await appendOneByOne(journal, 0, 40);
    const files = segmentFiles(dir);
    const firstOffsetOf = (index: number) => Number(files[index]?.slice(0, 20));
    // Segment i was last written 5 (n - i) days ago: …, 15, 10, 5 days of history.
    const n = files.length;
    files.forEach((name, i) => {
      const time = new Date(Date.now() - 5 * (n - i) * 24 * 3_600_000);
      utimesSync(join(dir, name), time, time);
    });
    await journal.ack(39);
    // No expiry set: everything old is archived and nothing is lost, however old.
    expect(archiveFiles(dir)).toHaveLength(files.length - 1);
    expect(offsets(await readAll(journal))).toEqual(range(0, 40));

    // 22 days: the archives last written 25 days ago or earlier go; the rest stays, in order.
    expiryDays = 22;
    // Retention runs after each ack that moves, as the ingest loop's do while events come in.
    await journal.append([pageView(40)]);
    await journal.ack(40);
    // (The append may have rolled over, and the segment it left archived too: 5 days is young.)
    const kept = n - 4;
    expect(archiveFiles(dir)[0]).toBe(`${files[kept]}.gz`);
    expect(archiveFiles(dir)).toEqual(
      expect.arrayContaining(files.slice(kept, -1).map((name) => `${name}.gz`)),
    );
    expect(offsets(await readAll(journal))).toEqual(range(firstOffsetOf(kept), 41 - firstOffsetOf(kept)));
    expect(await journal.contents()).toMatchObject({
      firstOffset: firstOffsetOf(kept),
      records: 41 - firstOffsetOf(kept),
      archiveExpiryDays: 22,
    });
    // A read from an expired offset starts at the earliest one kept.
    expect(offsets((await journal.read(0, 2)).records)).toEqual(range(firstOffsetOf(kept), 2));
    await journal.close();
  });

  it('a compaction interrupted after its archive was written finishes at open; a temp file is dropped', async () => {
    const dir = freshJournalDir();
    const { journal } = await openAt(dir, { segmentBytes: 1024, retentionHours: () => 0 });
    await appendOneByOne(journal, 0, 30);
    const files = segmentFiles(dir);
    const firstSegment = readFileSync(join(dir, files[0] ?? ''));
    await journal.ack(Number(files[1]?.slice(0, 20)) - 1); // exactly segment 0: archived
    await journal.close();
    // As if the process stopped between the archive's rename and the segment's unlink, and
    // during the next segment's compression (a temp file never renamed into place).
    writeFileSync(join(dir, files[0] ?? ''), firstSegment);
    writeFileSync(join(dir, 'archive', `${files[1]}.gz.tmp`), 'half a gzip');

    const reopened = await openAt(dir, { segmentBytes: 1024 });
    expect(reopened.warnings).toEqual([]);
    expect(segmentFiles(dir)).toEqual(files.slice(1));
    expect(archiveFiles(dir)).toEqual([`${files[0]}.gz`]);
    expect(offsets(await readAll(reopened.journal))).toEqual(range(0, 30));
    await reopened.journal.close();
  });

  it('a journal whose every segment is archived continues after the archive, never reusing its offsets', async () => {
    const dir = freshJournalDir();
    const { journal } = await openAt(dir, { segmentBytes: 1024, retentionHours: () => 0 });
    await appendOneByOne(journal, 0, 30);
    await journal.ack(29);
    await journal.close();
    // The active segment lost, and acked.json with it: only the archive tells where offsets are.
    for (const name of segmentFiles(dir)) unlinkSync(join(dir, name));
    unlinkSync(join(dir, 'acked.json'));
    const reopened = await openAt(dir, { segmentBytes: 1024 });
    const archivedEnd = reopened.journal.stats().lastOffset + 1;
    expect(archivedEnd).toBeGreaterThan(0);
    const [added] = await reopened.journal.append([pageView(99)]);
    expect(added?.offset).toBe(archivedEnd);
    expect(offsets(await readAll(reopened.journal))).toEqual(range(0, archivedEnd + 1));
    await reopened.journal.close();
  });

  it('archived segments can be listed and rewritten record by record, keeping offsets and age', async () => {
    const dir = freshJournalDir();
    const { journal } = await openAt(dir, { segmentBytes: 1024, retentionHours: () => 0 });
    await appendOneByOne(journal, 0, 30);
    await journal.ack(29);
    const listed: number[] = [];
    for await (const archived of archivedSegments(dir)) listed.push(...offsets(archived.records));
    const firstLive = Number(segmentFiles(dir)[0]?.slice(0, 20));
    expect(listed).toEqual(range(0, firstLive));
    // Caches the first archive in the journal's reader, so the rewrite must be seen through it.
    expect((await journal.read(1, 1)).records[0]?.event.anonymousId).toBe('visitor-1');

    const file = join(dir, 'archive', archiveFiles(dir)[0] ?? '');
    const age = statSync(file).mtimeMs;
    const redact = (record: JournalRecord): JournalRecord =>
      record.event.anonymousId === 'visitor-1'
        ? { ...record, event: { ...record.event, anonymousId: 'redacted' } }
        : record;
    expect(await rewriteArchivedSegment(file, redact)).toBe(true);
    expect(await rewriteArchivedSegment(file, redact)).toBe(false);
    expect(statSync(file).mtimeMs).toBe(age);
    const after = await readAll(journal);
    expect(offsets(after)).toEqual(range(0, 30));
    expect(after[1]?.event.anonymousId).toBe('redacted');
    expect(after[0]?.event.anonymousId).toBe('visitor-0');
    await expect(
      rewriteArchivedSegment(file, (record) => ({ ...record, offset: record.offset + 1 })),
    ).rejects.toThrow(/keep its offset/);
    await journal.close();
  });

  it('a damaged archive never stops the journal from opening; reading it names the file', async () => {
    const dir = freshJournalDir();
    const { journal } = await openAt(dir, { segmentBytes: 1024, retentionHours: () => 0 });
    await appendOneByOne(journal, 0, 30);
    await journal.ack(29);
    await journal.close();
    const [first] = archiveFiles(dir);
    const file = join(dir, 'archive', first ?? '');
    const bytes = readFileSync(file);
    const middle = Math.floor(bytes.length / 2);
    bytes[middle] = (bytes[middle] ?? 0) ^ 0xff;
    writeFileSync(file, bytes);

    const reopened = await openAt(dir, { segmentBytes: 1024 });
    await expect(reopened.journal.read(0, 10)).rejects.toThrow(first ?? 'archive');
    const firstLive = Number(segmentFiles(dir)[0]?.slice(0, 20));
    expect(offsets(await readAll(reopened.journal, firstLive))).toEqual(range(firstLive, 30 - firstLive));
    const [added] = await reopened.journal.append([pageView(30)]);
    expect(added?.offset).toBe(30);
    await reopened.journal.close();
  });

  it('retention at open archives old acked segments but keeps unacked ones however old', async () => {
    const dir = freshJournalDir();
    const { journal } = await openAt(dir, { segmentBytes: 1024 });
    await appendOneByOne(journal, 0, 30);
    const files = segmentFiles(dir);
    await journal.ack(Number(files[1]?.slice(0, 20)) - 1); // exactly segment 0
    await journal.close();
    const longAgo = new Date(Date.now() - 30 * 24 * 3_600_000);
    for (const name of files) utimesSync(join(dir, name), longAgo, longAgo);

    const reopened = await openAt(dir, { segmentBytes: 1024, retentionHours: () => 1 });
    expect(segmentFiles(dir)).toEqual(files.slice(1));
    expect(archiveFiles(dir)).toEqual([`${files[0]}.gz`]);
    expect(offsets(await readAll(reopened.journal))).toEqual(range(0, 30));
    await reopened.journal.close();
  });

  it('a record cut short by a crash is truncated at open with a warning, and appends continue', async () => {
    const { dir, file } = await closedJournal(5, { oneByOne: true });
    const whole = dropReserve(file);
    const lastRecordLength = whole - (recordStarts(readFileSync(file))[4] ?? whole);
    truncateSync(file, whole - 3);

    const { journal: reopened, warnings } = await openAt(dir);
    expect(messageIds(await readAll(reopened))).toEqual(['m-0', 'm-1', 'm-2', 'm-3']);
    expectOnlyZerosAfter(file, whole - lastRecordLength);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('00000000000000000000.seg');
    expect(warnings[0]).toContain(`cut ${lastRecordLength - 3} bytes`);

    const [next] = await reopened.append([pageView(99)]);
    expect(next?.offset).toBe(4);
    await reopened.close();
    const again = await openAt(dir);
    expect(again.warnings).toEqual([]);
    expect(messageIds(await readAll(again.journal))).toEqual(['m-0', 'm-1', 'm-2', 'm-3', 'm-99']);
    await again.journal.close();
  });

  it('a record torn inside the reserved space (its last bytes still zero) is cut at open with a warning', async () => {
    const { dir, file } = await closedJournal(5, { oneByOne: true });
    const bytes = readFileSync(file);
    const end = recordsEnd(bytes);
    const lastStart = recordStarts(bytes)[4] ?? 0;
    expect(bytes.length).toBeGreaterThan(end); // the reserve is there
    bytes.fill(0, end - 3, end); // the record's last bytes never reached the disk
    writeFileSync(file, bytes);

    const { journal: reopened, warnings } = await openAt(dir);
    expect(messageIds(await readAll(reopened))).toEqual(['m-0', 'm-1', 'm-2', 'm-3']);
    expectOnlyZerosAfter(file, lastStart);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`cut ${bytes.length - lastStart} bytes`);
    const [next] = await reopened.append([pageView(99)]);
    expect(next?.offset).toBe(4);
    await reopened.close();
  });

  it('zeros after the last record are reserved space: kept without a warning, and appends fill them', async () => {
    const { dir, file } = await closedJournal(5);
    const bytes = readFileSync(file);
    const end = recordsEnd(bytes);
    expect(bytes.length).toBeGreaterThan(end);
    expect(bytes.subarray(end).every((byte) => byte === 0)).toBe(true);

    const { journal: reopened, warnings } = await openAt(dir);
    expect(warnings).toEqual([]);
    expect(reopened.stats().bytes).toBe(end);
    await reopened.append(pageViews(5, 3));
    // Written into the reserve, not after it (which may have grown meanwhile).
    const grown = recordsEnd(readFileSync(file));
    expect(grown).toBeGreaterThan(end);
    expect(grown).toBeLessThanOrEqual(bytes.length);
    await reopened.close();
    const again = await openAt(dir);
    expect(again.warnings).toEqual([]);
    expect(messageIds(await readAll(again.journal))).toEqual(range(0, 8).map((n) => `m-${n}`));
    await again.journal.close();
  });

  const tornTails: [string, Buffer][] = [
    ['half a record header', Buffer.from([0x40, 0x00, 0x00])],
    [
      'a length running past the end of the file',
      Buffer.concat([frame(Buffer.alloc(300, 0x41)).subarray(0, 40)]),
    ],
    [
      'a bad checksum',
      frame(Buffer.from('{"offset":5,"receivedAt":"x","source":"tracker","event":{}}'), 12345),
    ],
    ['a payload that is not JSON', frame(Buffer.from('{"offset":5,"receiv'))],
    ['zero-filled blocks ending in a stray byte', Buffer.concat([Buffer.alloc(512), Buffer.from([7])])],
    [
      'a valid record with the wrong offset',
      frame(Buffer.from('{"offset":9,"receivedAt":"x","source":"app","event":{}}')),
    ],
  ];
  it.each(tornTails)(
    'garbage after the last record (%s) is cut at open and appends continue',
    async (_, garbage) => {
      const { dir, file } = await closedJournal(5);
      const whole = dropReserve(file);
      appendFileSync(file, garbage);

      const { journal: reopened, warnings } = await openAt(dir);
      expectOnlyZerosAfter(file, whole);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(
        new RegExp(`cut ${garbage.length} bytes from the end of 00000000000000000000\\.seg`),
      );
      expect(offsets(await readAll(reopened))).toEqual([0, 1, 2, 3, 4]);
      const [next] = await reopened.append([pageView(5)]);
      expect(next?.offset).toBe(5);
      expect(messageIds(await readAll(reopened, 4))).toEqual(['m-4', 'm-5']);
      await reopened.close();
    },
  );

  it('a segment whose creation was interrupted (zero-filled header) is removed at open', async () => {
    const { dir } = await closedJournal(5);
    const torn = join(dir, '00000000000000000005.seg');
    writeFileSync(torn, Buffer.alloc(10));

    const { journal: reopened, warnings } = await openAt(dir);
    expect(existsSync(torn)).toBe(false);
    expect(warnings.join('\n')).toContain('00000000000000000005.seg');
    const [next] = await reopened.append([pageView(5)]);
    expect(next?.offset).toBe(5);
    expect(offsets(await readAll(reopened))).toEqual(range(0, 6));
    await reopened.close();
  });

  it('a failed fsync rejects the appends it carried, names the cause in a fault state, and the journal keeps working', async () => {
    const dir = freshJournalDir();
    const { journal } = await openAt(dir);
    await journal.append([pageView(0)]);
    expect(journal.health().fault).toBeUndefined();
    const fault = await failEveryDatasync('EIO');
    try {
      const refused = journal.append(pageViews(1, 5));
      await expect(refused).rejects.toThrow(/could not store.*EIO/);
      await expect(refused).rejects.toBeInstanceOf(JournalUnavailableError);
      await expect(refused).rejects.toMatchObject({
        code: 'EIO',
        reason: expect.stringMatching(/input\/output error/),
      });
      const first = journal.health().fault;
      expect(first).toMatchObject({
        code: 'EIO',
        failures: 1,
        cause: expect.stringMatching(/input\/output error \(EIO\)/),
      });
      await expect(journal.append([pageView(99)])).rejects.toThrow(/EIO/);
      // Still the same fault: its start stays, the failures add up.
      expect(journal.health().fault).toMatchObject({ since: first?.since, failures: 2 });
    } finally {
      fault.restore();
    }
    expect(journal.stats().lastOffset).toBe(0);

    // The refused records' bytes were written before the fsync failed: none may come back later.
    const [next] = await journal.append([pageView(6)]);
    expect(next?.offset).toBe(1);
    expect(journal.health().fault).toBeUndefined();
    expect(messageIds(await readAll(journal))).toEqual(['m-0', 'm-6']);
    await journal.close();
    const reopened = await openAt(dir);
    expect(reopened.warnings).toEqual([]);
    expect(messageIds(await readAll(reopened.journal))).toEqual(['m-0', 'm-6']);
    await reopened.journal.close();
  });

  it('a refill of the reserve that fails (a full disk) is one warning; appends go on, growing the file', async () => {
    const dir = freshJournalDir();
    const probe = await open(join(mkdtempSync(join(tmpdir(), 'stitchdesk-probe-')), 'probe'), 'w');
    const fileHandlePrototype = Object.getPrototypeOf(probe);
    await probe.close();
    const write = fileHandlePrototype.write;
    // Records are written with a synchronous write; the only zero-filled writes are refills.
    const refillsFail = vi.spyOn(fileHandlePrototype, 'write').mockImplementation(function (
      this: unknown,
      bytes: unknown,
      ...rest: unknown[]
    ) {
      if (Buffer.isBuffer(bytes) && bytes.length > 0 && bytes.every((byte) => byte === 0)) {
        return Promise.reject(
          Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }),
        );
      }
      return write.call(this, bytes, ...rest);
    });
    try {
      const { journal, warnings } = await openAt(dir);
      await appendOneByOne(journal, 0, 6);
      await journal.close();
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/reserving space ahead of the records failed.*ENOSPC/);
      const file = join(dir, '00000000000000000000.seg');
      expect(statSync(file).size).toBe(recordsEnd(readFileSync(file)));
    } finally {
      refillsFail.mockRestore();
    }
    const reopened = await openAt(dir);
    expect(reopened.warnings).toEqual([]);
    expect(messageIds(await readAll(reopened.journal))).toEqual(range(0, 6).map((n) => `m-${n}`));
    await reopened.journal.close();
  });

  it('listeners hear the new last offset after each durable flush, until they unsubscribe', async () => {
    const { journal } = await openAt(freshJournalDir());
    const heard: number[] = [];
    const unsubscribe = journal.onAppend((lastOffset) => heard.push(lastOffset));
    await journal.append(pageViews(0, 2));
    await journal.append(pageViews(2, 3));
    expect(heard).toEqual([1, 4]);
    unsubscribe();
    await journal.append([pageView(5)]);
    expect(heard).toEqual([1, 4]);
    await journal.close();
  });

  it('close waits for appends in flight, and a closed journal refuses new ones', async () => {
    const dir = freshJournalDir();
    const { journal } = await openAt(dir);
    const pending = journal.append(pageViews(0, 3));
    await journal.close();
    expect(offsets(await pending)).toEqual([0, 1, 2]);
    await expect(journal.append([pageView(3)])).rejects.toThrow(/closed/);

    const reopened = await openAt(dir);
    expect(offsets(await readAll(reopened.journal))).toEqual([0, 1, 2]);
    await reopened.journal.close();
  });
});

describe('damage is contained', () => {
  /** Five segments of four records (offsets 0–19), one append each, closed. */
  async function closedSegments() {
    const dir = freshJournalDir();
    const { journal } = await openAt(dir, { segmentBytes: 1024 });
    await appendOneByOne(journal, 0, 20);
    await journal.close();
    const files = segmentFiles(dir);
    expect(files.map((name) => Number(name.slice(0, 20)))).toEqual([0, 4, 8, 12, 16]);
    return { dir, files, segment: (n: number) => join(dir, files[n] ?? '') };
  }

  /** Overwrites bytes of a segment file in place, as bit rot or a bad sector does. */
  function damage(file: string, at: number, bytes: Buffer): Buffer {
    const content = readFileSync(file);
    bytes.copy(content, at);
    writeFileSync(file, content);
    return content;
  }

  const allBut = (lost: number[], count = 20) => range(0, count).filter((n) => !lost.includes(n));

  it('damage in the middle of the last segment costs only that record: the ones after it stay, no offset is reused', async () => {
    const { dir, file } = await closedJournal(20, { oneByOne: true });
    const starts = recordStarts(readFileSync(file));
    const from = starts[5] ?? 0;
    const to = starts[6] ?? 0;
    const damaged = damage(file, from + 40, Buffer.from('X')); // one byte inside record 5's payload

    const { journal, warnings } = await openAt(dir);
    expect(offsets(await readAll(journal))).toEqual(allBut([5]));
    expect(messageIds(await readAll(journal, 6))[0]).toBe('m-6');
    const reports = journal.health().damage;
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({
      segment: '00000000000000000000.seg',
      reason: 'checksum mismatch',
      bytes: { from, to },
      lostOffsets: { from: 5, to: 5 },
      lostButApplied: 0,
    });
    // The damaged bytes are kept, exactly as found, for a rescue by hand.
    expect(readFileSync(reports[0]?.quarantineFile ?? '')).toEqual(damaged.subarray(from, to));
    expect(reports[0]?.quarantineFile).toBe(join(dir, 'quarantine', `00000000000000000000-${from}.bin`));
    expect(warnings.join('\n')).toMatch(
      /damage in 00000000000000000000\.seg: checksum mismatch.*offsets 5–5/,
    );
    expect(warnings.join('\n')).not.toMatch(/interrupted write/);

    const [next] = await journal.append([pageView(20)]);
    expect(next?.offset).toBe(20);
    await journal.close();

    const again = await openAt(dir);
    expect(again.warnings).toEqual([]);
    expect(messageIds(await readAll(again.journal)).at(-1)).toBe('m-20');
    expect(offsets(await readAll(again.journal))).toEqual(allBut([5], 21));
    // The report outlives the restart that found it, once.
    expect(again.journal.health().damage).toEqual(reports);
    await again.journal.close();
  });

  it('a zeroed block across several records of the last segment loses those records only, and says how many', async () => {
    const { dir, file } = await closedJournal(20, { oneByOne: true });
    const starts = recordStarts(readFileSync(file));
    const from = (starts[3] ?? 0) + 20;
    const to = (starts[7] ?? 0) + 20;
    damage(file, from, Buffer.alloc(to - from)); // a lost disk block

    const { journal } = await openAt(dir);
    expect(offsets(await readAll(journal))).toEqual(allBut([3, 4, 5, 6, 7]));
    expect(journal.health().damage).toEqual([
      expect.objectContaining({ lostOffsets: { from: 3, to: 7 }, bytes: { from: starts[3], to: starts[8] } }),
    ]);
    const [next] = await journal.append([pageView(20)]);
    expect(next?.offset).toBe(20);
    await journal.close();
  });

  it('one damaged byte in an older segment: the journal opens, the records around it read back, the report names the range', async () => {
    const { dir, segment } = await closedSegments();
    const { journal } = await openAt(dir, { segmentBytes: 1024 });
    await journal.ack(2); // the store already has record 1
    await journal.close();
    const starts = recordStarts(readFileSync(segment(0)));
    damage(segment(0), (starts[1] ?? 0) + 60, Buffer.from('#'));

    const { journal: reopened, warnings } = await openAt(dir, { segmentBytes: 1024 });
    expect(offsets(await readAll(reopened))).toEqual(allBut([1]));
    expect(reopened.health().damage).toEqual([
      expect.objectContaining({
        segment: '00000000000000000000.seg',
        bytes: { from: starts[1], to: starts[2] },
        lostOffsets: { from: 1, to: 1 },
        lostButApplied: 1,
      }),
    ]);
    expect(warnings.join('\n')).toContain('already applied by the store');
    const [next] = await reopened.append([pageView(20)]);
    expect(next?.offset).toBe(20);
    await reopened.close();
  });

  it('the damaged last record of an older segment is lost up to where the next segment starts', async () => {
    const { dir, segment } = await closedSegments();
    const starts = recordStarts(readFileSync(segment(1)));
    damage(segment(1), (starts[3] ?? 0) + 30, Buffer.from('zz'));

    const { journal } = await openAt(dir, { segmentBytes: 1024 });
    expect(offsets(await readAll(journal))).toEqual(allBut([7]));
    expect(journal.health().damage).toEqual([
      expect.objectContaining({ segment: '00000000000000000004.seg', lostOffsets: { from: 7, to: 7 } }),
    ]);
    await journal.close();
    expect((await openAt(dir, { segmentBytes: 1024 })).warnings).toEqual([]);
  });

  it('an older segment with a damaged header keeps its records, and is rewritten with a sound one', async () => {
    const { dir, segment } = await closedSegments();
    damage(segment(2), 0, Buffer.from('SDJX'));

    const { journal, warnings } = await openAt(dir, { segmentBytes: 1024 });
    expect(offsets(await readAll(journal))).toEqual(range(0, 20));
    expect(journal.health().damage).toEqual([
      expect.objectContaining({ segment: '00000000000000000008.seg', bytes: { from: 0, to: 16 } }),
    ]);
    expect(journal.health().damage[0]).not.toHaveProperty('lostOffsets');
    expect(warnings.join('\n')).toMatch(/bad magic bytes.*no record lost/);
    expect(readFileSync(segment(2)).toString('latin1', 0, 4)).toBe('SDJL');
    await journal.close();
    expect((await openAt(dir, { segmentBytes: 1024 })).warnings).toEqual([]);
  });

  it('a missing older segment the store never acknowledged is reported once, and the journal opens', async () => {
    const { dir, segment } = await closedSegments();
    unlinkSync(segment(1));

    const { journal, warnings } = await openAt(dir, { segmentBytes: 1024 });
    expect(offsets(await readAll(journal))).toEqual(allBut([4, 5, 6, 7]));
    expect(journal.health().damage).toEqual([
      expect.objectContaining({ lostOffsets: { from: 4, to: 7 }, reason: expect.stringMatching(/missing/) }),
    ]);
    expect(journal.health().damage[0]).not.toHaveProperty('quarantineFile');
    expect(warnings.join('\n')).toMatch(/4 record\(s\) lost, offsets 4–7/);
    await journal.close();

    const again = await openAt(dir, { segmentBytes: 1024 });
    expect(again.warnings).toEqual([]);
    expect(again.journal.health().damage).toHaveLength(1);
    await again.journal.close();
  });

  it('a torn write after damage in the middle of the last segment is still cut as an interrupted write', async () => {
    const { dir, file } = await closedJournal(10, { oneByOne: true });
    const whole = dropReserve(file);
    damage(file, (recordStarts(readFileSync(file))[3] ?? 0) + 40, Buffer.from('X'));
    appendFileSync(file, Buffer.from([0x40, 0x00, 0x00])); // half a record header

    const { journal, warnings } = await openAt(dir);
    expect(offsets(await readAll(journal))).toEqual(allBut([3], 10));
    expect(journal.health().damage).toEqual([expect.objectContaining({ lostOffsets: { from: 3, to: 3 } })]);
    expect(warnings.join('\n')).toMatch(/cut a torn write of 3 bytes/);
    const [next] = await journal.append([pageView(10)]);
    expect(next?.offset).toBe(10);
    await journal.close();
    expect(statSync(file).size).toBeLessThan(whole);
  });

  it('of two segments holding the same offsets, the older keeps them and the copies are set aside', async () => {
    const { dir, segment } = await closedSegments();
    const second = readFileSync(segment(1));
    const starts = recordStarts(second);
    // A stray copy of records 6 and 7, as a file restored by hand might bring.
    writeFileSync(
      join(dir, '00000000000000000006.seg'),
      Buffer.concat([encodeSegmentHeader(6), second.subarray(starts[2], recordsEnd(second))]),
    );

    const { journal } = await openAt(dir, { segmentBytes: 1024 });
    expect(offsets(await readAll(journal))).toEqual(range(0, 20));
    expect(journal.health().damage).toEqual([
      expect.objectContaining({
        segment: '00000000000000000006.seg',
        reason: expect.stringMatching(/overlap/),
      }),
    ]);
    expect(journal.health().damage[0]).not.toHaveProperty('lostOffsets');
    expect(existsSync(join(dir, '00000000000000000006.seg'))).toBe(false);
    await journal.close();
  });

  it('recovery interrupted after writing the split-off records is redone at the next open, without duplicates', async () => {
    const { dir, file } = await closedJournal(10, { oneByOne: true });
    const damaged = damage(file, (recordStarts(readFileSync(file))[4] ?? 0) + 40, Buffer.from('X'));
    const first = await openAt(dir);
    await first.journal.close();
    // As if the crash came before the damaged file was replaced: it is back, the new file stays.
    writeFileSync(file, damaged);

    const { journal } = await openAt(dir);
    expect(offsets(await readAll(journal))).toEqual(allBut([4], 10));
    expect(journal.health().damage).toEqual([
      expect.objectContaining({
        lostOffsets: { from: 4, to: 4 },
        bytes: expect.objectContaining({ from: first.journal.health().damage[0]?.bytes?.from }),
      }),
    ]);
    const [next] = await journal.append([pageView(10)]);
    expect(next?.offset).toBe(10);
    await journal.close();
  });

  it('a newest segment with nothing readable left is set aside, and new events never take offsets it may have held', async () => {
    const { dir, segment } = await closedSegments();
    const size = statSync(segment(4)).size;
    writeFileSync(segment(4), Buffer.alloc(size, 0xab)); // offsets 16–19, overwritten end to end

    const { journal } = await openAt(dir, { segmentBytes: 1024 });
    expect(offsets(await readAll(journal))).toEqual(range(0, 16));
    const [report] = journal.health().damage;
    expect(journal.health().damage).toHaveLength(1);
    expect(report).toMatchObject({ segment: '00000000000000000016.seg', bytes: { from: 0, to: size } });
    expect(report?.reason).toMatch(/bad magic bytes.*implausible record length/);
    expect(report?.lostOffsets?.from).toBe(16);
    expect(report?.lostOffsets?.to).toBeGreaterThanOrEqual(19);
    const [next] = await journal.append([pageView(20)]);
    expect(next?.offset).toBe((report?.lostOffsets?.to ?? 0) + 1);
    await journal.close();
  });

  it('garbage between two intact records costs no record', async () => {
    const { dir, file } = await closedJournal(6, { oneByOne: true });
    const bytes = readFileSync(file);
    const at = recordStarts(bytes)[3] ?? 0;
    const garbage = Buffer.from('not a record, just stray bytes');
    writeFileSync(file, Buffer.concat([bytes.subarray(0, at), garbage, bytes.subarray(at)]));

    const { journal } = await openAt(dir);
    expect(offsets(await readAll(journal))).toEqual(range(0, 6));
    const [report] = journal.health().damage;
    expect(report).toMatchObject({ bytes: { from: at, to: at + garbage.length } });
    expect(report).not.toHaveProperty('lostOffsets');
    expect(readFileSync(report?.quarantineFile ?? '')).toEqual(garbage);
    await journal.close();
  });
});

/**
 * Byte positions of the frames in a segment file, found by walking the length fields up to the
 * zero-filled space reserved after them.
 */
function recordStarts(bytes: Buffer): number[] {
  const starts: number[] = [];
  for (
    let position = 16;
    position + 8 <= bytes.length && bytes.readUInt32LE(position) !== 0;
    position += 8 + bytes.readUInt32LE(position)
  )
    starts.push(position);
  return starts;
}

/** Where a segment file's records end; zeros reserved for the next ones may follow. */
function recordsEnd(bytes: Buffer): number {
  const starts = recordStarts(bytes);
  const last = starts.at(-1);
  return last === undefined ? 16 : last + 8 + bytes.readUInt32LE(last);
}

/**
 * The records end at `end` and nothing but zeros follows: what a cut left, whether or not the
 * journal has reserved fresh space after it since.
 */
function expectOnlyZerosAfter(file: string, end: number): void {
  const bytes = readFileSync(file);
  expect(recordsEnd(bytes)).toBe(end);
  expect(bytes.subarray(end).every((byte) => byte === 0)).toBe(true);
}

/** Cuts a segment's reserve off: the shape of a file whose reserve was never filled. */
function dropReserve(file: string): number {
  const end = recordsEnd(readFileSync(file));
  truncateSync(file, end);
  return end;
}

function recordOffsetsIn(bytes: Buffer): number[] {
  return recordStarts(bytes).map((position) => {
    const payload = bytes.subarray(position + 8, position + 8 + bytes.readUInt32LE(position));
    expect(crc32(payload)).toBe(bytes.readUInt32LE(position + 4));
    return (JSON.parse(payload.toString('utf8')) as JournalRecord).offset;
  });
}
