// The durable event journal: an append-only, segmented, CRC-framed log with group-commit fsync,
// an in-memory offset index, the store's acks and retention (which archives, never deletes, what a
// rebuild needs: archive.ts). On-disk format: README.md here.
//
// Speed comes from how a commit reaches the disk: its bytes are copied into the page cache with one
// synchronous write (microseconds; a thread-pool round trip would cost more than the copy; rarely a
// few milliseconds when it meets the file system's own journal commit), and only the fdatasync,
// which waits for the device, runs off the event loop. Records land in space
// the journal zero-filled and synced ahead of them, so that fdatasync flushes data alone instead of
// also committing file-system metadata (block allocation, file size) each time.
import { writeSync } from 'node:fs';
import { type FileHandle, mkdir, open, readdir, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { JournalContents, JournalReadResult } from '../shared/bridge';
import type { JournalDamageReport, JournalFault } from '../shared/collector';
import type { RedactionReport } from '../shared/erasure';
import type { JournalRecord } from '../shared/events';
import type { Logger } from '../util/log';
import { loadAckedOffset, saveAckedOffset } from './acked-offset';
import {
  type ArchivedSegment,
  ArchiveReader,
  archiveEnd,
  compactSegment,
  expireArchives,
  openArchive,
  rewriteArchivedSegment,
  settleNewestArchive,
} from './archive';
import { readAt, replaceFileDurably, syncDirectory, writeAt } from './disk';
import { describeWriteFailure, JournalUnavailableError } from './fault';
import {
  decodeFrame,
  encodeRecords,
  encodeSegmentHeader,
  type PreparedRecord,
  prepareRecord,
  SEGMENT_HEADER_BYTES,
  segmentFileName,
} from './format';
import {
  eraseFromQuarantine,
  JournalDamagedError,
  type Recovered,
  recoverSegments,
  type Segment,
  segmentEnd,
} from './recovery';
import { redactionOf, redactSegmentBytes } from './redact';
import type { CommitStats, JournalEntryInput, JournalHealth, JournalStats, OpenedJournal } from './types';

export const DEFAULT_SEGMENT_BYTES = 16 * 1024 * 1024;
/**
 * Zero-filled space kept ahead of the records in the active segment, refilled in these steps. Each
 * refill's fdatasync shares the device with the commits' own, so fewer, larger refills cost commits
 * less: under the collector bench's load, 4 MiB steps kept 0.61–0.67 of the Fastify durable floor
 * against 0.49–0.60 with 1 MiB steps and 0.56 with 8 MiB steps (interleaved A/B runs, same machine),
 * where a larger refill's longer sync starts to hold commits back.
 */
const RESERVE_CHUNK_BYTES = 4 * 1024 * 1024;
/** A refill starts when less than this much reserved space is left: room for a burst while it runs. */
const RESERVE_LOW_WATER_BYTES = 6 * 1024 * 1024;
/** After a failed refill (a full disk, say), the next try waits this long: one warning, not one per commit. */
const RESERVE_RETRY_MS = 60_000;
/** Most records one `read` returns, whatever limit is asked for. */
export const MAX_READ_RECORDS = 5000;
/** A page also stops at this many bytes (after at least one record) so one read never balloons. */
const MAX_READ_BYTES = 32 * 1024 * 1024;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface JournalOptions {
  /** The journal's own folder, e.g. `<dataDir>/journal`; created if missing. */
  dir: string;
  /** Read at every retention pass, so a settings change applies without a restart. */
  retentionHours: () => number;
  /** Archived events older than this many days are deleted; null (the default) keeps them. */
  archiveExpiryDays?: () => number | null;
  segmentBytes?: number;
  log: Logger;
}

export async function openJournal(opts: JournalOptions): Promise<OpenedJournal> {
  const created = await mkdir(opts.dir, { recursive: true, mode: 0o700 });
  // A new folder's own entry must be durable too, or a crash could take the first segment with it.
  if (created !== undefined) await syncDirectory(dirname(created));
  // An erasure interrupted by a crash leaves its temp file, which still holds the erased records.
  await removeRewriteLeftovers(opts.dir);
  const ackedOffset = await loadAckedOffset(opts.dir, opts.log);
  // Before recovery: a segment whose archive was completed just before a stop is removed here.
  const archives = await openArchive(opts.dir, opts.log);
  const recovered = await recoverSegments(opts.dir, ackedOffset, opts.log);
  await settleNewestArchive(archives, recovered.segments[0]?.firstOffset, opts.log);
  const journal = new SegmentedJournal(opts, recovered, ackedOffset, archives);
  await journal.start();
  return journal;
}

interface PendingAppend {
  records: PreparedRecord[];
  resolve: (records: JournalRecord[]) => void;
  reject: (error: Error) => void;
}

class SegmentedJournal implements OpenedJournal {
  private readonly dir: string;
  private readonly log: Logger;
  private readonly retentionHours: () => number;
  private readonly archiveExpiryDays: () => number | null;
  private readonly segmentBytes: number;
  /** Archived segments, oldest first, all older than `segments`. */
  private readonly archives: ArchivedSegment[];
  private readonly archiveReader = new ArchiveReader();
  /** Oldest first; only committed (fsync'd) records are in here, so readers never see more. */
  private readonly segments: Segment[];
  /** Open for writing on the last segment, when appends continue it. */
  private active: FileHandle | undefined;
  private nextOffset: number;
  private ackedOffset: number;

  private queue: PendingAppend[] = [];
  private flushRun: Promise<void> | undefined;
  /** The group commit on its way to the disk, if any: a rewrite waits for it. */
  private committing: Promise<unknown> | undefined;
  /** Reads in progress: a rewrite waits for them, since they index the file it replaces. */
  private readonly reading = new Set<Promise<unknown>>();
  /** A segment rewrite (erasure) in progress: commits and reads wait for it. */
  private rewriting: Promise<void> | undefined;
  /** Set when a failed write may have left bytes past the committed end of the active segment. */
  private tailNeedsCut = false;
  /** The active segment's file is zero-filled and synced up to here (≥ its committed size). */
  private reservedEnd = 0;
  /** A refill of the reserve in progress: commits that would reach `from` wait for it. */
  private reserving: { from: number; done: Promise<void> } | undefined;
  private reserveRetryAt = 0;
  /** Acks and retention run one at a time, in order, off the append path. */
  private housekeeping: Promise<unknown> = Promise.resolve();
  private closing: Promise<void> | undefined;
  private readonly listeners = new Set<{ notify: (lastOffset: number) => void }>();
  private readonly counters: CommitStats = { flushes: 0, syncs: 0, appends: 0 };
  /** Damage recovery found and set aside (this open's and earlier ones still in quarantine/). */
  private readonly damage: JournalDamageReport[];
  /** Set by a failed commit, cleared by the next one that succeeds. */
  private fault: JournalFault | undefined;

  constructor(opts: JournalOptions, recovered: Recovered, ackedOffset: number, archives: ArchivedSegment[]) {
    const { segments, damage, minNextOffset } = recovered;
    this.dir = opts.dir;
    this.log = opts.log;
    this.retentionHours = opts.retentionHours;
    this.archiveExpiryDays = opts.archiveExpiryDays ?? (() => null);
    this.segmentBytes = opts.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
    this.segments = segments;
    this.damage = damage;
    this.archives = archives;
    const last = segments.at(-1);
    const archived = archives.at(-1);
    // Offsets never go backwards for the store, even if the files behind an ack went missing, and
    // never reuse one a damaged file may have confirmed.
    this.nextOffset = Math.max(
      last ? segmentEnd(last) : 0,
      archived ? archiveEnd(archived) : 0,
      ackedOffset + 1,
      minNextOffset,
    );
    if (last && this.nextOffset > segmentEnd(last)) {
      this.log.warn(
        `journal: the store acknowledged offset ${ackedOffset} but the journal ends at ${segmentEnd(last) - 1}; ` +
          `new events continue from ${this.nextOffset}`,
      );
    }
    this.ackedOffset = ackedOffset;
  }

  async start(): Promise<void> {
    const last = this.segments.at(-1);
    if (last && segmentEnd(last) === this.nextOffset) {
      this.active = await open(last.file, 'r+');
      // Recovery verified that whatever follows the records is zeros: reserved space to reuse.
      this.reservedEnd = (await this.active.stat()).size;
      this.reserveAhead();
    }
    await this.whenHousekeeping(() => this.applyRetention());
  }

  append(entries: JournalEntryInput[]): Promise<JournalRecord[]> {
    if (this.closing) {
      const reason = 'the journal is closed (the app is shutting down)';
      return Promise.reject(new JournalUnavailableError('The journal is closed', reason, undefined));
    }
    if (entries.length === 0) return Promise.resolve([]);
    const receivedAt = new Date().toISOString();
    let records: PreparedRecord[];
    try {
      // Serialized here, so an unserializable event fails its own append rather than a whole group.
      records = entries.map((entry) => prepareRecord(receivedAt, entry.source, entry.siteId, entry.event));
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ records, resolve, reject });
      this.flushRun ??= this.flushQueue();
    });
  }

  /**
   * Group commit: whatever queued while the previous write+fsync was in flight goes out as one
   * write and one fsync, and all of those appends resolve together.
   */
  private async flushQueue(): Promise<void> {
    while (this.queue.length > 0) {
      // No commit interleaves with a rewrite: it would write into a file about to be replaced.
      while (this.rewriting) await this.rewriting;
      const group = this.queue;
      this.queue = [];
      try {
        const committing = this.commit(group.flatMap((pending) => pending.records));
        this.committing = committing.catch(() => undefined);
        const written = await committing;
        let start = 0;
        for (const pending of group) {
          pending.resolve(written.slice(start, start + pending.records.length));
          start += pending.records.length;
        }
        this.counters.appends += group.length;
        if (this.fault) {
          this.log.info(
            `journal: storing events works again (${this.fault.failures} failed commit(s) since ${this.fault.since})`,
          );
          this.fault = undefined;
        }
        this.notifyAppended();
      } catch (cause) {
        const { reason, code } = describeWriteFailure(cause);
        if (!this.fault) this.log.error(`journal: cannot store events: ${reason}: ${errorMessage(cause)}`);
        this.fault = {
          cause: reason,
          ...(code ? { code } : {}),
          since: this.fault?.since ?? new Date().toISOString(),
          failures: (this.fault?.failures ?? 0) + 1,
        };
        const error = new JournalUnavailableError(
          `The journal could not store ${group.length} append(s): ${errorMessage(cause)}`,
          reason,
          code,
          { cause },
        );
        for (const pending of group) pending.reject(error);
      } finally {
        this.committing = undefined;
      }
    }
    this.flushRun = undefined;
  }

  private async commit(prepared: PreparedRecord[]): Promise<JournalRecord[]> {
    await this.cutUncommittedTail();
    const firstOffset = this.nextOffset;
    const encoded = encodeRecords(
      prepared.map((record) => record.tail),
      firstOffset,
    );
    const last = this.segments.at(-1);
    const continues =
      this.active !== undefined &&
      last !== undefined &&
      segmentEnd(last) === firstOffset &&
      // A group never spans segments, so one commit is one write and one fsync; a group larger than
      // segmentBytes makes an oversized segment instead.
      (last.positions.length === 0 || last.size + encoded.bytes.length <= this.segmentBytes);

    if (continues && this.active && last) {
      if (this.reserving && last.size + encoded.bytes.length > this.reserving.from) await this.reserving.done;
      try {
        writeAllSync(this.active, encoded.bytes, last.size);
        await this.active.datasync();
        this.counters.syncs++;
      } catch (error) {
        this.tailNeedsCut = true;
        await this.cutUncommittedTail().catch(() => undefined);
        throw error;
      }
      for (const position of encoded.positions) last.positions.push(last.size + position);
      last.size += encoded.bytes.length;
      this.reserveAhead();
    } else {
      await this.startSegment(firstOffset, encoded.bytes, encoded.positions);
    }

    this.nextOffset = firstOffset + prepared.length;
    this.counters.flushes++;
    return prepared.map(({ record }, i) => ({ offset: firstOffset + i, ...record }));
  }

  /** Rolls over: the new segment's header and first records go out in one write. */
  private async startSegment(firstOffset: number, records: Buffer, positions: number[]): Promise<void> {
    const file = join(this.dir, segmentFileName(firstOffset));
    const handle = await open(file, 'w', 0o600);
    try {
      await writeAt(handle, Buffer.concat([encodeSegmentHeader(firstOffset), records]), 0);
      await handle.datasync();
      this.counters.syncs++;
      await syncDirectory(this.dir);
      this.counters.syncs++;
    } catch (error) {
      await handle.close().catch(() => undefined);
      // Never confirmed: if this unlink fails too, recovery treats the file as a torn tail.
      await unlink(file).catch(() => undefined);
      throw error;
    }
    const previous = this.active;
    const finished = this.segments.at(-1);
    // Commits wait for their segment's refill only; one on the old file must not outlive it.
    await this.reserving?.done;
    this.active = handle;
    this.segments.push({
      firstOffset,
      file,
      positions: positions.map((position) => SEGMENT_HEADER_BYTES + position),
      size: SEGMENT_HEADER_BYTES + records.length,
    });
    this.reservedEnd = SEGMENT_HEADER_BYTES + records.length;
    this.reserveAhead();
    try {
      // A finished segment keeps only its records; its unused reserve goes back to the disk.
      if (previous && finished) await previous.truncate(finished.size);
      await previous?.close();
    } catch (error) {
      this.log.warn(`journal: trimming or closing a finished segment failed: ${errorMessage(error)}`);
    }
  }

  /**
   * Keeps zero-filled, synced space ahead of the active segment's records, in the background. A
   * failed refill only costs speed: commits then extend the file as before.
   */
  private reserveAhead(): void {
    const last = this.segments.at(-1);
    const active = this.active;
    if (this.reserving || this.rewriting || this.closing || !active || !last) return;
    if (this.reservedEnd - last.size >= RESERVE_LOW_WATER_BYTES || Date.now() < this.reserveRetryAt) return;
    const from = Math.max(this.reservedEnd, last.size);
    const to = Math.min(from + RESERVE_CHUNK_BYTES, this.segmentBytes);
    if (to <= from) return;
    const reserving = {
      from,
      done: (async () => {
        try {
          await writeAt(active, zeroChunk().subarray(0, to - from), from);
          await active.datasync();
          // Only if no cut or rollover replaced the file meanwhile.
          if (this.active === active && this.segments.at(-1) === last) this.reservedEnd = to;
        } catch (error) {
          this.reserveRetryAt = Date.now() + RESERVE_RETRY_MS;
          this.log.warn(
            `journal: reserving space ahead of the records failed (appends go on, a little slower): ${errorMessage(error)}`,
          );
        } finally {
          this.reserving = undefined;
        }
      })(),
    };
    this.reserving = reserving;
  }

  /** After a failed write, bytes past the committed end must go before anything else is written. */
  private async cutUncommittedTail(): Promise<void> {
    const last = this.segments.at(-1);
    if (!this.tailNeedsCut || !this.active || !last) return;
    await this.reserving?.done;
    // Past the committed end, only zeros may remain: the refused bytes and the reserve both go.
    await this.active.truncate(last.size);
    await this.active.datasync();
    this.reservedEnd = last.size;
    this.tailNeedsCut = false;
  }

  private notifyAppended(): void {
    const lastOffset = this.nextOffset - 1;
    for (const listener of [...this.listeners]) {
      try {
        listener.notify(lastOffset);
      } catch (error) {
        this.log.error(`journal: an append listener failed: ${errorMessage(error)}`);
      }
    }
  }

  onAppend(notify: (lastOffset: number) => void): () => void {
    const listener = { notify };
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  async read(fromOffset: number, limit: number): Promise<JournalReadResult> {
    if (this.closing) throw new Error('The journal is closed');
    if (!Number.isFinite(fromOffset) || !Number.isFinite(limit)) {
      throw new TypeError(`Not a journal position: fromOffset ${fromOffset}, limit ${limit}`);
    }
    const from = Math.max(0, Math.floor(fromOffset));
    const pageSize = Math.max(0, Math.min(Math.floor(limit), MAX_READ_RECORDS));
    while (this.rewriting) await this.rewriting;
    const reading = this.readWithRetry(from, pageSize);
    const settled = reading.catch(() => undefined);
    this.reading.add(settled);
    try {
      return await reading;
    } finally {
      this.reading.delete(settled);
    }
  }

  private async readWithRetry(from: number, pageSize: number): Promise<JournalReadResult> {
    // Retention may delete a segment between planning a read and opening its file; plan again.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.readPage(from, pageSize);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 3) throw error;
      }
    }
  }

  /**
   * Erasure: every record `matches` picks becomes a redaction record at the same offset, in every
   * segment, the active one included. Each changed file is replaced atomically (temp file, fsync,
   * rename, fsync of the folder); commits, reads, acks and retention wait until it is done, and the
   * offset index is rebuilt for each rewritten file.
   */
  redact(
    matches: (record: JournalRecord) => boolean,
    within?: readonly number[],
    /** The identifiers as text, to find them in quarantined bytes that no longer parse as records. */
    needles: readonly string[] = [],
  ): Promise<RedactionReport> {
    if (this.closing) return Promise.reject(new Error('The journal is closed'));
    return this.whenHousekeeping(async () => {
      let release = (): void => undefined;
      this.rewriting = new Promise<void>((resolve) => {
        release = resolve;
      });
      try {
        await this.committing;
        await Promise.all([...this.reading]);
        await this.reserving?.done;
        await removeRewriteLeftovers(this.dir);
        const report: RedactionReport = { records: 0, segments: 0 };
        const holds = (segment: Segment) =>
          within === undefined ||
          within.some((offset) => offset >= segment.firstOffset && offset < segmentEnd(segment));
        for (const segment of this.segments.filter(holds)) {
          const isActive = segment === this.segments.at(-1) && this.active !== undefined;
          const bytes = await readAt(segment.file, 0, segment.size);
          let rewritten: ReturnType<typeof redactSegmentBytes>;
          try {
            rewritten = redactSegmentBytes(bytes, matches);
          } catch (error) {
            throw new JournalDamagedError(
              `Journal segment ${segment.file} cannot be redacted: ${errorMessage(error)}`,
            );
          }
          if (!rewritten) continue;
          // The active file is replaced under its open handle: close it, and reopen the new file.
          if (isActive) {
            await this.active?.close();
            this.active = undefined;
          }
          await replaceFileDurably(segment.file, rewritten.bytes);
          segment.positions = rewritten.positions;
          segment.size = rewritten.bytes.length;
          if (isActive) {
            this.active = await open(segment.file, 'r+');
            this.reservedEnd = segment.size;
            this.tailNeedsCut = false;
          }
          report.records += rewritten.redacted;
          report.segments += 1;
        }
        // The archive holds older copies of the same records: rewritten the same way.
        const inArchive = (archive: ArchivedSegment) =>
          within === undefined ||
          within.some((offset) => offset >= archive.firstOffset && offset < archiveEnd(archive));
        for (const archive of this.archives.filter(inArchive)) {
          let redacted = 0;
          const changed = await rewriteArchivedSegment(archive.file, (record) => {
            if (!matches(record)) return record;
            redacted++;
            return redactionOf(record, matches);
          });
          if (!changed) continue;
          this.archiveReader.forget();
          report.records += redacted;
          report.segments += 1;
        }
        await eraseFromQuarantine(this.dir, needles, this.log);
        return report;
      } finally {
        this.rewriting = undefined;
        release();
        this.reserveAhead();
      }
    });
  }

  private async readPage(fromOffset: number, limit: number): Promise<JournalReadResult> {
    // Archives first: a segment is indexed as archived before it leaves `segments`, so a read
    // planned during a compaction finds its records in one list or the other.
    const archives = [...this.archives];
    const segments = [...this.segments];
    const committedEnd = this.nextOffset;
    const records: JournalRecord[] = [];
    let nextOffset = fromOffset;
    let bytesRead = 0;
    const liveStart = segments[0]?.firstOffset ?? committedEnd;
    if (archives.length > 0 && fromOffset < liveStart && limit > 0) {
      const page = await this.archiveReader.read(archives, fromOffset, limit, MAX_READ_BYTES);
      records.push(...page.records);
      nextOffset = page.nextOffset;
      bytesRead = page.bytes;
      // A page the archive filled, or its byte budget cut short, ends there.
      const last = archives.at(-1);
      if (records.length >= limit || (last && nextOffset < archiveEnd(last))) {
        return { records, nextOffset, lastOffset: this.nextOffset - 1, ackedOffset: this.ackedOffset };
      }
    }
    for (let i = firstSegmentEndingAfter(segments, fromOffset); i < segments.length; i++) {
      const segment = segments[i];
      const remaining = limit - records.length;
      if (!segment || remaining <= 0) break;
      const startIndex = Math.max(0, nextOffset - segment.firstOffset);
      let endIndex = Math.min(segment.positions.length, startIndex + remaining);
      if (startIndex >= endIndex) continue;
      const frameStart = (index: number) => segment.positions[index] ?? segment.size;
      const start = frameStart(startIndex);
      endIndex = lastIndexWithin(
        startIndex,
        endIndex,
        frameStart,
        start + MAX_READ_BYTES - bytesRead,
        records.length,
      );
      if (endIndex === startIndex) break;

      const bytes = await readAt(segment.file, start, frameStart(endIndex) - start);
      for (let index = startIndex; index < endIndex; index++) {
        const offset = segment.firstOffset + index;
        const frame = decodeFrame(bytes, frameStart(index) - start, offset);
        if (!frame.ok) {
          throw new JournalDamagedError(
            `Journal segment ${segment.file} is damaged at offset ${offset}: ${frame.reason}`,
          );
        }
        records.push(frame.record);
      }
      bytesRead += bytes.length;
      nextOffset = segment.firstOffset + endIndex;
      if (endIndex < segment.positions.length) break;
    }
    // Nothing at or after fromOffset below the committed end means those offsets are gone.
    if (records.length === 0 && limit > 0) nextOffset = Math.max(fromOffset, committedEnd);
    return { records, nextOffset, lastOffset: this.nextOffset - 1, ackedOffset: this.ackedOffset };
  }

  ack(offset: number): Promise<number> {
    if (this.closing) return Promise.reject(new Error('The journal is closed'));
    if (!Number.isSafeInteger(offset)) return Promise.reject(new TypeError(`Not an offset: ${offset}`));
    return this.whenHousekeeping(async () => {
      // The store cannot have applied what it was never given: clamp to the last committed record.
      const target = Math.min(offset, this.nextOffset - 1);
      if (target <= this.ackedOffset) return this.ackedOffset;
      await saveAckedOffset(this.dir, target);
      this.ackedOffset = target;
      await this.applyRetention();
      return target;
    });
  }

  /**
   * Archives the oldest segments while they are fully acked, old enough, and not the last one;
   * then deletes archives past the user's expiry, if one is set. Nothing else ever deletes events.
   */
  private async applyRetention(): Promise<void> {
    const hours = this.retentionHours();
    if (!Number.isFinite(hours) || hours < 0) return;
    const cutoff = Date.now() - hours * HOUR_MS;
    try {
      // Only the oldest go, so the kept segments stay one contiguous run of offsets.
      while (this.segments.length > 1) {
        const oldest = this.segments[0];
        if (!oldest || segmentEnd(oldest) - 1 > this.ackedOffset) break;
        const { mtimeMs } = await stat(oldest.file);
        if (mtimeMs > cutoff) break;
        const archived = await compactSegment(this.dir, oldest);
        this.archives.push(archived);
        this.segments.shift();
        await unlink(oldest.file);
        await syncDirectory(this.dir);
      }
    } catch (error) {
      this.log.warn(`journal: retention stopped: ${errorMessage(error)}`);
    }
    await this.expireArchives();
  }

  private async expireArchives(): Promise<void> {
    const days = this.archiveExpiryDays();
    if (days === null || !Number.isFinite(days) || days <= 0) return;
    try {
      const expired = await expireArchives(this.archives, Date.now() - days * DAY_MS, this.dir);
      if (expired.length === 0) return;
      this.archiveReader.forget();
      const newest = expired[expired.length - 1];
      const end = newest ? archiveEnd(newest) : 0;
      this.log.info(
        `journal: deleted archived events ${expired[0]?.firstOffset}–${end - 1} (older than ${days} days, as set)`,
      );
    } catch (error) {
      this.log.warn(`journal: archive expiry stopped: ${errorMessage(error)}`);
    }
  }

  private whenHousekeeping<T>(task: () => Promise<T>): Promise<T> {
    const run = this.housekeeping.then(task);
    this.housekeeping = run.catch(() => undefined);
    return run;
  }

  stats(): JournalStats {
    return {
      bytes: this.segments.reduce((sum, segment) => sum + segment.size, 0),
      segments: this.segments.length,
      lastOffset: this.nextOffset - 1,
      ackedOffset: this.ackedOffset,
    };
  }

  async contents(): Promise<JournalContents> {
    const archives = this.archives;
    const first = archives[0]?.firstOffset ?? this.segments[0]?.firstOffset;
    const oldest = first === undefined ? undefined : (await this.read(first, 1)).records[0];
    const archivedRecords = archives.reduce((sum, archive) => sum + archive.records, 0);
    const liveRecords = this.segments.reduce((sum, segment) => sum + segment.positions.length, 0);
    return {
      records: archivedRecords + liveRecords,
      firstOffset: oldest?.offset ?? -1,
      lastOffset: this.nextOffset - 1,
      oldestReceivedAt: oldest?.receivedAt ?? null,
      segmentBytes: this.segments.reduce((sum, segment) => sum + segment.size, 0),
      segments: this.segments.length,
      archiveBytes: archives.reduce((sum, archive) => sum + archive.bytes, 0),
      archivedSegments: archives.length,
      archiveExpiryDays: this.archiveExpiryDays(),
    };
  }

  commitStats(): CommitStats {
    return { ...this.counters };
  }

  health(): JournalHealth {
    return { ...(this.fault ? { fault: { ...this.fault } } : {}), damage: [...this.damage] };
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.flushRun;
      await this.reserving?.done;
      await this.housekeeping;
      await this.active?.close();
      this.active = undefined;
    })();
    return this.closing;
  }
}

