// Merge fields in campaign text: `{{first_name}}`, `{{last_name}}`, `{{custom.<field>}}` or a bare
// custom field name, each with an optional fallback (`{{first_name|there}}`) used when the value is empty.
import type { ContactRow } from '../db/types';

export interface MergeField {
  /** The whole `{{…}}` as written. */
  raw: string;
  /** The field name, trimmed (`first_name`, `custom.city`, `city`). */
  name: string;
  fallback?: string;
  start: number;
  end: number;
}

/** Built-in fields every contact has. */
export const BUILT_IN_FIELDS = [
  'first_name',
  'last_name',
  'full_name',
  'email',
  'phone',
  'whatsapp',
] as const;

const MERGE_FIELD = /\{\{([^{}|]*)(?:\|([^{}]*))?\}\}/g;

export function parseMergeFields(text: string): MergeField[] {
  const fields: MergeField[] = [];
  for (const match of text.matchAll(MERGE_FIELD)) {
    const field: MergeField = {
      raw: match[0],
      name: (match[1] ?? '').trim(),
      start: match.index,
      end: match.index + match[0].length,
    };
    if (match[2] !== undefined) field.fallback = match[2].trim();
    fields.push(field);
  }
  return fields;
}

const customKey = (name: string): string =>
  name.startsWith('custom.') ? name.slice('custom.'.length) : name;

/** True when `name` is a built-in field or one of `customFields` (with or without `custom.`). */
export function isKnownField(name: string, customFields: ReadonlySet<string>): boolean {
  if ((BUILT_IN_FIELDS as readonly string[]).includes(name)) return true;
  return customFields.has(customKey(name));
}

/** Field names in `text` that no contact can fill: shown before sending so a typo is not sent as-is. */
export function unknownMergeFields(text: string, customFields: ReadonlySet<string>): string[] {
  const unknown = parseMergeFields(text)
    .map((f) => f.name)
    .filter((name) => !isKnownField(name, customFields));
  return [...new Set(unknown)];
}

/** The contact's value for a field ('' when it has none). */
export function mergeFieldValue(contact: ContactRow, name: string): string {
  switch (name) {
    case 'first_name':
      return contact.firstName.trim();
    case 'last_name':
      return contact.lastName.trim();
    case 'full_name':
      return `${contact.firstName} ${contact.lastName}`.trim();
    case 'email':
      return contact.email ?? '';
    case 'phone':
      return contact.phone ?? '';
    case 'whatsapp':
      return contact.whatsapp ?? contact.phone ?? '';
    default:
      return (contact.custom[customKey(name)] ?? '').trim();
  }
}

/**
 * Replaces every merge field with the contact's value, or its fallback when the value is empty;
 * `escapeValue` applies to what is put in (an email's HTML part escapes it: a name is text, not markup).
 */
export function renderMergeFields(
  text: string,
  contact: ContactRow,
  escapeValue: (value: string) => string = (value) => value,
): string {
  return text.replace(MERGE_FIELD, (_raw, name: string, fallback: string | undefined) => {
    const value = mergeFieldValue(contact, name.trim());
    return escapeValue(value !== '' ? value : (fallback?.trim() ?? ''));
  });
}

/** Custom field names used by any of `contacts`, for the composer's field list and unknown-field checks. */
export function customFieldsOf(contacts: Iterable<ContactRow>): Set<string> {
  const names = new Set<string>();
  for (const contact of contacts) for (const key of Object.keys(contact.custom)) names.add(key);
  return names;
}
