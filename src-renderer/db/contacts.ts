// Building contact rows: defaults and the derived search keys every writer must keep in step
// (name sort/prefix search, phone "ends with" search, trigrams for contains-search). Use
// `newContact`/`withSearchKeys`.
import { emptyStats } from './stats';
import type { ContactRow } from './types';

/** The fields `withSearchKeys` derives: no writer sets them by hand. */
export type SearchKey = 'nameKey' | 'lastNameKey' | 'phoneTails' | 'grams';

export type ContactInput = Partial<Omit<ContactRow, SearchKey>> & {
  id: string;
};

const digitsOf = (value: string): string => value.replace(/\D/g, '');
const reversed = (value: string): string => [...value].reverse().join('');

/** Length of the substrings the `grams` index holds; shorter search terms are prefix searches. */
export const GRAM = 3;

/** Every distinct GRAM-character substring of the texts, e.g. "ann" → ["ann"], "+4477" → ["+44", "447", "477"]. */
export function gramsOf(texts: Iterable<string>, into = new Set<string>()): Set<string> {
  for (const text of texts) {
    for (let i = 0; i + GRAM <= text.length; i++) into.add(text.slice(i, i + GRAM));
  }
  return into;
}

/** Recomputes the derived keys from the contact's fields. */
export function withSearchKeys<T extends Omit<ContactRow, SearchKey>>(
  contact: T,
): T & Pick<ContactRow, SearchKey> {
  const first = contact.firstName.trim().toLowerCase();
  const last = contact.lastName.trim().toLowerCase();
  const e164s = [contact.phone, contact.whatsapp].filter((p): p is string => !!p);
  const phones = e164s.map(digitsOf);
  const nameKey = `${first} ${last}`.trim();
  const lastNameKey = `${last} ${first}`.trim();
  return {
    ...contact,
    nameKey,
    lastNameKey,
    phoneTails: [...new Set(phones.filter((d) => d.length > 0).map(reversed))],
    // Phones as stored (E.164, with the "+"), so "+44" is itself a gram: a country code search.
    grams: [...gramsOf([nameKey, lastNameKey, contact.email ?? '', ...e164s])],
  };
}

/** A complete contact row from the fields known so far. */
export function newContact(input: ContactInput, now = Date.now()): ContactRow {
  return withSearchKeys({
    firstName: '',
    lastName: '',
    tags: [],
    lists: [],
    consent: { sms: false, whatsapp: false, email: false },
    custom: {},
    createdAt: now,
    updatedAt: now,
    stats: emptyStats(),
    ...input,
  });
}

export { digitsOf, reversed };
