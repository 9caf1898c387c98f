// Signed per-recipient email tokens: `/u/<token>` (unsubscribe) and `/o/<token>` (the open pixel).
// The campaign id and recipient index are in the clear, with an HMAC tag under the link secret in
// a domain of its own per use, so a token is checked without a table and an open token never unsubscribes.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type RecipientTokenUse = 'unsubscribe' | 'open';

const DOMAINS: Record<RecipientTokenUse, Buffer> = {
  unsubscribe: Buffer.from('stitchdesk/unsubscribe/v1\0'),
  open: Buffer.from('stitchdesk/email-open/v1\0'),
};
/** 96 bits: no one unsubscribes someone else by guessing. */
const TAG_BYTES = 12;
export const MAX_UNSUBSCRIBE_TOKEN_LENGTH = 200;
const TOKEN_PATTERN = /^([A-Za-z0-9_-]{1,172})\.([0-9a-z]{1,11})\.([A-Za-z0-9_-]{16})$/;

const tagOf = (secret: Buffer, use: RecipientTokenUse, campaignId: string, recipient: number): Buffer =>
  createHmac('sha256', secret)
    .update(DOMAINS[use])
    .update(`${campaignId}\0${recipient}`)
    .digest()
    .subarray(0, TAG_BYTES);

export function encodeRecipientToken(
  secret: Buffer,
  use: RecipientTokenUse,
  campaignId: string,
  recipient: number,
): string {
  const id = Buffer.from(campaignId, 'utf8').toString('base64url');
  return `${id}.${recipient.toString(36)}.${tagOf(secret, use, campaignId, recipient).toString('base64url')}`;
}

export function decodeRecipientToken(
  secret: Buffer,
  use: RecipientTokenUse,
  token: string,
): { campaignId: string; recipient: number } | null {
  if (typeof token !== 'string' || token.length > MAX_UNSUBSCRIBE_TOKEN_LENGTH) return null;
  const match = TOKEN_PATTERN.exec(token);
  if (!match?.[1] || !match[2] || !match[3]) return null;
  const campaignId = Buffer.from(match[1], 'base64url').toString('utf8');
  const recipient = Number.parseInt(match[2], 36);
  if (!campaignId || !Number.isSafeInteger(recipient)) return null;
  // Only the one spelling of each pair is valid (no padding bits, no leading zeros).
  if (Buffer.from(campaignId, 'utf8').toString('base64url') !== match[1]) return null;
  if (recipient.toString(36) !== match[2]) return null;
  const given = Buffer.from(match[3], 'base64url');
  const expected = tagOf(secret, use, campaignId, recipient);
  return given.length === expected.length && timingSafeEqual(given, expected)
    ? { campaignId, recipient }
    : null;
}
