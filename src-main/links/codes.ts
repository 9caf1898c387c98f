// Per-recipient link codes (DESIGN §3): a campaign-link number and a recipient index, signed with
// an HMAC tag, so a code is verified without a per-recipient table. The secret stays in this process.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/fs';

/** Bytes behind every code: 12 bytes are exactly 16 base64url characters, with no padding. */
const CODE_BYTES = 12;
export const LINK_CODE_LENGTH = 16;
/** 48 bits: at 1,000 guesses a second, forging any valid code takes millennia on average. */
const MIN_TAG_BYTES = 6;
const SECRET_BYTES = 32;
const SECRET_FILE = 'link-secret.key';
/** Binds tags to this use of the secret, so a future code format cannot be confused with this one. */
const TAG_DOMAIN = Buffer.from('stitchdesk/link-code/v1\0');
const CODE_PATTERN = /^[A-Za-z0-9_-]{16}$/;

/**
 * Packs `linkNum` and `recipient` into a 16-character URL-safe code. Throws a RangeError when the
 * numbers are negative, not integers, or too large to leave a 48-bit tag.
 */
export function encodeLinkCode(secret: Buffer, linkNum: number, recipient: number): string {
  const payload = [...varint(linkNum, 'linkNum'), ...varint(recipient, 'recipient')];
  const tagBytes = CODE_BYTES - payload.length;
  if (tagBytes < MIN_TAG_BYTES) {
    throw new RangeError(`linkNum ${linkNum} and recipient ${recipient} are too large for a link code`);
  }
  const head = Buffer.from(payload);
  return Buffer.concat([head, linkTag(secret, head, tagBytes)]).toString('base64url');
}

/** Returns the numbers inside a code, or null for anything not minted with this secret. */
export function decodeLinkCode(secret: Buffer, code: string): { linkNum: number; recipient: number } | null {
  if (!CODE_PATTERN.test(code)) return null;
  const bytes = Buffer.from(code, 'base64url');
  if (bytes.length !== CODE_BYTES) return null;
  const linkNum = readVarint(bytes, 0);
  if (!linkNum) return null;
  const recipient = readVarint(bytes, linkNum.next);
  if (!recipient) return null;
  const tagBytes = CODE_BYTES - recipient.next;
  if (tagBytes < MIN_TAG_BYTES) return null;
  const expected = linkTag(secret, bytes.subarray(0, recipient.next), tagBytes);
  if (!timingSafeEqual(expected, bytes.subarray(recipient.next))) return null;
  return { linkNum: linkNum.value, recipient: recipient.value };
}

/**
 * Reads the link-signing secret from the data dir, creating it (owner-only) on first run.
 * A damaged secret is an error rather than silently replaced: a new one would void every link sent.
 */
export function loadOrCreateLinkSecret(dataDir: string): Buffer {
  const file = join(dataDir, SECRET_FILE);
  if (!existsSync(file)) {
    writeFileAtomic(file, `${randomBytes(SECRET_BYTES).toString('base64')}\n`, 0o600);
  } else if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) {
    // Someone (a copy, a restore) widened the permissions; the secret is only for this user.
    chmodSync(file, 0o600);
  }
  const secret = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (secret.length !== SECRET_BYTES) {
    throw new Error(`${file} is damaged: expected a ${SECRET_BYTES}-byte base64 secret`);
  }
  return secret;
}

function linkTag(secret: Buffer, payload: Buffer, length: number): Buffer {
  return createHmac('sha256', secret).update(TAG_DOMAIN).update(payload).digest().subarray(0, length);
}

/** Little-endian base-128 varint; arithmetic instead of bit operators keeps it exact past 2^31. */
function varint(value: number, name: string): number[] {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  }
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 0x80) + 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
  return out;
}

function readVarint(bytes: Buffer, start: number): { value: number; next: number } | null {
  let value = 0;
  let scale = 1;
  // The tag needs MIN_TAG_BYTES, so no varint can run past this point.
  const limit = CODE_BYTES - MIN_TAG_BYTES;
  for (let i = start; i < limit; i++) {
    const byte = bytes[i] ?? 0;
    value += (byte % 0x80) * scale;
    if (byte < 0x80) {
      // Only the shortest encoding is valid, so each pair of numbers has exactly one code.
      if (byte === 0 && i > start) return null;
      return { value, next: i + 1 };
    }
    scale *= 0x80;
  }
  return null;
}
