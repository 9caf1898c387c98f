// How a contact is named on screen: full name, else email or phone, so no row reads blank.
import type { ContactRow } from '../db/types';

export function fullName(contact: Pick<ContactRow, 'firstName' | 'lastName' | 'email' | 'phone'>): string {
  const name = `${contact.firstName} ${contact.lastName}`.trim();
  return name || contact.email || contact.phone || 'Unnamed contact';
}

/** Name plus the identifier that tells two namesakes apart, for pickers. */
export function contactLabel(contact: ContactRow): string {
  const detail = contact.email ?? contact.phone ?? contact.whatsapp;
  const name = fullName(contact);
  return detail && detail !== name ? `${name} · ${detail}` : name;
}
