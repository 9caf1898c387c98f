// Which saved segments one contact is in (the profile's list): its stitched timeline, evaluated.
import type { StitchDb } from '../db';
import type { SegmentRow } from '../db/types';
import { contactTimeline } from '../queries/timeline';
import { type ContactFacts, evaluateSegment } from './evaluate';

/** Far more than a profile's timeline holds; the timeline query reads it from indexes either way. */
const ALL_EVENTS = 1_000_000;

/** The contact row and every event on its stitched timeline (trusted links only, as audiences use). */
export async function contactFacts(db: StitchDb, contactId: string): Promise<ContactFacts | null> {
  const contact = await db.contacts.get(contactId);
  if (!contact) return null;
  const page = await contactTimeline(db, contactId, { limit: ALL_EVENTS });
  return { contact, events: page.items.map((item) => item.event) };
}

export async function segmentsOfContact(
  db: StitchDb,
  contactId: string,
  now = Date.now(),
): Promise<SegmentRow[]> {
  const [facts, segments] = await Promise.all([
    contactFacts(db, contactId),
    db.segments.orderBy('name').toArray(),
  ]);
  if (!facts || facts.contact.mergedInto) return [];
  return segments.filter((segment) => evaluateSegment(segment.definition, facts, now));
}
