// A contact's stitched timeline: its own events (sends, clicks) plus, for each live visitor link,
// that visitor's events inside the link's [from, to) interval — index range queries, newest first.
import type { StitchDb } from '../db';
import { liveVisitorLinks, readWithFamily } from '../db/stats';
import type { EventRow } from '../db/types';

export type TimelineVia =
  | { kind: 'own'; contactId: string }
  | { kind: 'visitor'; contactId: string; visitorId: string; identityId: string }
  /** Shown only when asked for: a browser with a tentative link, from its tap on. */
  | { kind: 'tentative'; contactId: string; visitorId: string; tentativeId: string };

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
  {
    before,
    limit = 100,
    includeTentative = false,
  }: { before?: TimelineCursor; limit?: number; includeTentative?: boolean } = {},
): Promise<TimelinePage> {
  const upper = before?.timestamp ?? INF;
  const seen = new Set(before?.seenIds ?? []);
  // Each source needs at most `limit` unseen events, plus one to tell whether anything is older; the
  // ones already shown at `upper` come on top.
  const take = limit + 1 + seen.size;
  const ownEvents = async (id: string): Promise<TimelineItem[]> => {
    const rows = await db.events
      .where('[contactId+timestamp]')
      .between([id, NEG_INF], [id, upper], true, true)
      .reverse()
      .limit(take)
      .toArray();
    return rows.map((event): TimelineItem => ({ event, via: { kind: 'own', contactId: id } }));
  };
  const tentativeOf = async (ids: string[]) =>
    includeTentative
      ? (await db.tentativeLinks.where('contactId').anyOf(ids).toArray()).filter(
          (t) => t.status === 'tentative',
        )
      : [];
  // Links, own events and tentative links beside the family lookup: one round trip fewer before
  // the page, which a stitch waits for (bench: stitch.latency_ms).
  const { own, ofMerged } = await readWithFamily(db.contacts, contactId, (ids) =>
    Promise.all([
      liveVisitorLinks(db.identities, ids),
      Promise.all(ids.map(ownEvents)).then((rows) => rows.flat()),
      tentativeOf(ids),
    ]),
  );
  const links = [...own[0], ...(ofMerged?.[0] ?? [])];
  const ownItems = [...own[1], ...(ofMerged?.[1] ?? [])];
  const tentative = [...own[2], ...(ofMerged?.[2] ?? [])];

  /** A browser's events in `[from, to)` up to the cursor, newest first, shown as coming `via`. */
  const visitorEvents = async (
    visitorId: string,
    from: number,
    to: number | null,
    via: TimelineVia,
  ): Promise<TimelineItem[]> => {
    const until = to ?? INF;
    // `to` is exclusive; the cursor's timestamp is inclusive (its seen ids are filtered out).
    const [end, endInclusive] = upper < until ? [upper, true] : [until, false];
    if (end < from) return [];
    const rows = await db.events
      .where('[visitorId+timestamp]')
      .between([visitorId, from], [visitorId, end], true, endInclusive)
      .reverse()
      .limit(take)
      .toArray();
    return rows.map((event): TimelineItem => ({ event, via }));
  };
  const visitorQueries = links.map((link) =>
    visitorEvents(link.value, link.from, link.to, {
      kind: 'visitor',
      contactId: link.contactId,
      visitorId: link.value,
      identityId: link.id,
    }),
  );
  // A tentative browser's visits from its tap on, when asked for.
  const tentativeQueries = tentative.map((link) =>
    visitorEvents(link.visitorId, link.at, null, {
      kind: 'tentative',
      contactId: link.contactId,
      visitorId: link.visitorId,
      tentativeId: link.id,
    }),
  );

  const byId = new Map<string, TimelineItem>();
  for (const rows of await Promise.all([ownItems, ...visitorQueries, ...tentativeQueries])) {
    // A trusted link's claim on an event wins over a tentative one's.
    for (const item of rows) {
      if (seen.has(item.event.id)) continue;
      if (item.via.kind === 'tentative' && byId.has(item.event.id)) continue;
      byId.set(item.event.id, item);
    }
  }
  const sorted = [...byId.values()].sort(newestFirst);
  const items = sorted.slice(0, limit);
  const last = items[items.length - 1];
  if (!last || sorted.length <= limit) return { items, next: null };
  const atLast = items.filter((item) => item.event.timestamp === last.event.timestamp).map((i) => i.event.id);
  const carried = before && before.timestamp === last.event.timestamp ? before.seenIds : [];
  return { items, next: { timestamp: last.event.timestamp, seenIds: [...carried, ...atLast] } };
}
