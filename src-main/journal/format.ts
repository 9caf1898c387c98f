// The journal's on-disk layout, format version 1 (specified in README.md next to this file):
// segment naming, the segment header, CRC-framed records, and decoding that says why a frame is bad.
import { crc32 } from 'node:zlib';
import type { EventSource, JournalRecord, TrackedEvent } from '../shared/events';

export const FORMAT_VERSION = 1;
export const SEGMENT_MAGIC = 'SDJL';
export const SEGMENT_HEADER_BYTES = 16;
export const FRAME_HEADER_BYTES = 8;
/** Far above any event the collector accepts; a larger length field can only be damage. */
export const MAX_RECORD_BYTES = 16 * 1024 * 1024;

const SEGMENT_FILE = /^(\d{20})\.seg$/;

export function segmentFileName(firstOffset: number): string {
  return `${String(firstOffset).padStart(20, '0')}.seg`;
}

/** The first offset a segment file's name announces, or undefined for files that are not segments. */
export function segmentFirstOffset(fileName: string): number | undefined {
  const digits = SEGMENT_FILE.exec(fileName)?.[1];
  if (digits === undefined) return undefined;
  const offset = Number(digits);
  return Number.isSafeInteger(offset) ? offset : undefined;
}

export function encodeSegmentHeader(firstOffset: number): Buffer {
  const header = Buffer.alloc(SEGMENT_HEADER_BYTES);
  header.write(SEGMENT_MAGIC, 0, 'latin1');
  header.writeUInt32LE(FORMAT_VERSION, 4);
  header.writeBigUInt64LE(BigInt(firstOffset), 8);
  return header;
}

export type HeaderCheck = { ok: true } | { ok: false; torn: boolean; reason: string };

/**
 * A header that is short or zero-filled is what a crash while creating the segment leaves behind
 * (`torn`); any other mismatch means the file is not a segment this build can read.
 */
export function checkSegmentHeader(file: Buffer, firstOffset: number): HeaderCheck {
  if (file.length < SEGMENT_HEADER_BYTES) {
    return { ok: false, torn: true, reason: `only ${file.length} of ${SEGMENT_HEADER_BYTES} header bytes` };
  }
  const header = file.subarray(0, SEGMENT_HEADER_BYTES);
  if (header.every((byte) => byte === 0))
    return { ok: false, torn: true, reason: 'the header is zero-filled' };
  if (header.toString('latin1', 0, 4) !== SEGMENT_MAGIC) {
    return { ok: false, torn: false, reason: 'not a journal segment (bad magic bytes)' };
  }
  const version = header.readUInt32LE(4);
  if (version !== FORMAT_VERSION) {
    return {
      ok: false,
      torn: false,
      reason: `format version ${version}, this build reads version ${FORMAT_VERSION}`,
    };
  }
  const stored = header.readBigUInt64LE(8);
  if (stored !== BigInt(firstOffset)) {
    return {
      ok: false,
      torn: false,
      reason: `header says first offset ${stored}, file name says ${firstOffset}`,
    };
  }
  return { ok: true };
}

/** A record waiting for its offset: everything but the offset is already serialized. */
export interface PreparedRecord {
  record: Omit<JournalRecord, 'offset'>;
  /** The record's JSON after its opening brace, so the offset can lead without re-serializing. */
  tail: string;
}

export function prepareRecord(
  receivedAt: string,
  source: EventSource,
  siteId: string | undefined,
  event: TrackedEvent,
): PreparedRecord {
  const record: Omit<JournalRecord, 'offset'> =
    siteId === undefined ? { receivedAt, source, event } : { receivedAt, source, siteId, event };
  const tail = JSON.stringify(record).slice(1);
  // UTF-8 takes at most 3 bytes per UTF-16 unit, so only a long record needs its exact size.
  if (tail.length * 3 + 32 > MAX_RECORD_BYTES && Buffer.byteLength(tail) + 32 > MAX_RECORD_BYTES) {
    throw new RangeError(`A journal record may not exceed ${MAX_RECORD_BYTES} bytes (got ${tail.length})`);
  }
  return { record, tail };
}

