// Rebuilds the offset index at open by scanning every segment. A torn write at the end of the last
// segment is cut; damage anywhere else costs only the damaged records: the intact ones after it are
// kept, the damaged bytes go to quarantine/ with a report, and the journal opens regardless.
import { mkdir, open, readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { JournalDamageReport } from '../shared/collector';
import type { Logger } from '../util/log';
import { replaceFileDurably, syncDirectory } from './disk';
import {
  checkSegmentHeader,
  decodeFrameAt,
  encodeSegmentHeader,
  FRAME_HEADER_BYTES,
  MAX_RECORD_BYTES,
  SEGMENT_HEADER_BYTES,
  segmentFileName,
  segmentFirstOffset,
} from './format';

/** One segment file and the in-memory index of its committed records. */
export interface Segment {
  firstOffset: number;
  file: string;
  /** Byte position of each frame: the record with offset `firstOffset + i` starts at `positions[i]`. */
  positions: number[];
  /** Bytes of the header and the committed records; anything past it is not part of the journal. */
  size: number;
}

/** The offset after the segment's last record. */
export function segmentEnd(segment: Segment): number {
  return segment.firstOffset + segment.positions.length;
}

export class JournalDamagedError extends Error {
  override name = 'JournalDamagedError';
}

export interface Recovered {
  /** Oldest first; within each, offsets are consecutive. A gap between two is lost or retained-away. */
  segments: Segment[];
  /** Every damage report kept in quarantine/, this open's and earlier ones, oldest first. */
  damage: JournalDamageReport[];
  /** New appends start at or after this, so no offset a damaged file may have confirmed is reused. */
  minNextOffset: number;
}

/** Where damaged bytes and their reports are kept, inside the journal folder. */
export const QUARANTINE_DIR = 'quarantine';

/**
 * The smallest frame a record can make: its header and `{"offset":0,"receivedAt":"","source":"",
 * "event":{}}`. Bounds how many records a damaged run of bytes can have held.
 */
const MIN_FRAME_BYTES = FRAME_HEADER_BYTES + 51;

interface Frame {
  offset: number;
  start: number;
  end: number;
}

/** A damaged byte range [from, to) in a segment, and what the scan found after it. */
interface BadRange {
  from: number;
  to: number;
  reason: string;
  /** The first offset that should have been in it. */
  expected: number;
  /** The offset of the intact record after it; undefined when none follows in this file. */
  resumesAt: number | undefined;
}

/** Consecutive intact records that become one segment file. */
interface Run {
  frames: Frame[];
}

export async function recoverSegments(dir: string, ackedOffset: number, log: Logger): Promise<Recovered> {
  const quarantineDir = join(dir, QUARANTINE_DIR);
  const damage = await loadDamageReports(quarantineDir, log);
  const found = (await readdir(dir))
    .map((name) => ({ name, firstOffset: segmentFirstOffset(name) }))
    .filter((entry): entry is { name: string; firstOffset: number } => entry.firstOffset !== undefined)
    .sort((a, b) => a.firstOffset - b.firstOffset);

  const segments: Segment[] = [];
  const pendingHoles: { from: number; to: number; before: number }[] = [];
  let minNextOffset = 0;
  const report = async (entry: JournalDamageReport, bytes: Buffer | undefined, reportName: string) => {
    await mkdir(quarantineDir, { recursive: true, mode: 0o700 });
    const quarantineName = bytes ? `${reportName}.bin` : undefined;
    if (bytes && quarantineName) await replaceFileDurably(join(quarantineDir, quarantineName), bytes);
    const stored: StoredReport = { ...entry, ...(quarantineName ? { quarantineFile: quarantineName } : {}) };
    await replaceFileDurably(
      join(quarantineDir, `${reportName}.json`),
      `${JSON.stringify(stored, null, 2)}\n`,
    );
    await syncDirectory(dir);
    const full = withQuarantinePath(stored, quarantineDir);
    // Recovery redone after a crash finds the same damage again: one report, the newest.
    const same = damage.findIndex((r) => r.segment === full.segment && r.bytes?.from === full.bytes?.from);
    if (same >= 0) damage.splice(same, 1);
    damage.push(full);
    log.warn(`journal: ${describeDamage(full)}`);
  };

  for (const [index, { name, firstOffset }] of found.entries()) {
    const file = join(dir, name);
    const isLast = index === found.length - 1;
    // Records at or past the next segment's first offset cannot belong here.
    const limit = found[index + 1]?.firstOffset ?? Number.POSITIVE_INFINITY;
    const bytes = await readFile(file);
    const base = name.replace(/\.seg$/, '');
    const acked = (from: number, to: number) => Math.max(0, Math.min(to, ackedOffset) - from + 1);

    const header = checkSegmentHeader(bytes, firstOffset);
    if (!header.ok && header.torn && isLast) {
      // A crash while creating the segment: its first write was never confirmed to anyone.
      await unlink(file);
      await syncDirectory(dir);
      log.warn(
        `journal: removed ${name} (${bytes.length} bytes cut): ${header.reason}, left by an interrupted write`,
      );
      continue;
    }

    const bad: BadRange[] = [];
    if (!header.ok) {
      bad.push({
        from: 0,
        to: Math.min(SEGMENT_HEADER_BYTES, bytes.length),
        reason: `damaged segment header (${header.reason})`,
        expected: firstOffset,
        resumesAt: firstOffset,
      });
    }
    const scan = scanFrames(bytes, firstOffset, limit);
    for (const range of scan.bad) {
      const before = bad.at(-1);
      // A damaged header followed at once by damaged frames is one piece of damage, one report.
      if (before && before.to === range.from) {
        bad[bad.length - 1] = {
          ...range,
          from: before.from,
          reason: `${before.reason}, then ${range.reason}`,
        };
      } else bad.push(range);
    }

    // Only the last segment can end in a torn write: an unfinished range with nothing intact after.
    const tail = bad.at(-1);
    const torn =
      isLast && tail !== undefined && tail.resumesAt === undefined && (header.ok || scan.frames.length > 0);
    const damaged = torn ? bad.slice(0, -1) : bad;

    const previous = segments.at(-1);
    const expectedStart = previous ? segmentEnd(previous) : firstOffset;
    // Offsets an older segment already holds: keep the first copy, set the overlapping one aside.
    let frames = scan.frames;
    if (previous && firstOffset < expectedStart) {
      const overlapping = frames.filter((frame) => frame.offset < expectedStart);
      const lastOverlap = overlapping.at(-1);
      if (lastOverlap) {
        damaged.push({
          from: SEGMENT_HEADER_BYTES,
          to: lastOverlap.end,
          reason: `offsets ${firstOffset}–${lastOverlap.offset} overlap the previous segment, which keeps its copy`,
          expected: lastOverlap.offset + 1,
          resumesAt: lastOverlap.offset + 1,
        });
        frames = frames.filter((frame) => frame.offset >= expectedStart);
      }
    }

    if (damaged.length === 0) {
      const size = scan.frames.at(-1)?.end ?? SEGMENT_HEADER_BYTES;
      if (torn && tail) {
        await cutTornTail(file, tail.from);
        log.warn(
          `journal: cut ${bytes.length - tail.from} bytes from the end of ${name} (${tail.reason} at byte ${tail.from}, ` +
            `record offset ${tail.expected}), left by an interrupted write that was never confirmed; ` +
            `kept ${scan.frames.length} records`,
        );
      }
      checkHole(previous, firstOffset);
      segments.push({ firstOffset, file, positions: scan.frames.map((f) => f.start), size });
      continue;
    }

    // Nothing decodable in the newest file: its records' offsets may have been confirmed, so new
    // ones start past the most the file could have held, and those count as lost.
    const unreadableNewest = frames.length === 0 && isLast;
    const mostHeld =
      firstOffset + Math.ceil(Math.max(0, bytes.length - SEGMENT_HEADER_BYTES) / MIN_FRAME_BYTES);
    if (unreadableNewest) minNextOffset = Math.max(minNextOffset, mostHeld);
    const end = Number.isFinite(limit) ? limit : unreadableNewest ? mostHeld : undefined;

    // Quarantine first, so the damaged bytes are safe before any segment file changes.
    for (const range of damaged) {
      const lostTo = (range.resumesAt ?? end ?? range.expected) - 1;
      const lost = lostTo >= range.expected ? { from: range.expected, to: lostTo } : undefined;
      await report(
        {
          detectedAt: new Date().toISOString(),
          segment: name,
          reason: range.reason,
          bytes: { from: range.from, to: range.to },
          ...(lost ? { lostOffsets: lost } : {}),
          lostButApplied: lost ? acked(lost.from, lost.to) : 0,
        },
        bytes.subarray(range.from, range.to),
        `${base}-${range.from}`,
      );
    }

    // Each run of consecutive intact records becomes its own segment file (a gap between segments
    // is allowed; within one, offsets stay consecutive). New files first, the damaged one last.
    const runs = splitRuns(frames);
    const rewritten: Segment[] = [];
    for (const run of [...runs].reverse()) {
      const first = run.frames[0];
      const last = run.frames.at(-1);
      if (!first || !last) continue;
      const runFile = join(dir, segmentFileName(first.offset));
      const body = bytes.subarray(first.start, last.end);
      await replaceFileDurably(runFile, Buffer.concat([encodeSegmentHeader(first.offset), body]));
      rewritten.unshift({
        firstOffset: first.offset,
        file: runFile,
        positions: run.frames.map((frame) => SEGMENT_HEADER_BYTES + frame.start - first.start),
        size: SEGMENT_HEADER_BYTES + body.length,
      });
    }
    if (!rewritten.some((segment) => segment.file === file)) {
      await unlink(file);
      await syncDirectory(dir);
    }
    log.warn(
      `journal: rewrote ${name} without its damaged bytes into ${rewritten.length} segment file(s)` +
        (torn && tail ? `; also cut a torn write of ${bytes.length - tail.from} bytes from its end` : ''),
    );
    const firstKept = rewritten[0];
    if (firstKept) checkHole(previous, firstKept.firstOffset);
    segments.push(...rewritten);
  }

  /** A hole the store never acknowledged and no report explains means files went missing. */
  function checkHole(previous: Segment | undefined, firstOffset: number): void {
    if (!previous) return;
    const from = segmentEnd(previous);
    const to = firstOffset - 1;
    if (to < from || to <= ackedOffset) return;
    if (!explained(damage, from, to)) pendingHoles.push({ from, to, before: firstOffset });
  }
  // Holes are reported after the scan (reports are async; checkHole is called mid-loop).
  for (const hole of pendingHoles) {
    const name = segmentFileName(hole.before);
    await report(
      {
        detectedAt: new Date().toISOString(),
        segment: name,
        reason: 'the segment file holding these offsets is missing from the journal folder',
        lostOffsets: { from: hole.from, to: hole.to },
        lostButApplied: Math.max(0, Math.min(hole.to, ackedOffset) - hole.from + 1),
      },
      undefined,
      `${name.replace(/\.seg$/, '')}-missing-before`,
    );
  }
  damage.sort((a, b) => a.detectedAt.localeCompare(b.detectedAt));
  return { segments, damage, minNextOffset };
}

/**
 * Walks the frames from after the header. At a bad frame it looks ahead for the next intact record
 * whose offset fits the sequence (not below the expected one, below `limit`, and no more records
 * skipped than the damaged bytes could have held); the bytes in between are one bad range.
 */
function scanFrames(bytes: Buffer, firstOffset: number, limit: number): { frames: Frame[]; bad: BadRange[] } {
  const frames: Frame[] = [];
  const bad: BadRange[] = [];
  let expected = firstOffset;
  let position = SEGMENT_HEADER_BYTES;
  while (position < bytes.length) {
    // Zeros to the end of the file are space the writer reserved ahead of its records.
    if (bytes[position] === 0 && allZero(bytes, position)) break;
    const frame = decodeFrameAt(bytes, position);
    if (frame.ok && frame.record.offset === expected) {
      frames.push({ offset: expected, start: position, end: frame.end });
      expected++;
      position = frame.end;
      continue;
    }
    const reason = frame.ok
      ? `record has offset ${frame.record.offset} where ${expected} was expected`
      : frame.reason;
    const next = nextIntactFrame(bytes, position, expected, limit);
    if (!next) {
      bad.push({ from: position, to: bytes.length, reason, expected, resumesAt: undefined });
      break;
    }
    bad.push({ from: position, to: next.start, reason, expected, resumesAt: next.offset });
    expected = next.offset;
    position = next.start;
  }
  return { frames, bad };
}

/** Every payload starts so (the offset is always the first key), which rules out most positions. */
const PAYLOAD_START = Buffer.from('{"offset":', 'latin1');

function nextIntactFrame(bytes: Buffer, from: number, expected: number, limit: number): Frame | undefined {
  for (let start = from + 1; start + FRAME_HEADER_BYTES <= bytes.length; start++) {
    // Cheap rejections first, so random bytes never cost a checksum over megabytes each.
    const length = bytes.readUInt32LE(start);
    if (
      length < PAYLOAD_START.length ||
      length > MAX_RECORD_BYTES ||
      start + FRAME_HEADER_BYTES + length > bytes.length
    )
      continue;
    const payload = start + FRAME_HEADER_BYTES;
    if (bytes.compare(PAYLOAD_START, 0, PAYLOAD_START.length, payload, payload + PAYLOAD_START.length) !== 0)
      continue;
    const frame = decodeFrameAt(bytes, start);
    if (!frame.ok) continue;
    const offset = frame.record.offset;
    if (offset < expected || offset >= limit) continue;
    if ((offset - expected) * MIN_FRAME_BYTES > start - from) continue;
    return { offset, start, end: frame.end };
  }
  return undefined;
}

/** Splits intact frames wherever their offsets or their bytes stop being consecutive. */
function splitRuns(frames: readonly Frame[]): Run[] {
  const runs: Run[] = [];
  let current: Frame[] = [];
  for (const frame of frames) {
    const last = current.at(-1);
    if (last && (frame.offset !== last.offset + 1 || frame.start !== last.end)) {
      runs.push({ frames: current });
      current = [];
    }
    current.push(frame);
  }
  if (current.length > 0) runs.push({ frames: current });
  return runs;
}

/** True when reports already account for every offset in [from, to]. */
function explained(reports: readonly JournalDamageReport[], from: number, to: number): boolean {
  const ranges = reports
    .flatMap((report) => (report.lostOffsets ? [report.lostOffsets] : []))
    .sort((a, b) => a.from - b.from);
  let next = from;
  for (const range of ranges) {
    if (range.to < next) continue;
    if (range.from > next) break;
    next = range.to + 1;
    if (next > to) return true;
  }
  return next > to;
}

/** A report as stored in quarantine/: the bytes' file is named relative to that folder. */
type StoredReport = JournalDamageReport;

function withQuarantinePath(stored: StoredReport, quarantineDir: string): JournalDamageReport {
  return stored.quarantineFile
    ? { ...stored, quarantineFile: join(quarantineDir, stored.quarantineFile) }
    : stored;
}

async function loadDamageReports(quarantineDir: string, log: Logger): Promise<JournalDamageReport[]> {
  let names: string[];
  try {
    names = (await readdir(quarantineDir)).filter((name) => name.endsWith('.json')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const reports: JournalDamageReport[] = [];
  for (const name of names) {
    try {
      const value: unknown = JSON.parse(await readFile(join(quarantineDir, name), 'utf8'));
      if (isDamageReport(value)) reports.push(withQuarantinePath(value, quarantineDir));
      else log.warn(`journal: ignoring ${name} in ${quarantineDir}: not a damage report`);
    } catch (error) {
      log.warn(`journal: ignoring ${name} in ${quarantineDir}: ${(error as Error).message}`);
    }
  }
  return reports;
}

function isDamageReport(value: unknown): value is StoredReport {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<keyof JournalDamageReport, unknown>>;
  const range = (r: unknown) =>
    r === undefined ||
    (typeof r === 'object' &&
      r !== null &&
      Number.isSafeInteger((r as { from?: unknown }).from) &&
      Number.isSafeInteger((r as { to?: unknown }).to));
  return (
    typeof candidate.detectedAt === 'string' &&
    typeof candidate.segment === 'string' &&
    typeof candidate.reason === 'string' &&
    typeof candidate.lostButApplied === 'number' &&
    range(candidate.bytes) &&
    range(candidate.lostOffsets) &&
    (candidate.quarantineFile === undefined || typeof candidate.quarantineFile === 'string')
  );
}

/** One line for the log: where, what was lost, where the bytes went. */
export function describeDamage(report: JournalDamageReport): string {
  const lost = report.lostOffsets;
  const count = lost ? lost.to - lost.from + 1 : 0;
  const parts = [
    `damage in ${report.segment}: ${report.reason}`,
    report.bytes
      ? `bytes ${report.bytes.from}–${report.bytes.to} (${report.bytes.to - report.bytes.from} bytes)`
      : '',
    lost
      ? `${count} record(s) lost, offsets ${lost.from}–${lost.to} (${report.lostButApplied} already applied by the store)`
      : 'no record lost',
    report.quarantineFile ? `damaged bytes kept in ${report.quarantineFile}` : '',
    'the intact records around it are kept',
  ];
  return parts.filter(Boolean).join('; ');
}

/** True when every byte from `start` to the end is zero (compared a block at a time). */
function allZero(bytes: Buffer, start: number): boolean {
  const block = Buffer.alloc(Math.min(64 * 1024, bytes.length - start));
  for (let at = start; at < bytes.length; at += block.length) {
    const end = Math.min(at + block.length, bytes.length);
    if (!bytes.subarray(at, end).equals(block.subarray(0, end - at))) return false;
  }
  return true;
}

async function cutTornTail(file: string, keepBytes: number): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    await handle.truncate(keepBytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Erasure reaches quarantine too: damaged bytes that mention one of `needles` (an erased person's
 * email, phone, browser or message ids, as text) are deleted. Their report stays, without the file,
 * so the Maintenance page still says what was lost. Returns how many files went.
 */
export async function eraseFromQuarantine(
  journalDir: string,
  needles: readonly string[],
  log: Logger,
): Promise<number> {
  const wanted = needles.flatMap((needle) => {
    const text = needle.trim();
    const digits = text.replace(/\D/g, '');
    // A phone may sit in damaged bytes as typed: its digits are searched for too.
    return [text, text.toLowerCase(), ...(digits.length >= 6 && digits !== text ? [digits] : [])].filter(
      (n) => n.length >= 4,
    );
  });
  if (wanted.length === 0) return 0;
  const quarantineDir = join(journalDir, QUARANTINE_DIR);
  let names: string[];
  try {
    names = (await readdir(quarantineDir)).filter((name) => name.endsWith('.bin'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  let erased = 0;
  for (const name of names) {
    const file = join(quarantineDir, name);
    const bytes = await readFile(file);
    const text = bytes.toString('latin1');
    const lower = text.toLowerCase();
    if (!wanted.some((needle) => text.includes(needle) || lower.includes(needle))) continue;
    const reportFile = join(quarantineDir, `${name.slice(0, -'.bin'.length)}.json`);
    try {
      const value: unknown = JSON.parse(await readFile(reportFile, 'utf8'));
      if (isDamageReport(value)) {
        const { quarantineFile: _file, ...rest } = value;
        await replaceFileDurably(
          reportFile,
          `${JSON.stringify({ ...rest, erasedAt: new Date().toISOString() }, null, 2)}\n`,
        );
      }
    } catch (error) {
      log.warn(`journal: the report beside ${name} could not be updated: ${(error as Error).message}`);
    }
    await unlink(file);
    erased++;
  }
  if (erased > 0) await syncDirectory(quarantineDir);
  return erased;
}
