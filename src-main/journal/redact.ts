// Erasure in the journal: rewrites one segment file's bytes so that every record an erased person's
// identifiers match becomes a redaction record at the same offset. A pure function over bytes, so it
// applies alike to live segments and to any other file in the segment format (archives, quarantine).
import type { JournalRecord } from '../shared/events';
import {
  decodeFrame,
  encodeRecords,
  FORMAT_VERSION,
  prepareRecord,
  SEGMENT_HEADER_BYTES,
  SEGMENT_MAGIC,
} from './format';

export interface SegmentRedaction {
  /** The new file: header and records, without reserved space. */
  bytes: Buffer;
  /** Byte position of each frame in `bytes`, as the journal's in-memory index keeps them. */
  positions: number[];
  /** How many records were replaced. */
  redacted: number;
}

/**
 * Rewrites a segment file's bytes (its header, its records, then optionally zeros), replacing each
 * record `matches` picks by `redactionOf(record)`. Undefined when nothing matches: the file stays
 * as it is. Throws on a file it cannot read to the end rather than write back less than it holds.
 */
export function redactSegmentBytes(
  bytes: Buffer,
  matches: (record: JournalRecord) => boolean,
): SegmentRedaction | undefined {
  if (
    bytes.length < SEGMENT_HEADER_BYTES ||
    bytes.toString('latin1', 0, 4) !== SEGMENT_MAGIC ||
    bytes.readUInt32LE(4) !== FORMAT_VERSION
  ) {
    throw new Error('not a journal segment of format version 1');
  }
  const firstOffset = Number(bytes.readBigUInt64LE(8));
  const parts: Buffer[] = [bytes.subarray(0, SEGMENT_HEADER_BYTES)];
  const positions: number[] = [];
  let size = SEGMENT_HEADER_BYTES;
  let redacted = 0;
  let position = SEGMENT_HEADER_BYTES;
  while (position < bytes.length) {
    // A zero length field starts the reserved space: only zeros follow it (README.md).
    if (bytes.length - position >= 4 && bytes.readUInt32LE(position) === 0) break;
    const offset = firstOffset + positions.length;
    const frame = decodeFrame(bytes, position, offset);
    if (!frame.ok) throw new Error(`record offset ${offset} at byte ${position}: ${frame.reason}`);
    let out = bytes.subarray(position, frame.end);
    if (matches(frame.record)) {
      const replacement = redactionOf(frame.record, matches);
      out = encodeRecords(
        [prepareRecord(replacement.receivedAt, 'app', undefined, replacement.event).tail],
        offset,
      ).bytes;
      redacted++;
    }
    positions.push(size);
    parts.push(out);
    size += out.length;
    position = frame.end;
  }
  if (redacted === 0) return undefined;
  return { bytes: Buffer.concat(parts, size), positions, redacted };
}

/**
 * The record that takes an erased one's place. It keeps the offset (offsets stay contiguous and the
 * store's acked position valid) and the time it was received. It keeps the original `messageId` too,
 * because consumers de-duplicate on it and a downstream copy can be deleted by it, unless the id
 * itself names her (a client may compose ids from an email): then it becomes `redacted:<offset>`.
 */
export function redactionOf(
  record: JournalRecord,
  matches: (record: JournalRecord) => boolean,
): JournalRecord {
  const keep: JournalRecord = {
    offset: record.offset,
    receivedAt: record.receivedAt,
    source: 'app',
    event: { messageId: record.event.messageId, type: 'redacted' },
  };
  if (!matches(keep)) return keep;
  return { ...keep, event: { messageId: `redacted:${record.offset}`, type: 'redacted' } };
}