export interface EncodedRecords {
  bytes: Buffer;
  /** Where each frame starts, relative to the start of `bytes`. */
  positions: number[];
}

/**
 * Frames consecutive records into one buffer, so a group commit is a single write. Each record is
 * encoded straight into it: no intermediate buffer per record.
 */
export function encodeRecords(tails: readonly string[], firstOffset: number): EncodedRecords {
  let total = 0;
  const sizes: number[] = new Array(tails.length);
  for (let i = 0; i < tails.length; i++) {
    const size = Buffer.byteLength(tails[i] ?? '', 'utf8');
    sizes[i] = size;
    // `{"offset":` + digits + `,`: the offset is ASCII, one byte per character.
    total += FRAME_HEADER_BYTES + 11 + String(firstOffset + i).length + size;
  }
  const bytes = Buffer.allocUnsafe(total);
  const positions: number[] = new Array(tails.length);
  let position = 0;
  for (let i = 0; i < tails.length; i++) {
    const payloadStart = position + FRAME_HEADER_BYTES;
    const prefixLength = bytes.write(`{"offset":${firstOffset + i},`, payloadStart, 'latin1');
    const payloadEnd =
      payloadStart + prefixLength + bytes.write(tails[i] ?? '', payloadStart + prefixLength, 'utf8');
    bytes.writeUInt32LE(payloadEnd - payloadStart, position);
    bytes.writeUInt32LE(crc32(bytes.subarray(payloadStart, payloadEnd)), position + 4);
    positions[i] = position;
    position = payloadEnd;
  }
  return { bytes, positions };
}

export type FrameDecode = { ok: true; record: JournalRecord; end: number } | { ok: false; reason: string };

/** Decodes the frame at `position`, which must hold the record with `expectedOffset`. */
export function decodeFrame(bytes: Buffer, position: number, expectedOffset: number): FrameDecode {
  const frame = decodeFrameAt(bytes, position);
  if (frame.ok && frame.record.offset !== expectedOffset) {
    return {
      ok: false,
      reason: `record has offset ${frame.record.offset} where ${expectedOffset} was expected`,
    };
  }
  return frame;
}

/**
 * Decodes whatever well-formed record starts at `position`, whatever its offset: recovery uses it
 * to find where intact records resume after damage.
 */
export function decodeFrameAt(bytes: Buffer, position: number): FrameDecode {
  const left = bytes.length - position;
  if (left < FRAME_HEADER_BYTES) {
    return { ok: false, reason: `${left} bytes left, less than a ${FRAME_HEADER_BYTES}-byte record header` };
  }
  const length = bytes.readUInt32LE(position);
  if (length === 0 || length > MAX_RECORD_BYTES)
    return { ok: false, reason: `implausible record length ${length}` };
  const end = position + FRAME_HEADER_BYTES + length;
  if (end > bytes.length) {
    return {
      ok: false,
      reason: `record claims ${length} bytes but only ${left - FRAME_HEADER_BYTES} follow its header`,
    };
  }
  const payload = bytes.subarray(position + FRAME_HEADER_BYTES, end);
  if (crc32(payload) !== bytes.readUInt32LE(position + 4)) return { ok: false, reason: 'checksum mismatch' };
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch {
    return { ok: false, reason: 'payload is not valid JSON' };
  }
  if (!isJournalRecord(value)) return { ok: false, reason: 'payload is not a journal record' };
  return { ok: true, record: value, end };
}

function isJournalRecord(value: unknown): value is JournalRecord {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<keyof JournalRecord, unknown>>;
  return (
    Number.isSafeInteger(candidate.offset) &&
    typeof candidate.receivedAt === 'string' &&
    typeof candidate.source === 'string' &&
    typeof candidate.event === 'object' &&
    candidate.event !== null
  );
}
