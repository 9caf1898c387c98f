// Which identifiers may stitch, in canonical form: lower-case emails, E.164 phones, user ids.
// Junk (`undefined`, `0`, `anonymous`, placeholders that are the same for everyone) never stitches.
import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js/max';

/** Values that trackers and forms send when they have nothing real: ignoring them avoids mass-linking. */
const JUNK_VALUES = new Set([
  '',
  'null',
  'undefined',
  'nil',
  'none',
  'nan',
  '0',
  '-1',
  'false',
  'true',
  'anonymous',
  'anon',
  'unknown',
  'guest',
  'user',
  'visitor',
  'n/a',
  'na',
  '[object object]',
  'test',
  'email',
  'phone',
  'default',
]);

/** Placeholder addresses many people type or many forms prefill. */
const JUNK_EMAILS = new Set([
  'test@test.com',
  'test@example.com',
  'email@example.com',
  'user@example.com',
  'name@example.com',
  'you@example.com',
  'example@example.com',
  'noreply@example.com',
  'a@a.com',
]);

export function isJunkIdentifier(raw: unknown): boolean {
  if (typeof raw !== 'string' && typeof raw !== 'number') return true;
  const value = String(raw).trim().toLowerCase();
  return JUNK_VALUES.has(value) || /^0+$/.test(value);
}

export function normalizeEmail(raw: unknown): string | null {
  if (isJunkIdentifier(raw)) return null;
  const email = String(raw).trim().toLowerCase();
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) return null;
  return JUNK_EMAILS.has(email) ? null : email;
}

/** E.164, or null. Numbers without `+` are read in `defaultCountry`. */
export function normalizePhone(raw: unknown, defaultCountry: CountryCode = 'US'): string | null {
  if (isJunkIdentifier(raw)) return null;
  const text = String(raw).trim();
  const parsed = text.startsWith('+')
    ? parsePhoneNumberFromString(text)
    : parsePhoneNumberFromString(text, defaultCountry);
  if (!parsed?.isValid()) return null;
  const e164 = parsed.number;
  // The same digit repeated (+1 111 111 1111) is a placeholder, not a person.
  return /^\+(\d)\1+$/.test(e164) ? null : e164;
}

export function normalizeUserId(raw: unknown): string | null {
  if (isJunkIdentifier(raw)) return null;
  return String(raw).trim();
}

export type { CountryCode };
