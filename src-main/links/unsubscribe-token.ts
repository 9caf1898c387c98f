// Signed unsubscribe tokens (`/u/<token>`): the campaign id and recipient index in the clear, and
// an HMAC tag under the link secret (its own domain), so a token is checked without a table.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Binds tags to this use of the link secret: an unsubscribe token is never a valid link code. */
const TAG_DOMAIN = Buffer.from('stitchdesk/unsubscribe/v1\0');
/** 96 bits: no one unsubscribes someone else by guessing. */
const TAG_BYTES = 12;
export const MAX_UNSUBSCRIBE_TOKEN_LENGTH = 200;
const TOKEN_PATTERN = /^([A-Za-z0-9_-]{1,172})\.([0-9a-z]{1,11})\.([A-Za-z0-9_-]{16})$/;

const tagOf = (secret: Buffer, campaignId: string, recipient: number): Buffer =>
  createHmac('sha256', secret)
    .update(TAG_DOMAIN)
    .update(`${campaignId}\0${recipient}`)
    .digest()
    .subarray(0, TAG_BYTES);

export function encodeUnsubscribeToken(secret: Buffer, campaignId: string, recipient: number): string {
  const id = Buffer.from(campaignId, 'utf8').toString('base64url');
  return `${id}.${recipient.toString(36)}.${tagOf(secret, campaignId, recipient).toString('base64url')}`;
}

export function decodeUnsubscribeToken(
  secret: Buffer,
  token: string,
): { campaignId: string; recipient: number } | null {
  if (typeof token !== 'string' || token.length > MAX_UNSUBSCRIBE_TOKEN_LENGTH) return null;
  const match = TOKEN_PATTERN.exec(token);
  if (!match?.[1] || !match[2] || !match[3]) return null;
  const campaignId = Buffer.from(match[1], 'base64url').toString('utf8');
  const recipient = Number.parseInt(match[2], 36);
  if (!campaignId || !Number.isSafeInteger(recipient)) return null;
  // Only the one spelling of each pair is valid (no padding bits, no leading zeros).
  if (encodeUnsubscribeToken(secret, campaignId, recipient).split('.')[0] !== match[1]) return null;
  if (recipient.toString(36) !== match[2]) return null;
  const given = Buffer.from(match[3], 'base64url');
  const expected = tagOf(secret, campaignId, recipient);
  return given.length === expected.length && timingSafeEqual(given, expected)
    ? { campaignId, recipient }
    : null;
}
