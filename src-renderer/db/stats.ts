// Per-contact stats computed from the interval model: each live visitor link's share of its
// browser's history, plus the contact's own events. Used after stitch changes and by the v2 upgrade.
import type { Table } from 'dexie';
import type { ContactRow, ContactStats, EventRow, IdentityRow, SessionRow, VisitorRow } from './types';

/** The tables stats read; a StitchDb or an upgrade transaction's tables both fit. */
export interface StatsTables {
  contacts: Table<ContactRow, string>;
  identities: Table<IdentityRow, string>;
  events: Table<EventRow, string>;
  sessions: Table<SessionRow, string>;
  visitors: Table<VisitorRow, string>;
}

export const emptyStats = (): ContactStats => ({
  lastSeen: 0,
  pageViews: 0,
  sessions: 0,
  clicks: 0,
  messages: 0,
  visitors: 0,
});

/** The contact and every contact merged into it (transitively): a merged contact's history is its target's. */
export async function mergedFamily(
  contacts: Table<ContactRow, string>,
  contactId: string,
): Promise<string[]> {
  const family = [contactId];
  for (let i = 0; i < family.length; i++) {
    const id = family[i] as string;
    const children = await contacts.where('mergedInto').equals(id).primaryKeys();
    for (const child of children) if (!family.includes(child)) family.push(child);
  }
  return family;
}

/**
 * `read` for a contact and for the contacts merged into it: the contact's own read goes beside the
 * family lookup rather than after it (most contacts have nobody merged into them), since every
 * round trip in a row is felt by a stitch; the merged contacts' read, if any, follows.
 */
export async function readWithFamily<T>(
  contacts: Table<ContactRow, string>,
  contactId: string,
  read: (ids: string[]) => Promise<T>,
): Promise<{ own: T; ofMerged: T | undefined }> {
  const [family, own] = await Promise.all([mergedFamily(contacts, contactId), read([contactId])]);
  const merged = family.filter((id) => id !== contactId);
  return { own, ofMerged: merged.length ? await read(merged) : undefined };
}

/** Live (unrevoked) visitor links of a set of contacts. */
export async function liveVisitorLinks(
  identities: Table<IdentityRow, string>,
  contactIds: string[],
): Promise<IdentityRow[]> {
  const links = await identities.where('contactId').anyOf(contactIds).toArray();
  return links.filter((link) => link.kind === 'visitor' && link.revokedAt === null);
}

/**
 * Whether a link covers its browser's whole history, so the browser's own counters are the link's
 * share: ingest keeps them exact (every page event and session counted as it is stored) and so
 * does an erasure that leaves part of a browser (stitching/erase.ts recounts them).
 */
export const coversAll = (link: IdentityRow, visitor: VisitorRow | undefined): visitor is VisitorRow =>
  visitor !== undefined && link.to === null && link.from <= visitor.firstSeen;

/** Adds a browser's counters to stats, for a link over its whole history (see `coversAll`). */
export function addWholeBrowser(stats: ContactStats, visitor: VisitorRow): void {
  stats.pageViews += visitor.pageViews;
  stats.sessions += visitor.sessions;
  stats.lastSeen = Math.max(stats.lastSeen, visitor.lastSeen);
}

/**
 * Stats of a contact, including contacts merged into it. No event rows of its browsers are read: a
 * link over a browser's whole history (the usual lookback) takes the browser's counters, and one
 * over part of it counts its index range. Counting a range costs IndexedDB a walk of every entry:
 * at 10,000 earlier events, 100-190 ms of a stitch on disk against the counters' one read.
 */
export async function computeContactStats(
  tables: StatsTables,
  contactId: string,
  /** Browsers as the caller holds them, written in the same transaction (a batch's): not read again. */
  fresh?: ReadonlyMap<string, VisitorRow>,
): Promise<ContactStats> {
  // Family, links, browsers and own events were four reads in a row, about a third of a one-event
  // batch's writes on disk; now two (links and own events beside the family, then browsers).
  const { own, ofMerged } = await readWithFamily(tables.contacts, contactId, (ids) =>
    Promise.all([liveVisitorLinks(tables.identities, ids), eventsOf(tables.events, ids)]),
  );
  const links = [...own[0], ...(ofMerged?.[0] ?? [])];
  const ownEvents = [...own[1], ...(ofMerged?.[1] ?? [])];
  const stats = emptyStats();
  stats.visitors = new Set(links.map((link) => link.value)).size;
  const unread = [...new Set(links.map((link) => link.value))].filter((id) => !fresh?.has(id));
  const read = new Map<string, VisitorRow | undefined>();
  if (unread.length) {
    const rows = await tables.visitors.bulkGet(unread);
    for (const [i, id] of unread.entries()) read.set(id, rows[i]);
  }
  const visitors = links.map((link) => fresh?.get(link.value) ?? read.get(link.value));
  await Promise.all(
    links.map(async (link, i) => {
      const to = link.to ?? Number.POSITIVE_INFINITY;
      if (to <= link.from) return;
      const visitor = visitors[i];
      if (coversAll(link, visitor)) {
        addWholeBrowser(stats, visitor);
        return;
      }
      const [pageViews, sessions, lastKey] = await Promise.all([
        tables.events
          .where('[visitorId+type+timestamp]')
          .between([link.value, 'page', link.from], [link.value, 'page', to], true, false)
          .count(),
        tables.sessions
          .where('[visitorId+start]')
          .between([link.value, link.from], [link.value, to], true, false)
          .count(),
        tables.events
          .where('[visitorId+timestamp]')
          .between([link.value, link.from], [link.value, to], true, false)
          .lastKey(),
      ]);
      stats.pageViews += pageViews;
      stats.sessions += sessions;
      if (Array.isArray(lastKey)) stats.lastSeen = Math.max(stats.lastSeen, Number(lastKey[1]));
    }),
  );
  for (const event of ownEvents) {
    if (event.type === 'link_click') {
      stats.clicks += 1;
      stats.lastSeen = Math.max(stats.lastSeen, event.timestamp);
    } else if (event.type === 'message_sent') {
      stats.messages += 1;
    }
  }
  return stats;
}

/** The contacts' own events (clicks, sends: those that name a contact), read per contact. */
async function eventsOf(events: Table<EventRow, string>, contactIds: string[]): Promise<EventRow[]> {
  const perContact = await Promise.all(
    contactIds.map((id) =>
      events
        .where('[contactId+timestamp]')
        .between([id, Number.NEGATIVE_INFINITY], [id, Number.POSITIVE_INFINITY])
        .toArray(),
    ),
  );
  return perContact.flat();
}
