// Decides whether a journal record mentions an erased person. Deliberately wider than the ingest's
// stitching (which reads a few known fields): any string anywhere in the event counts, so her email
// in a page URL or a custom property goes too. A false match needs her exact email, phone digits or
// one of her opaque ids, so another person's event is practically never caught.
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { RedactionRequest } from '../shared/erasure';
import type { JournalRecord } from '../shared/events';

/** Opaque ids at least this long are found in any field, inside longer strings too (URLs, composed ids). */
const MIN_SUBSTRING_ID = 8;
/** A phone written in the national format must still have this many digits to count. */
const MIN_NATIONAL_DIGITS = 6;
const PHONE_LIKE = /^[\d\s+().\-/]{7,32}$/;
/** Where a short id (a userId such as "42") counts: only in the fields that name a person or a message. */
const ID_FIELDS: ReadonlySet<string> = new Set(['userId', 'anonymousId', 'recipientMessageId', 'previousId']);

export type RecordMatcher = (record: JournalRecord) => boolean;

export function mentionsOf(request: RedactionRequest): RecordMatcher {
  const emails = unique(request.emails.map((e) => e.trim().toLowerCase()));
  const ids = unique([...request.visitorIds, ...request.userIds, ...request.messageIds].map((v) => v.trim()));
  const exactIds = new Set(ids);
  const longIds = ids.filter((id) => id.length >= MIN_SUBSTRING_ID);
  const phones = unique(request.phones.map((p) => p.trim())).flatMap((e164) => {
    const parsed = parsePhoneNumberFromString(e164);
    const digits = e164.replace(/\D/g, '');
    if (digits.length < MIN_NATIONAL_DIGITS) return [];
    const national = parsed?.nationalNumber ?? digits;
    return [{ digits, national: national.length >= MIN_NATIONAL_DIGITS ? national : digits }];
  });
  if (emails.length === 0 && ids.length === 0 && phones.length === 0) return () => false;

  const mentions = (text: string, key: string | undefined): boolean => {
    const trimmed = text.trim();
    if (key !== undefined && ID_FIELDS.has(key) && exactIds.has(trimmed)) return true;
    if (longIds.some((id) => text.includes(id))) return true;
    if (emails.length > 0) {
      // Emails are compared as the ingest normalises them (trimmed, lower-case), URL-encoded too.
      const lower = text.toLowerCase();
      const decoded = lower.includes('%40') ? lower.replaceAll('%40', '@') : lower;
      if (emails.some((email) => decoded.includes(email))) return true;
    }
    if (phones.length > 0) {
      const digits = text.replace(/\D/g, '');
      if (digits.length >= MIN_NATIONAL_DIGITS) {
        // A phone field in any national or international format; elsewhere the full number.
        const phoneLike = PHONE_LIKE.test(trimmed);
        if (
          phones.some(
            (phone) =>
              digits.includes(phone.digits) ||
              (phoneLike && (digits === phone.national || digits.endsWith(phone.national))),
          )
        ) {
          return true;
        }
      }
    }
    return false;
  };
  return (record) => someString(record.event, mentions);
}

/** True when `test` holds for any string (or number, as text) inside `value`, keys included. */
function someString(
  value: unknown,
  test: (text: string, key: string | undefined) => boolean,
  key?: string,
): boolean {
  if (typeof value === 'string') return test(value, key);
  if (typeof value === 'number') return test(String(value), key);
  if (Array.isArray(value)) return value.some((item) => someString(item, test, key));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).some(
      ([name, item]) => test(name, undefined) || someString(item, test, name),
    );
  }
  return false;
}

const unique = (values: string[]): string[] => [...new Set(values.filter((v) => v.length > 0))];
