// What the contact list does to many selected contacts at once: tag them (or take a tag off), put them
// on a list, set a custom field, record their consent, or delete them with their history (through
// `eraseContact`, so nothing of them dangles).
import type { Bridge } from '../../../src-main/shared/bridge';
import type { StitchDb } from '../../db';
import { withConsent } from '../../db/consent';
import { withSearchKeys } from '../../db/contacts';
import type { ConsentChannel, ConsentRecord } from '../../db/types';
import { eraseFromStore, finishPendingRedaction } from '../../stitching/erase';

/** Adds `name` to each contact's tags or lists; returns how many changed. */
export async function addToContacts(
  db: StitchDb,
  contactIds: string[],
  field: 'tags' | 'lists',
  name: string,
  now = Date.now(),
): Promise<number> {
  const value = name.trim();
  if (!value) return 0;
  return db.transaction('rw', db.contacts, async () => {
    const contacts = (await db.contacts.bulkGet(contactIds)).filter((c) => c !== undefined);
    const changed = contacts
      .filter((c) => !c[field].includes(value))
      .map((c) => withSearchKeys({ ...c, [field]: [...c[field], value], updatedAt: now }));
    await db.contacts.bulkPut(changed);
    return changed.length;
  });
}

/** Takes `name` off each contact's tags or lists; returns how many changed. */
export async function removeFromContacts(
  db: StitchDb,
  contactIds: string[],
  field: 'tags' | 'lists',
  name: string,
  now = Date.now(),
): Promise<number> {
  const value = name.trim();
  if (!value) return 0;
  return db.transaction('rw', db.contacts, async () => {
    const contacts = (await db.contacts.bulkGet(contactIds)).filter((c) => c !== undefined);
    const changed = contacts
      .filter((c) => c[field].includes(value))
      .map((c) => ({ ...c, [field]: c[field].filter((v) => v !== value), updatedAt: now }));
    await db.contacts.bulkPut(changed);
    return changed.length;
  });
}

/**
 * Sets a custom field (City, Company…) to `value` on each contact; an empty value removes the field,
 * as on the profile's form. Returns how many changed.
 */
export async function setCustomField(
  db: StitchDb,
  contactIds: string[],
  name: string,
  value: string,
  now = Date.now(),
): Promise<number> {
  const field = name.trim();
  const text = value.trim();
  if (!field) return 0;
  return db.transaction('rw', db.contacts, async () => {
    const contacts = (await db.contacts.bulkGet(contactIds)).filter((c) => c !== undefined);
    const changed = contacts
      .filter((c) => (c.custom[field] ?? '') !== text)
      .map((c) => {
        const { [field]: _old, ...others } = c.custom;
        return { ...c, custom: text ? { ...others, [field]: text } : others, updatedAt: now };
      });
    await db.contacts.bulkPut(changed);
    return changed.length;
  });
}

/** Records one consent answer on each contact, with its source; returns how many changed. */
export async function recordConsent(
  db: StitchDb,
  contactIds: string[],
  channel: ConsentChannel,
  record: ConsentRecord,
  now = Date.now(),
): Promise<number> {
  const { granted, ...proof } = record;
  return db.transaction('rw', db.contacts, async () => {
    const contacts = (await db.contacts.bulkGet(contactIds)).filter((c) => c !== undefined);
    const changed = contacts
      .filter((c) => c.consent[channel] !== granted)
      .map((c) => ({ ...withConsent(c, channel, granted, proof), updatedAt: now }));
    await db.contacts.bulkPut(changed);
    return changed.length;
  });
}

/** People per journal pass: a pass reads the whole journal, so erasures share one. */
const REDACT_EVERY = 100;

/**
 * Deletes contacts one by one (each erasure is its own transaction), reporting progress; their
 * records leave the journal in one pass per 100 people.
 */
export async function deleteContacts(
  db: StitchDb,
  bridge: Pick<Bridge, 'invoke'>,
  contactIds: string[],
  onProgress?: (done: number) => void,
): Promise<number> {
  let done = 0;
  let pending = 0;
  for (const id of contactIds) {
    // A contact merged into another selected one was erased with it.
    if (await db.contacts.get(id)) {
      await eraseFromStore(db, id);
      pending += 1;
    }
    if (pending >= REDACT_EVERY) {
      await finishPendingRedaction(db, bridge);
      pending = 0;
    }
    done += 1;
    onProgress?.(done);
  }
  if (pending > 0) await finishPendingRedaction(db, bridge);
  return done;
}
