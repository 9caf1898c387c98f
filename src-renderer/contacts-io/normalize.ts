// One imported record → the contact fields it brings, in canonical form (E.164 phones with their
// type, lower-case emails, split names and tags, yes/no consent), or the reason it is rejected.
// Formula-looking names stay as typed: they are data here; the export neutralises them.
import {
  type CountryCode,
  parsePhoneNumberFromString,
  validatePhoneNumberLength,
} from 'libphonenumber-js/max';
import type { ConsentChannel, PhoneType } from '../db/types';
import { normalizeEmail, normalizePhone } from '../stitching/identifiers';
import { countryLabel, countryOf } from './countries';
import type { ColumnMapping } from './mapping';
import type { SourceRecord } from './source';

export type { ConsentChannel };

/** What a record says about a contact; absent fields say nothing (an update keeps what was there). */
export interface ImportedFields {
  firstName?: string;
  lastName?: string;
  email?: string;
  phone?: string;
  phoneType?: PhoneType;
  whatsapp?: string;
  tags?: string[];
  lists?: string[];
  consent: Partial<Record<ConsentChannel, boolean>>;
  custom: Record<string, string>;
}

export interface PreparedContact {
  line: number;
  where: string;
  fields: ImportedFields;
  /** The record as read, for the rejected-rows file if a later check refuses it. */
  cells: string[];
}

export interface RejectedRow {
  line: number;
  where: string;
  reason: string;
  cells: string[];
}

export interface NormalizeOptions {
  /** Country for numbers written without a + prefix, when the row has no Country column value. */
  defaultCountry: CountryCode;
  /** CSV: undo our export's `'` in front of formula-looking cells, so an export imports back as it was. */
  unquoteFormulas: boolean;
}

export type PreparedRecord = { ok: true; contact: PreparedContact } | { ok: false; rejected: RejectedRow };

const PHONE_TYPES: Record<string, PhoneType> = {
  MOBILE: 'mobile',
  FIXED_LINE: 'fixed-line',
  FIXED_LINE_OR_MOBILE: 'fixed-or-mobile',
  TOLL_FREE: 'toll-free',
  VOIP: 'voip',
};

export type PhoneCheck = { ok: true; e164: string; type: PhoneType } | { ok: false; reason: string };

const LENGTH_PROBLEM: Record<string, string> = {
  TOO_SHORT: 'too short',
  TOO_LONG: 'too long',
  INVALID_LENGTH: 'wrong number of digits',
  NOT_A_NUMBER: 'not a phone number',
  INVALID_COUNTRY: 'unknown country code',
};

/**
 * E.164 and type of a number typed in any format; numbers without + are read in `country` and only
 * there: a number invalid for its country is refused with why, never re-read as another country's.
 */
export function checkPhone(raw: string, country: CountryCode, label = 'phone'): PhoneCheck {
  const text = raw.trim().replace(/^(tel|whatsapp):/i, '');
  const international = text.startsWith('+') || text.startsWith('00');
  const e164Text = text.startsWith('00') ? `+${text.slice(2)}` : text;
  const parsed = international
    ? parsePhoneNumberFromString(e164Text)
    : parsePhoneNumberFromString(text, country);
  // The stitching rules' own check also refuses placeholders (+1 111 111 1111) that no one owns.
  if (!parsed?.isValid() || !normalizePhone(parsed.number)) {
    const length = international
      ? validatePhoneNumberLength(e164Text)
      : validatePhoneNumberLength(text, country);
    const why = (length && LENGTH_PROBLEM[length]) ?? 'no such number range';
    return {
      ok: false,
      reason: international
        ? `${label} ${raw.trim()} is not a valid number: ${why}`
        : `${label} ${raw.trim()} is not a valid number for ${countryLabel(country)}: ${why}`,
    };
  }
  return { ok: true, e164: parsed.number, type: PHONE_TYPES[parsed.getType() ?? ''] ?? 'other' };
}

export type EmailCheck = { ok: true; email: string } | { ok: false; reason: string };

export function checkEmail(raw: string): EmailCheck {
  const email = normalizeEmail(raw);
  if (email) return { ok: true, email };
  const shown = raw.trim();
  return /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(shown)
    ? { ok: false, reason: `email ${shown} is a placeholder address, not a person's` }
    : { ok: false, reason: `email ${shown} is not a valid address` };
}

const YES = new Set([
  'yes',
  'y',
  'true',
  '1',
  'x',
  'on',
  'opted in',
  'optedin',
  'opt-in',
  'opt in',
  'subscribed',
  'granted',
  'agreed',
  'ja',
  'oui',
  'si',
  'sí',
  '✓',
  '✔',
]);
const NO = new Set([
  'no',
  'n',
  'false',
  '0',
  'off',
  'opted out',
  'optedout',
  'opt-out',
  'opt out',
  'unsubscribed',
  'denied',
  'nein',
  'non',
  '-',
]);

