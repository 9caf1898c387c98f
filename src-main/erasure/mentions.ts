// Decides whether a journal record mentions an erased person. Deliberately wider than the ingest's
// stitching (which reads a few known fields): any string anywhere in the event counts, so her email
// in a page URL or a custom property goes too. Matching is on whole tokens (an email not inside a
// longer address, a phone number not inside a longer number, ids equal), so another person's event
// is not caught by accident.
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { RedactionRequest } from '../shared/erasure';
import type { JournalRecord } from '../shared/events';

/** Where a short id (a userId such as "42") counts: only in the fields that name a person or a message. */
const ID_FIELDS: ReadonlySet<string> = new Set(['userId', 'anonymousId', 'recipientMessageId', 'previousId']);
/** Ids at least this long count in any field: random visitor ids, composed message ids. */
const MIN_ANYWHERE_ID = 8;
/** A run of digits written the way phone numbers are: +, spaces, dots, dashes, brackets. */
const PHONE_RUN = /\+?\d[\d\s().\-/]{5,30}\d/g;
/** Country code and trunk prefix: at most this many digits before the national number. */
const MAX_PREFIX_DIGITS = 4;

export type RecordMatcher = (record: JournalRecord) => boolean;

export function mentionsOf(request: RedactionRequest): RecordMatcher {
  const emails = unique(request.emails.map((e) => e.trim().toLowerCase()));
  const ids = new Set(
    unique([...request.visitorIds, ...request.userIds, ...request.messageIds].map((v) => v.trim())),
  );
  const phones = unique(request.phones.map((p) => p.trim())).flatMap((e164) => {
    const digits = e164.replace(/\D/g, '');
    if (digits.length < 6) return [];
    return [{ digits, national: parsePhoneNumberFromString(e164)?.nationalNumber ?? digits }];
  });
  // The email as a whole token: not the tail of a longer local part, not the head of a longer domain.
  const emailPatterns = emails.map(
    (email) => new RegExp(`(?<![a-z0-9._%+-])${escapeRegExp(email)}(?![a-z0-9-]|\\.[a-z0-9])`),
  );
  if (emails.length === 0 && ids.size === 0 && phones.length === 0) return () => false;

  const isPhone = (run: string): boolean => {
    const digits = run.replace(/\D/g, '');
    return phones.some(
      (phone) =>
        digits === phone.digits ||
        (digits.endsWith(phone.national) && digits.length - phone.national.length <= MAX_PREFIX_DIGITS),
    );
  };
  const mentions = (text: string, key: string | undefined): boolean => {
    const trimmed = text.trim();
    if (
      ids.has(trimmed) &&
      (trimmed.length >= MIN_ANYWHERE_ID || (key !== undefined && ID_FIELDS.has(key)))
    ) {
      return true;
    }
    if (emailPatterns.length > 0 && (text.includes('@') || text.includes('%40'))) {
      // Compared as the ingest normalises emails (trimmed, lower-case), URL-encoded too.
      const lower = text.toLowerCase().replaceAll('%40', '@');
      if (emailPatterns.some((pattern) => pattern.test(lower))) return true;
    }
    if (phones.length > 0) {
      for (const run of text.match(PHONE_RUN) ?? []) if (isPhone(run)) return true;
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
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
