// Rebuilds the offset index at open by scanning every segment, cuts a torn write off the last one,
// and refuses to open over damage anywhere else, so no acknowledged event is dropped silently.
import { open, readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../util/log';
import { syncDirectory } from './disk';
import { checkSegmentHeader, decodeFrame, SEGMENT_HEADER_BYTES, segmentFirstOffset } from './format';

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

export async function recoverSegments(dir: string, ackedOffset: number, log: Logger): Promise<Segment[]> {
  const found = (await readdir(dir))
    .map((name) => ({ name, firstOffset: segmentFirstOffset(name) }))
    .filter((entry): entry is { name: string; firstOffset: number } => entry.firstOffset !== undefined)
    .sort((a, b) => a.firstOffset - b.firstOffset);

  const segments: Segment[] = [];
  for (const [index, { name, firstOffset }] of found.entries()) {
    const file = join(dir, name);
    const isLast = index === found.length - 1;
    const bytes = await readFile(file);
    const refuse = (problem: string): never => {
      throw new JournalDamagedError(
        `Journal segment ${file} is damaged: ${problem}. ` +
          `${isLast ? '' : 'Newer segments follow it, so this is not an interrupted write. '}` +
          `Stitchdesk will not open the journal and silently drop events; ` +
          `move the file out of ${dir} to start without the events it holds.`,
      );
    };

    const header = checkSegmentHeader(bytes, firstOffset);
    if (!header.ok) {
      if (!(isLast && header.torn)) refuse(header.reason);
      // A crash while creating the segment: its first write was never confirmed to anyone.
      await unlink(file);
      await syncDirectory(dir);
      log.warn(
        `journal: removed ${name} (${bytes.length} bytes cut): ${header.reason}, left by an interrupted write`,
      );
      continue;
    }

    const positions: number[] = [];
    let position = SEGMENT_HEADER_BYTES;
    while (position < bytes.length) {
      // Zeros to the end of the file are space the writer reserved ahead of its records.
      if (bytes[position] === 0 && allZero(bytes, position)) break;
      const frame = decodeFrame(bytes, position, firstOffset + positions.length);
      if (!frame.ok) {
        const where = `byte ${position}, record offset ${firstOffset + positions.length}`;
        if (!isLast) refuse(`${frame.reason} at ${where}`);
        await cutTornTail(file, position);
        log.warn(
          `journal: cut ${bytes.length - position} bytes from the end of ${name} (${frame.reason} at ${where}), ` +
            `left by an interrupted write; kept ${positions.length} records`,
        );
        break;
      }
      positions.push(position);
      position = frame.end;
    }

    const previous = segments.at(-1);
    if (previous) {
      const expected = segmentEnd(previous);
      if (firstOffset < expected) {
        refuse(
          `it starts at offset ${firstOffset} but the previous segment already holds offsets up to ${expected - 1}`,
        );
      }
      // Retention deletes whole acked segments; a hole the store never acked means lost files.
      if (firstOffset > expected && firstOffset - 1 > ackedOffset) {
        refuse(`offsets ${expected}–${firstOffset - 1} before it are missing and were never acknowledged`);
      }
    }
    segments.push({ firstOffset, file, positions, size: position });
  }
  return segments;
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
