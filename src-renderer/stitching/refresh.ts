// Keeps derived fields in step after links change outside ingest: a visitor's "stitched" flag and
// the stats of the contacts (roots) involved. Call inside the transaction that changed the links.
import type { StitchDb } from '../db';
import { computeContactStats } from '../db/stats';
import { openLinkOf } from './rules';

/** The contact a (possibly merged) contact's history now belongs to. */
export async function rootContactId(db: StitchDb, contactId: string): Promise<string> {
  let id = contactId;
  for (let hops = 0; hops < 32; hops++) {
    const next = (await db.contacts.get(id))?.mergedInto;
    if (!next) return id;
    id = next;
  }
  return id;
}

export async function refreshAfterLinkChange(
  db: StitchDb,
  visitorIds: Iterable<string>,
  contactIds: Iterable<string>,
): Promise<void> {
  for (const visitorId of new Set(visitorIds)) {
    const links = await db.identities.where('[kind+value]').equals(['visitor', visitorId]).toArray();
    await db.visitors.update(visitorId, { stitched: openLinkOf(links) ? 1 : 0 });
  }
  const roots = new Set<string>();
  for (const id of contactIds) {
    roots.add(id);
    roots.add(await rootContactId(db, id));
  }
  for (const id of roots) {
    if (!(await db.contacts.get(id))) continue;
    await db.contacts.update(id, { stats: await computeContactStats(db, id) });
  }
}
