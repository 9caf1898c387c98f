// What the contact list does to many selected contacts at once: tag them (or take a tag off), put them
// on a list, set a custom field, record their consent, or delete them with their history (through
// `eraseContact`, so nothing of them dangles).
import type { Bridge } from '../../../src-main/shared/bridge';
import type { StitchDb } from '../../db';
import { withConsent } from '../../db/consent';
import { withSearchKeys } from '../../db/contacts';
import type { ConsentChannel, ConsentRecord, ContactRow } from '../../db/types';
import { eraseFromStore, finishPendingRedaction } from '../../stitching/erase';

/**
 * One bulk change in one transaction: each contact that `needs` it gets `change`d; returns how
 * many changed (the others already held it).
 */
async function changeEach(
  db: StitchDb,
  contactIds: string[],
  needs: (contact: ContactRow) => boolean,
  change: (contact: ContactRow) => ContactRow,
): Promise<number> {
  return db.transaction('rw', db.contacts, async () => {
    const contacts = (await db.contacts.bulkGet(contactIds)).filter((c) => c !== undefined);
    const changed = contacts.filter(needs).map(change);
    await db.contacts.bulkPut(changed);
    return changed.length;
  });
}

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
  return changeEach(
    db,
    contactIds,
    (c) => !c[field].includes(value),
    (c) => withSearchKeys({ ...c, [field]: [...c[field], value], updatedAt: now }),
  );
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
  return changeEach(
    db,
    contactIds,
    (c) => c[field].includes(value),
    (c) => ({ ...c, [field]: c[field].filter((v) => v !== value), updatedAt: now }),
  );
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
  return changeEach(
    db,
    contactIds,
    (c) => (c.custom[field] ?? '') !== text,
    (c) => {
      const { [field]: _old, ...others } = c.custom;
      return { ...c, custom: text ? { ...others, [field]: text } : others, updatedAt: now };
    },
  );
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
  return changeEach(
    db,
    contactIds,
    (c) => c.consent[channel] !== granted,
    (c) => ({ ...withConsent(c, channel, granted, proof), updatedAt: now }),
  );
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
