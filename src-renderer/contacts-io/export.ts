// Contacts out as CSV or JSON: the contact fields an import reads back unchanged, plus identities
// and activity stats. CSV cells that a spreadsheet would run as a formula are neutralised with a
// leading `'` — except real E.164 phone numbers and plain numbers, which must stay usable.
import Papa from 'papaparse';
import type { StitchDb } from '../db';
import type { ContactRow, IdentityRow } from '../db/types';
import { contactsPage } from '../queries/contacts';
import type { CountryCode } from '../stitching/identifiers';

export type ExportFormat = 'csv' | 'json';

export interface ExportQuery {
  search?: string;
  tag?: string;
  list?: string;
  defaultCountry?: CountryCode;
}

export interface ExportFile {
  content: string;
  count: number;
  suggestedName: string;
  mimeType: string;
}

const E164 = /^\+[1-9]\d{6,14}$/;
const PLAIN_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const FORMULA_START = /^[=+\-@\t\r]/;

/** `=HYPERLINK(…)` → `'=HYPERLINK(…)`; `+14155550100`, `-12.5` and `42` stay as they are. */
export function neutralizeCell(value: string): string {
  if (!FORMULA_START.test(value)) return value;
  if (E164.test(value) || PLAIN_NUMBER.test(value)) return value;
  return `'${value}`;
}

export const CSV_COLUMNS = [
  'First name',
  'Last name',
  'Email',
  'Phone',
  'Phone type',
  'WhatsApp number',
  'Tags',
  'Lists',
  'SMS consent',
  'WhatsApp consent',
  'Email consent',
] as const;

export const STATS_COLUMNS = [
  'Linked visitors',
  'Identity emails',
  'Identity phones',
  'Last seen',
  'Page views',
  'Sessions',
  'Clicks',
  'Messages',
  'Created',
] as const;

interface ContactIdentities {
  emails: string[];
  phones: string[];
}

const yesNo = (value: boolean): string => (value ? 'yes' : 'no');
const isoOrEmpty = (time: number): string => (time > 0 ? new Date(time).toISOString() : '');

/** The contacts matching the filters (all when none), by name, with their identity rows. */
export async function contactsForExport(
  db: StitchDb,
  query: ExportQuery = {},
): Promise<{ contacts: ContactRow[]; identities: Map<string, ContactIdentities> }> {
  const filters: { tag?: string; list?: string } = {};
  if (query.tag) filters.tag = query.tag;
  if (query.list) filters.list = query.list;
  const page = await contactsPage(db, {
    sortBy: 'name',
    direction: 'asc',
    filters,
    offset: 0,
    // IndexedDB counts are 32-bit: "everything" is a large count, not Infinity.
    limit: 1_000_000_000,
    ...(query.search ? { search: query.search } : {}),
    ...(query.defaultCountry ? { defaultCountry: query.defaultCountry } : {}),
  });
  const identities = new Map<string, ContactIdentities>();
  const ids = page.rows.map((c) => c.id);
  for (let i = 0; i < ids.length; i += 2000) {
    const links: IdentityRow[] = await db.identities
      .where('contactId')
      .anyOf(ids.slice(i, i + 2000))
      .toArray();
    for (const link of links) {
      if (link.revokedAt !== null || (link.kind !== 'email' && link.kind !== 'phone')) continue;
      const entry = identities.get(link.contactId) ?? { emails: [], phones: [] };
      const list = link.kind === 'email' ? entry.emails : entry.phones;
      if (!list.includes(link.value)) list.push(link.value);
      identities.set(link.contactId, entry);
    }
  }
  return { contacts: page.rows, identities };
}

export function contactsCsv(
  contacts: readonly ContactRow[],
  identities: Map<string, ContactIdentities>,
): string {
  const customNames = [...new Set(contacts.flatMap((c) => Object.keys(c.custom)))].sort();
  const header = [...CSV_COLUMNS, ...customNames.map((name) => `custom.${name}`), ...STATS_COLUMNS];
  const rows = contacts.map((c) => {
    const ids = identities.get(c.id);
    return [
      c.firstName,
      c.lastName,
      c.email ?? '',
      c.phone ?? '',
      c.phone ? (c.phoneType ?? '') : '',
      c.whatsapp ?? '',
      c.tags.join('; '),
      c.lists.join('; '),
      yesNo(c.consent.sms),
      yesNo(c.consent.whatsapp),
      yesNo(c.consent.email),
      ...customNames.map((name) => c.custom[name] ?? ''),
      String(c.stats.visitors),
      (ids?.emails ?? []).join('; '),
      (ids?.phones ?? []).join('; '),
      isoOrEmpty(c.stats.lastSeen),
      String(c.stats.pageViews),
      String(c.stats.sessions),
      String(c.stats.clicks),
      String(c.stats.messages),
      isoOrEmpty(c.createdAt),
    ].map(neutralizeCell);
  });
  // CRLF and quoting as RFC 4180 asks; a BOM so Excel reads the file as UTF-8.
  return `\uFEFF${Papa.unparse({ fields: header.map(neutralizeCell), data: rows }, { newline: '\r\n', escapeFormulae: false })}\r\n`;
}

export function contactsJson(
  contacts: readonly ContactRow[],
  identities: Map<string, ContactIdentities>,
): string {
  const items = contacts.map((c) => {
    const ids = identities.get(c.id);
    return {
      firstName: c.firstName,
      lastName: c.lastName,
      email: c.email ?? '',
      phone: c.phone ?? '',
      phoneType: c.phone ? (c.phoneType ?? '') : '',
      whatsapp: c.whatsapp ?? '',
      tags: c.tags,
      lists: c.lists,
      consent: { ...c.consent },
      custom: { ...c.custom },
      identities: { linkedVisitors: c.stats.visitors, emails: ids?.emails ?? [], phones: ids?.phones ?? [] },
      stats: {
        lastSeen: isoOrEmpty(c.stats.lastSeen),
        pageViews: c.stats.pageViews,
        sessions: c.stats.sessions,
        clicks: c.stats.clicks,
        messages: c.stats.messages,
      },
      createdAt: isoOrEmpty(c.createdAt),
    };
  });
  return `${JSON.stringify(items, null, 2)}\n`;
}

export async function exportContacts(
  db: StitchDb,
  format: ExportFormat,
  query: ExportQuery = {},
  now = new Date(),
): Promise<ExportFile> {
  const { contacts, identities } = await contactsForExport(db, query);
  const day = now.toISOString().slice(0, 10);
  return format === 'csv'
    ? {
        content: contactsCsv(contacts, identities),
        count: contacts.length,
        suggestedName: `stitchdesk-contacts-${day}.csv`,
        mimeType: 'text/csv;charset=utf-8',
      }
    : {
        content: contactsJson(contacts, identities),
        count: contacts.length,
        suggestedName: `stitchdesk-contacts-${day}.json`,
        mimeType: 'application/json',
      };
}