/** yes/no/true/1… as a boolean; null when the value says neither. */
export function parseConsent(raw: string): boolean | null {
  const value = raw.trim().toLowerCase();
  if (YES.has(value)) return true;
  if (NO.has(value)) return false;
  return null;
}

/** "vip; spring, 2025" → ['vip', 'spring', '2025']: tags are split on `;` and `,`, without repeats. */
export function splitTags(raw: string): string[] {
  return [
    ...new Set(
      raw
        .split(/[;,]/)
        .map((t) => t.trim())
        .filter((t) => t.length > 0),
    ),
  ];
}

/** "Ada Lovelace" → Ada / Lovelace; "Lovelace, Ada" → Ada / Lovelace; one word is a first name. */
export function splitFullName(raw: string): { firstName: string; lastName: string } {
  const text = raw.trim().replace(/\s+/g, ' ');
  // "Last, First" only when both sides are plain name words: anything else (a formula) stays whole.
  const inverted = /^([\p{L}\p{M}' .-]+),\s*([\p{L}\p{M}' .-]+)$/u.exec(text);
  if (inverted?.[1] && inverted[2]) return { firstName: inverted[2].trim(), lastName: inverted[1].trim() };
  const space = text.lastIndexOf(' ');
  if (space < 0) return { firstName: text, lastName: '' };
  return { firstName: text.slice(0, space), lastName: text.slice(space + 1) };
}

const FORMULA_START = /^'[=+\-@\t\r]/;

const CONSENT_OF = { consentSms: 'sms', consentWhatsapp: 'whatsapp', consentEmail: 'email' } as const;
const CONSENT_LABEL: Record<ConsentChannel, string> = { sms: 'SMS', whatsapp: 'WhatsApp', email: 'Email' };

export function prepareRecord(
  record: SourceRecord,
  mapping: readonly ColumnMapping[],
  options: NormalizeOptions,
): PreparedRecord {
  const reject = (reason: string): PreparedRecord => ({
    ok: false,
    rejected: { line: record.line, where: record.where, reason, cells: record.cells },
  });
  if (record.problem) return reject(`${record.where.startsWith('item') ? 'item' : 'row'} ${record.problem}`);

  const fields: ImportedFields = { consent: {}, custom: {} };
  const problems: string[] = [];
  // The row's own country reads its national numbers; the default is only the fallback for an empty cell.
  let country = options.defaultCountry;
  const countryColumn = mapping.findIndex((column) => column.target === 'country');
  const countryCell = countryColumn >= 0 ? (record.cells[countryColumn] ?? '').trim() : '';
  if (countryCell) {
    const named = countryOf(countryCell);
    // Kept as typed too: the column is data about the contact, not only a parsing hint.
    fields.custom.Country = countryCell;
    if (named) country = named;
    else return reject(`country "${countryCell}" is not a country name or a two-letter ISO code`);
  }
  mapping.forEach((column, index) => {
    let value = record.cells[index] ?? '';
    if (options.unquoteFormulas && FORMULA_START.test(value)) value = value.slice(1);
    if (column.target === 'ignore' || column.target === 'country' || value.trim() === '') return;
    switch (column.target) {
      case 'firstName':
      case 'lastName':
        fields[column.target] = value.trim();
        return;
      case 'fullName': {
        const { firstName, lastName } = splitFullName(value);
        fields.firstName ??= firstName;
        if (lastName) fields.lastName ??= lastName;
        return;
      }
      case 'email': {
        const email = checkEmail(value);
        if (email.ok) fields.email = email.email;
        else problems.push(email.reason);
        return;
      }
      case 'phone':
      case 'whatsapp': {
        const label = column.target === 'phone' ? 'phone' : 'WhatsApp number';
        const phone = checkPhone(value, country, label);
        if (!phone.ok) problems.push(phone.reason);
        else if (column.target === 'phone') {
          fields.phone = phone.e164;
          fields.phoneType = phone.type;
        } else fields.whatsapp = phone.e164;
        return;
      }
      case 'tags':
      case 'lists':
        fields[column.target] = [...new Set([...(fields[column.target] ?? []), ...splitTags(value)])];
        return;
      case 'consentSms':
      case 'consentWhatsapp':
      case 'consentEmail': {
        const channel = CONSENT_OF[column.target];
        const consent = parseConsent(value);
        if (consent === null)
          problems.push(`${CONSENT_LABEL[channel]} consent "${value.trim()}" is not yes or no`);
        else fields.consent[channel] = consent;
        return;
      }
      case 'custom': {
        const name = column.customName?.trim();
        if (name) fields.custom[name] = value;
        return;
      }
    }
  });
  if (problems.length > 0) return reject(problems.join('; '));
  if (!fields.firstName && !fields.lastName && !fields.email && !fields.phone && !fields.whatsapp) {
    return reject('no name, email or phone');
  }
  return { ok: true, contact: { line: record.line, where: record.where, fields, cells: record.cells } };
}
