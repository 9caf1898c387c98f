// Building contact rows: defaults and the derived search keys every writer must keep in step
// (name sort/prefix search, phone "ends with" search). Use `newContact`/`withSearchKeys`.
import { emptyStats } from './stats';
import type { ContactRow } from './types';

export type ContactInput = Partial<Omit<ContactRow, 'nameKey' | 'lastNameKey' | 'phoneTails'>> & {
  id: string;
};

const digitsOf = (value: string): string => value.replace(/\D/g, '');
const reversed = (value: string): string => [...value].reverse().join('');

/** Recomputes the derived keys from the contact's fields. */
export function withSearchKeys<T extends Omit<ContactRow, 'nameKey' | 'lastNameKey' | 'phoneTails'>>(
  contact: T,
): T & Pick<ContactRow, 'nameKey' | 'lastNameKey' | 'phoneTails'> {
  const first = contact.firstName.trim().toLowerCase();
  const last = contact.lastName.trim().toLowerCase();
  const phones = [contact.phone, contact.whatsapp].filter((p): p is string => !!p).map(digitsOf);
  return {
    ...contact,
    nameKey: `${first} ${last}`.trim(),
    lastNameKey: `${last} ${first}`.trim(),
    phoneTails: [...new Set(phones.filter((d) => d.length > 0).map(reversed))],
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
