// A contact's stitched timeline: its own events (sends, clicks) plus, for each live visitor link,
// that visitor's events inside the link's [from, to) interval — index range queries, newest first.
import type { StitchDb } from '../db';
import { liveVisitorLinks, mergedFamily } from '../db/stats';
import type { EventRow } from '../db/types';

export type TimelineVia =
  | { kind: 'own'; contactId: string }
  | { kind: 'visitor'; contactId: string; visitorId: string; identityId: string };

export interface TimelineItem {
  event: EventRow;
  /** Why the event is on this profile. */
  via: TimelineVia;
}

/** Where the next page starts: events older than `timestamp`, or at it but not yet shown. */
export interface TimelineCursor {
  timestamp: number;
  seenIds: string[];
}

export interface TimelinePage {
  items: TimelineItem[];
  /** null when there is nothing older. */
  next: TimelineCursor | null;
}

const NEG_INF = Number.NEGATIVE_INFINITY;
const INF = Number.POSITIVE_INFINITY;

const newestFirst = (a: TimelineItem, b: TimelineItem): number =>
  b.event.timestamp - a.event.timestamp || (a.event.id < b.event.id ? 1 : a.event.id > b.event.id ? -1 : 0);

/** One page of a contact's timeline (including contacts merged into it). */
export async function contactTimeline(
  db: StitchDb,
  contactId: string,
  { before, limit = 100 }: { before?: TimelineCursor; limit?: number } = {},
): Promise<TimelinePage> {
  const family = await mergedFamily(db.contacts, contactId);
  const links = await liveVisitorLinks(db.identities, family);
  const upper = before?.timestamp ?? INF;
  const seen = new Set(before?.seenIds ?? []);
  // Each source needs at most `limit` unseen events, plus one to tell whether anything is older; the
  // ones already shown at `upper` come on top.
  const take = limit + 1 + seen.size;

  const ownQueries = family.map(async (id) => {
    const rows = await db.events
      .where('[contactId+timestamp]')
      .between([id, NEG_INF], [id, upper], true, true)
      .reverse()
      .limit(take)
      .toArray();
    return rows.map((event): TimelineItem => ({ event, via: { kind: 'own', contactId: id } }));
  });
  const visitorQueries = links.map(async (link) => {
    const to = link.to ?? INF;
    // `to` is exclusive; the cursor's timestamp is inclusive (its seen ids are filtered out).
    const [end, endInclusive] = upper < to ? [upper, true] : [to, false];
    if (end < link.from) return [];
    const rows = await db.events
      .where('[visitorId+timestamp]')
      .between([link.value, link.from], [link.value, end], true, endInclusive)
      .reverse()
      .limit(take)
      .toArray();
    return rows.map(
      (event): TimelineItem => ({
        event,
        via: { kind: 'visitor', contactId: link.contactId, visitorId: link.value, identityId: link.id },
      }),
    );
  });

  const byId = new Map<string, TimelineItem>();
  for (const rows of await Promise.all([...ownQueries, ...visitorQueries])) {
    for (const item of rows) if (!seen.has(item.event.id)) byId.set(item.event.id, item);
  }
  const sorted = [...byId.values()].sort(newestFirst);
  const items = sorted.slice(0, limit);
  const last = items[items.length - 1];
  if (!last || sorted.length <= limit) return { items, next: null };
  const atLast = items.filter((item) => item.event.timestamp === last.event.timestamp).map((i) => i.event.id);
  const carried = before && before.timestamp === last.event.timestamp ? before.seenIds : [];
  return { items, next: { timestamp: last.event.timestamp, seenIds: [...carried, ...atLast] } };
}
