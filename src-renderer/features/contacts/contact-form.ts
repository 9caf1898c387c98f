// The "Add contact" / "Edit contact" form's rules: emails checked, phones normalised to E.164 in
// the settings' default country, one contact per email or phone; saving keeps search keys in step.

import type { StitchDb } from '../../db';
import { CONSENT_CHANNELS, withConsent } from '../../db/consent';
import { newContact, withSearchKeys } from '../../db/contacts';
import type { ContactRow } from '../../db/types';
import { type CountryCode, normalizeEmail, normalizePhone } from '../../stitching/identifiers';
import { fullName } from '../../ui/contact-text';

export interface ContactDraft {
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  whatsapp: string;
  /** Comma-separated, as typed. */
  tags: string;
  lists: string;
  /** Imported or added custom fields, one `Field: value` per line. */
  custom: string;
  consent: ContactRow['consent'];
}

export type DraftField = 'firstName' | 'email' | 'phone' | 'whatsapp' | 'custom';
export type DraftErrors = Partial<Record<DraftField, string>>;

export interface CheckedDraft {
  errors: DraftErrors;
  /** Canonical values, present when the field was filled and valid. */
  custom?: Record<string, string>;
  email?: string;
  phone?: string;
  whatsapp?: string;
}

export const emptyDraft = (): ContactDraft => ({
  firstName: '',
  lastName: '',
  email: '',
  phone: '',
  whatsapp: '',
  tags: '',
  lists: '',
  custom: '',
  consent: { sms: false, whatsapp: false, email: false },
});

export function draftOf(contact: ContactRow): ContactDraft {
  return {
    firstName: contact.firstName,
    lastName: contact.lastName,
    email: contact.email ?? '',
    phone: contact.phone ?? '',
    whatsapp: contact.whatsapp ?? '',
    tags: contact.tags.join(', '),
    lists: contact.lists.join(', '),
    custom: Object.entries(contact.custom ?? {})
      .map(([field, value]) => `${field}: ${value}`)
      .join('\n'),
    consent: { ...contact.consent },
  };
}

/**
 * "City: Lisbon\nCompany: Acme" → { City: "Lisbon", Company: "Acme" }; an empty value drops the field.
 * A line without a colon is an error naming it, so nothing typed is silently lost.
 */
export function parseCustomFields(text: string): { fields: Record<string, string> } | { error: string } {
  const fields: Record<string, string> = {};
  const lines = text.split('\n');
  for (const [index, line] of lines.entries()) {
    if (!line.trim()) continue;
    const colon = line.indexOf(':');
    const field = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!field) return { error: `Line ${index + 1} needs a field name and a colon, like "City: Lisbon"` };
    const value = line.slice(colon + 1).trim();
    if (value) fields[field] = value;
  }
  return { fields };
}

/** "vip, spring ,vip" → ["vip", "spring"]. */
export const splitNames = (text: string): string[] => [
  ...new Set(
    text
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean),
  ),
];

/** Field checks that need no database: format of email and phones, and something to call the person. */
export function checkDraft(draft: ContactDraft, country: CountryCode): CheckedDraft {
  const checked: CheckedDraft = { errors: {} };
  const email = draft.email.trim();
  if (email) {
    const canonical = normalizeEmail(email);
    if (canonical) checked.email = canonical;
    else checked.errors.email = 'Enter a valid email address, like ana@company.com';
  }
  for (const field of ['phone', 'whatsapp'] as const) {
    const raw = draft[field].trim();
    if (!raw) continue;
    const e164 = normalizePhone(raw, country);
    if (e164) checked[field] = e164;
    else
      checked.errors[field] =
        `Not a valid phone number. Use international format (+44 20 7946 0958) or a ${country} number`;
  }
  const custom = parseCustomFields(draft.custom);
  if ('error' in custom) checked.errors.custom = custom.error;
  else checked.custom = custom.fields;
  if (!draft.firstName.trim() && !draft.lastName.trim() && !email && !draft.phone.trim()) {
    checked.errors.firstName = 'Give at least a name, an email or a phone number';
  }
  return checked;
}

/** Another contact already holding this email or phone, by field; merged contacts count as their target. */
export async function findDuplicates(
  db: StitchDb,
  checked: CheckedDraft,
  selfId?: string,
): Promise<DraftErrors> {
  const errors: DraftErrors = {};
  const other = async (rows: ContactRow[]): Promise<ContactRow | undefined> => {
    const found = rows.find((row) => row.id !== selfId);
    if (!found?.mergedInto) return found;
    return (await db.contacts.get(found.mergedInto)) ?? found;
  };
  if (checked.email) {
    const holder = await other(await db.contacts.where('email').equals(checked.email).toArray());
    if (holder) errors.email = `${fullName(holder)} already has this email`;
  }
  for (const field of ['phone', 'whatsapp'] as const) {
    const number = checked[field];
    if (!number) continue;
    const holders = await db.contacts.where('phone').equals(number).or('whatsapp').equals(number).toArray();
    const holder = await other(holders);
    if (holder) errors[field] = `${fullName(holder)} already has ${number}`;
  }
  return errors;
}

/** Writes the contact (new or edited) with fresh search keys; returns its id. */
export async function saveContact(
  db: StitchDb,
  draft: ContactDraft,
  checked: CheckedDraft,
  existing?: ContactRow,
  now = Date.now(),
): Promise<string> {
  // A consent ticked or unticked here is recorded as given by hand, now; unchanged ones keep their source.
  let consented: Pick<ContactRow, 'consent' | 'consentRecords'> = {
    consent: existing ? { ...existing.consent } : { sms: false, whatsapp: false, email: false },
    ...(existing?.consentRecords ? { consentRecords: existing.consentRecords } : {}),
  };
  for (const channel of CONSENT_CHANNELS) {
    if (draft.consent[channel] !== consented.consent[channel] || (!existing && draft.consent[channel]))
      consented = withConsent(consented, channel, draft.consent[channel], {
        at: now,
        source: existing ? 'Edited on the profile' : 'Added by hand',
      });
  }
  const fields = {
    firstName: draft.firstName.trim(),
    lastName: draft.lastName.trim(),
    tags: splitNames(draft.tags),
    lists: splitNames(draft.lists),
    custom: checked.custom ?? {},
    ...consented,
  };
  if (!existing) {
    const contact = newContact({ id: crypto.randomUUID(), ...fields }, now);
    if (checked.email) contact.email = checked.email;
    if (checked.phone) contact.phone = checked.phone;
    if (checked.whatsapp) contact.whatsapp = checked.whatsapp;
    await db.contacts.add(withSearchKeys(contact));
    return contact.id;
  }
  const {
    nameKey: _name,
    lastNameKey: _last,
    phoneTails: _tails,
    email: _email,
    phone: _phone,
    whatsapp: _whatsapp,
    ...rest
  } = existing;
  const updated = { ...rest, ...fields, updatedAt: now };
  await db.contacts.put(
    withSearchKeys({
      ...updated,
      ...(checked.email ? { email: checked.email } : {}),
      ...(checked.phone ? { phone: checked.phone } : {}),
      ...(checked.whatsapp ? { whatsapp: checked.whatsapp } : {}),
    }),
  );
  return existing.id;
}
