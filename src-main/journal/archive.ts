// The journal's archive: retention compacts a finished, fully acknowledged segment into one gzip
// file (`archive/<first offset>.seg.gz`, the segment's exact bytes), so a rebuild can still read
// every event; archives go only when the user's expiry setting says so. Format: README.md here.
import { mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip as gunzipCallback, gzip as gzipCallback } from 'node:zlib';
import type { JournalRecord } from '../shared/events';
import type { Logger } from '../util/log';
import { readAt, syncDirectory, writeAt } from './disk';
import {
  checkSegmentHeader,
  decodeFrame,
  encodeRecords,
  encodeSegmentHeader,
  FRAME_HEADER_BYTES,
  SEGMENT_HEADER_BYTES,
  segmentFileName,
  segmentFirstOffset,
} from './format';
import type { Segment } from './recovery';

// The thread-pool versions: compressing a 16 MiB segment must not hold up the collector.
const gzip = promisify(gzipCallback);
const gunzip = promisify(gunzipCallback);

export const ARCHIVE_DIR = 'archive';
const ARCHIVE_SUFFIX = '.gz';
const TMP_SUFFIX = '.tmp';

/** One archived segment, as the journal indexes it. */
export interface ArchivedSegment {
  firstOffset: number;
  file: string;
  /** Compressed size on disk. */
  bytes: number;
  /**
   * Records it holds. Exact for archives made or read by this process; for the others it is taken
   * from where the next archive or segment starts (offsets are contiguous unless files went missing).
   */
  records: number;
  /** The segment's last write: an archive's age for expiry, carried over from the segment. */
  mtimeMs: number;
}

export function archiveFileName(firstOffset: number): string {
  return `${segmentFileName(firstOffset)}${ARCHIVE_SUFFIX}`;
}

export function archiveEnd(archive: ArchivedSegment): number {
  return archive.firstOffset + archive.records;
}

export class ArchiveDamagedError extends Error {
  override name = 'ArchiveDamagedError';
}

/**
 * Indexes `<journalDir>/archive` at open and finishes what a crash interrupted: a temp file is an
 * archive never renamed into place (deleted); a segment whose archive exists was archived but not
 * yet unlinked (the archive is complete, as it was renamed only after its fsync: the segment goes).
 */