/** Deletes the temp files of segment rewrites (`<segment>.<pid>.tmp`): never the journal's truth. */
async function removeRewriteLeftovers(dir: string): Promise<void> {
  const leftovers = (await readdir(dir)).filter((name) => /\.seg\.\d+\.tmp$/.test(name));
  for (const name of leftovers) await unlink(join(dir, name));
  if (leftovers.length > 0) await syncDirectory(dir);
}

/** Index of the first segment holding an offset >= `offset` (segments.length if none). */
function firstSegmentEndingAfter(segments: readonly Segment[], offset: number): number {
  let low = 0;
  let high = segments.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const segment = segments[middle];
    if (segment && segmentEnd(segment) <= offset) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * The largest end index in (startIndex, endIndex] whose frames end by `byteLimit`; a page's first
 * record is always taken, however large, so reads make progress.
 */
function lastIndexWithin(
  startIndex: number,
  endIndex: number,
  frameStart: (index: number) => number,
  byteLimit: number,
  recordsSoFar: number,
): number {
  if (frameStart(endIndex) <= byteLimit) return endIndex;
  let low = startIndex;
  let high = endIndex - 1;
  while (low < high) {
    const middle = (low + high + 1) >>> 1;
    if (frameStart(middle) <= byteLimit) low = middle;
    else high = middle - 1;
  }
  return low === startIndex && recordsSoFar === 0 ? startIndex + 1 : low;
}

/** Copies all of `bytes` into the file at `position` (the page cache; no fsync). */
function writeAllSync(handle: FileHandle, bytes: Buffer, position: number): void {
  let written = 0;
  while (written < bytes.length) {
    const count = writeSync(handle.fd, bytes, written, bytes.length - written, position + written);
    if (count === 0) throw new Error('the file system accepted no bytes');
    written += count;
  }
}

let zeros: Buffer | undefined;
/** One shared, never-written buffer of zeros for refilling the reserve. */
function zeroChunk(): Buffer {
  zeros ??= Buffer.alloc(RESERVE_CHUNK_BYTES);
  return zeros;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