export async function openArchive(journalDir: string, log: Logger): Promise<ArchivedSegment[]> {
  const dir = join(journalDir, ARCHIVE_DIR);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const archives: ArchivedSegment[] = [];
  let tidied = false;
  for (const name of names) {
    const file = join(dir, name);
    if (name.endsWith(TMP_SUFFIX)) {
      await unlink(file);
      tidied = true;
      continue;
    }
    const firstOffset = name.endsWith(ARCHIVE_SUFFIX)
      ? segmentFirstOffset(name.slice(0, -ARCHIVE_SUFFIX.length))
      : undefined;
    if (firstOffset === undefined) continue;
    const info = await stat(file);
    archives.push({ firstOffset, file, bytes: info.size, records: 0, mtimeMs: info.mtimeMs });
  }
  if (tidied) await syncDirectory(dir);
  archives.sort((a, b) => a.firstOffset - b.firstOffset);

  let unlinked = false;
  for (const archive of archives) {
    const twin = join(journalDir, segmentFileName(archive.firstOffset));
    try {
      await unlink(twin);
      unlinked = true;
      log.info(`journal: finished archiving ${segmentFileName(archive.firstOffset)} (interrupted by a stop)`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  if (unlinked) await syncDirectory(journalDir);

  for (const [index, archive] of archives.entries()) {
    const next = archives[index + 1];
    // Only the newest needs reading, and only when no segment follows it to say where it ends.
    archive.records = next ? next.firstOffset - archive.firstOffset : -1;
  }
  return archives;
}

/**
 * Settles the newest archive's record count: up to the first segment when there is one, otherwise
 * by reading the archive (a journal whose every segment was archived, which only a crash leaves).
 */
export async function settleNewestArchive(
  archives: ArchivedSegment[],
  liveStart: number | undefined,
  log: Logger,
): Promise<void> {
  const newest = archives.at(-1);
  if (!newest || newest.records >= 0) return;
  if (liveStart !== undefined) {
    newest.records = liveStart - newest.firstOffset;
    return;
  }
  try {
    newest.records = (await loadArchive(newest)).positions.length;
  } catch (error) {
    // A damaged archive must not keep the collector from starting; its events are not readable.
    newest.records = 0;
    log.warn(`journal: ${error instanceof Error ? error.message : String(error)}; its events are skipped`);
  }
}

/**
 * Writes the segment's records to its archive durably (temp file, fsync, rename, fsync the
 * folder), keeping the segment's modification time. The caller indexes it, then unlinks the segment.
 */
export async function compactSegment(journalDir: string, segment: Segment): Promise<ArchivedSegment> {
  const dir = join(journalDir, ARCHIVE_DIR);
  // A new folder's own entry must be durable too, or a crash could take the archive with it.
  const created = (await mkdir(dir, { recursive: true, mode: 0o700 })) !== undefined;
  const raw = await readAt(segment.file, 0, segment.size);
  const compressed = await gzip(raw);
  // Cheap insurance before the only other copy goes: the archive must give back the exact bytes.
  if (!(await gunzip(compressed)).equals(raw)) {
    throw new ArchiveDamagedError(`compressing ${segment.file} did not round-trip; the segment is kept`);
  }
  const { mtime, atime, mtimeMs } = await stat(segment.file);
  const file = join(dir, archiveFileName(segment.firstOffset));
  await writeDurably(file, compressed, atime, mtime);
  if (created) await syncDirectory(journalDir);
  return {
    firstOffset: segment.firstOffset,
    file,
    bytes: compressed.length,
    records: segment.positions.length,
    mtimeMs,
  };
}

/** Deletes the oldest archives last written before `cutoffMs`, in order; returns what went. */
export async function expireArchives(
  archives: ArchivedSegment[],
  cutoffMs: number,
  journalDir: string,
): Promise<ArchivedSegment[]> {
  const expired: ArchivedSegment[] = [];
  // Only the oldest go, so what is kept stays one contiguous run of offsets.
  for (;;) {
    const oldest = archives[0];
    if (!oldest || oldest.mtimeMs >= cutoffMs) break;
    archives.shift();
    await unlink(oldest.file);
    expired.push(oldest);
  }
  if (expired.length > 0) await syncDirectory(join(journalDir, ARCHIVE_DIR));
  return expired;
}

/** An archive decompressed: the segment's bytes and where each record starts. */
interface LoadedArchive {
  bytes: Buffer;
  positions: number[];
  /** The file's identity when read: a rewrite (a new file renamed over it) changes it. */
  ino: number;
  size: number;
}

async function loadArchive(archive: ArchivedSegment): Promise<LoadedArchive> {
  const info = await stat(archive.file);
  const compressed = await readFile(archive.file);
  let bytes: Buffer;
  try {
    bytes = await gunzip(compressed);
  } catch (error) {
    throw new ArchiveDamagedError(
      `Journal archive ${archive.file} cannot be decompressed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const header = checkSegmentHeader(bytes, archive.firstOffset);
  if (!header.ok)
    throw new ArchiveDamagedError(`Journal archive ${archive.file} is damaged: ${header.reason}`);
  // Lengths only: each record's checksum is checked when it is read.
  const positions: number[] = [];
  let position = SEGMENT_HEADER_BYTES;
  while (position + FRAME_HEADER_BYTES <= bytes.length) {
    const length = bytes.readUInt32LE(position);
    if (length === 0) break;
    positions.push(position);
    position += FRAME_HEADER_BYTES + length;
  }
  if (position > bytes.length) {
    throw new ArchiveDamagedError(`Journal archive ${archive.file} ends inside its last record`);
  }
  return { bytes, positions, ino: info.ino, size: info.size };
}

export interface ArchivePage {
  records: JournalRecord[];
  /** The offset after the last record returned (fromOffset itself when nothing was). */
  nextOffset: number;
  /** Decoded payload bytes, for the reader's page budget. */
  bytes: number;
}

/**
 * Reads archived records with offset ≥ fromOffset. It keeps the one archive being read
 * decompressed, so a rebuild paging through it 500 records at a time decompresses it once.
 */
export class ArchiveReader {
  private cached: { file: string; loaded: LoadedArchive } | undefined;

  async read(
    archives: readonly ArchivedSegment[],
    fromOffset: number,
    limit: number,
    byteBudget: number,
  ): Promise<ArchivePage> {
    const records: JournalRecord[] = [];
    let nextOffset = fromOffset;
    let bytes = 0;
    for (let i = firstArchiveEndingAfter(archives, fromOffset); i < archives.length; i++) {
      const archive = archives[i];
      if (!archive || records.length >= limit) break;
      const loaded = await this.load(archive);
      // The exact count is known now; an estimate from the neighbours is replaced by it.
      archive.records = loaded.positions.length;
      const startIndex = Math.max(0, nextOffset - archive.firstOffset);
      let index = startIndex;
      for (; index < loaded.positions.length && records.length < limit; index++) {
        const position = loaded.positions[index] ?? 0;
        const end = loaded.positions[index + 1] ?? loaded.bytes.length;
        // A page's first record is always taken, however large, so reads make progress.
        if (records.length > 0 && bytes + (end - position) > byteBudget) break;
        const offset = archive.firstOffset + index;
        const frame = decodeFrame(loaded.bytes, position, offset);
        if (!frame.ok) {
          throw new ArchiveDamagedError(
            `Journal archive ${archive.file} is damaged at offset ${offset}: ${frame.reason}`,
          );
        }
        records.push(frame.record);
        bytes += end - position;
      }
      if (index > startIndex) nextOffset = archive.firstOffset + index;
      if (index < loaded.positions.length) break;
      nextOffset = Math.max(nextOffset, archiveEnd(archive));
    }
    return { records, nextOffset, bytes };
  }

  /** Drops the decompressed copy (after expiry or an erasure, so deleted data does not linger in memory). */
  forget(): void {
    this.cached = undefined;
  }

  private async load(archive: ArchivedSegment): Promise<LoadedArchive> {
    const cached = this.cached;
    if (cached && cached.file === archive.file) {
      const info = await stat(archive.file);
      if (info.ino === cached.loaded.ino && info.size === cached.loaded.size) return cached.loaded;
    }
    const loaded = await loadArchive(archive);
    this.cached = { file: archive.file, loaded };
    return loaded;
  }
}

/** Index of the first archive holding an offset ≥ `offset` (archives.length if none). */
function firstArchiveEndingAfter(archives: readonly ArchivedSegment[], offset: number): number {
  let low = 0;
  let high = archives.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const archive = archives[middle];
    if (archive && archiveEnd(archive) <= offset) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** One archived segment's records, oldest first, for a tool that must look at every copy. */
export interface ArchivedRecords {
  firstOffset: number;
  file: string;
  records: JournalRecord[];
}

/** Every archived segment in `<journalDir>/archive`, oldest first, one decompressed at a time. */
export async function* archivedSegments(journalDir: string): AsyncGenerator<ArchivedRecords> {
  const dir = join(journalDir, ARCHIVE_DIR);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const offsets = names
    .map((name) =>
      name.endsWith(ARCHIVE_SUFFIX) ? segmentFirstOffset(name.slice(0, -ARCHIVE_SUFFIX.length)) : undefined,
    )
    .filter((offset): offset is number => offset !== undefined)
    .sort((a, b) => a - b);
  for (const firstOffset of offsets) {
    const file = join(dir, archiveFileName(firstOffset));
    const loaded = await loadArchive({ firstOffset, file, bytes: 0, records: 0, mtimeMs: 0 });
    const records = loaded.positions.map((position, index) => {
      const frame = decodeFrame(loaded.bytes, position, firstOffset + index);
      if (!frame.ok)
        throw new ArchiveDamagedError(
          `Journal archive ${file} is damaged at offset ${firstOffset + index}: ${frame.reason}`,
        );
      return frame.record;
    });
    yield { firstOffset, file, records };
  }
}

/**
 * Rewrites one archived segment through `transform` (e.g. redacting an erased person), atomically:
 * readers see the old file or the new one. Each record keeps its offset, so acks and the store's
 * applied offset stay valid; the modification time is kept, so expiry still counts from the
 * original write. Returns false (and writes nothing) when no record changed.
 */
export async function rewriteArchivedSegment(
  file: string,
  transform: (record: JournalRecord) => JournalRecord,
): Promise<boolean> {
  const name = basename(file);
  const firstOffset = name.endsWith(ARCHIVE_SUFFIX)
    ? segmentFirstOffset(name.slice(0, -ARCHIVE_SUFFIX.length))
    : undefined;
  if (firstOffset === undefined) throw new TypeError(`Not a journal archive: ${file}`);
  const loaded = await loadArchive({ firstOffset, file, bytes: 0, records: 0, mtimeMs: 0 });
  let changed = false;
  const tails = loaded.positions.map((position, index) => {
    const offset = firstOffset + index;
    const frame = decodeFrame(loaded.bytes, position, offset);
    if (!frame.ok)
      throw new ArchiveDamagedError(
        `Journal archive ${file} is damaged at offset ${offset}: ${frame.reason}`,
      );
    const next = transform(frame.record);
    if (next.offset !== offset) throw new RangeError(`A rewritten record must keep its offset ${offset}`);
    const { offset: _offset, ...rest } = next;
    const tail = JSON.stringify(rest).slice(1);
    if (JSON.stringify(next) !== JSON.stringify(frame.record)) changed = true;
    return tail;
  });
  if (!changed) return false;
  const encoded = encodeRecords(tails, firstOffset);
  const compressed = await gzip(Buffer.concat([encodeSegmentHeader(firstOffset), encoded.bytes]));
  const { atime, mtime } = await stat(file);
  await writeDurably(file, compressed, atime, mtime);
  return true;
}

/** Temp file, fsync, rename over `file`, fsync the folder: the file is the old one or the new one. */
async function writeDurably(file: string, bytes: Buffer, atime: Date, mtime: Date): Promise<void> {
  const tmp = `${file}${TMP_SUFFIX}`;
  const handle = await open(tmp, 'w', 0o600);
  try {
    await writeAt(handle, bytes, 0);
    // The age travels with the events: expiry counts from the segment's last write, not from today.
    await handle.utimes(atime, mtime);
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw error;
  }
  await handle.close();
  await rename(tmp, file);
  await syncDirectory(dirname(file));
}
