// The contact list over 100,000 rows (index-backed sort, contains-search, phone in any format) and a
// contact's identities panel, each link with its explanation.
import Dexie from 'dexie';
import { customFieldsOf } from '../campaigns/merge-fields';
import type { StitchDb } from '../db';
import { digitsOf } from '../db/contacts';
import { holds, type OrderIndex, type SearchTerm, sortedAsIndex } from '../db/search-index';
import { mergedFamily } from '../db/stats';
import type { Channel, ContactRow, IdentityRow, MessageRow, VisitorRow } from '../db/types';
import { rowHolds } from '../segments/evaluate';
import type { SegmentCondition } from '../segments/model';
import { explainLinkRow, type LinkExplanation } from '../stitching/explain';
import { type CountryCode, normalizePhone } from '../stitching/identifiers';
import { rootContactId } from '../stitching/refresh';

export type ContactSort = 'lastSeen' | 'pageViews' | 'clicks' | 'name' | 'createdAt';

export interface ContactsPageQuery {
  sortBy?: ContactSort;
  direction?: 'asc' | 'desc';
  search?: string;
  filters?: ContactFilters;
  offset?: number;
  limit?: number;
  /** For phones typed without `+`. */
  defaultCountry?: CountryCode;
  /**
   * false: leave out a total that needs counting the whole table (no search, no narrowing filter):
   * IndexedDB counts row by row, ~0.5 s at 100,000 contacts, so the list paints its rows first and
   * asks `contactsTotal` apart.
   */
  countTable?: boolean;
}

export interface ContactFilters {
  tag?: string;
  list?: string;
  /** true: linked to at least one browser now; false: to none. */
  stitched?: boolean;
  /** Clicked a link of an SMS or WhatsApp campaign, or viewed pages on the website. */
  engaged?: 'sms' | 'whatsapp' | 'web';
  /** Consented to this channel. Consent is not indexed, so this one filter reads every contact. */
  consent?: 'sms' | 'whatsapp' | 'email';
  /**
   * An imported custom field (City, Company…) equal to or containing a value, ignoring case, as a
   * segment's field condition means it. Not indexed either: it reads every contact.
   */
  custom?: CustomFieldFilter;
}

export interface CustomFieldFilter {
  field: string;
  op: 'equals' | 'contains';
  value: string;
}

export interface ContactsPage {
  rows: ContactRow[];
  /** Every matching contact, not only the page's; undefined when left to `contactsTotal`. */
  total: number | undefined;
}

const SORT_INDEX: Record<ContactSort, OrderIndex> = {
  lastSeen: 'stats.lastSeen',
  pageViews: 'stats.pageViews',
  clicks: 'stats.clicks',
  name: 'nameKey',
  createdAt: 'createdAt',
};

export async function contactsPage(db: StitchDb, query: ContactsPageQuery = {}): Promise<ContactsPage> {
  const { sortBy = 'lastSeen', direction = 'desc', offset = 0, limit = 50, filters = {} } = query;
  const search = query.search?.trim().toLowerCase() ?? '';
  // The page waits on these reads: they go before the search index's own (a search waits for it).
  const { listedId, page } = await db.searchIndex.first(async () => {
    // Merged contacts live on through their target: they are not listed.
    const merged = new Set(await db.contacts.orderBy('mergedInto').primaryKeys());
    const { allowed, excluded } = await filteredIds(db, filters);
    const listedId = (id: string): boolean =>
      !merged.has(id) && !excluded.has(id) && (!allowed || allowed.has(id));
    if (search) return { listedId };
    const unfiltered = !allowed && merged.size === 0 && excluded.size === 0;
    const [rows, total] = await Promise.all([
      windowOf(db, sortBy, direction, unfiltered ? null : listedId, offset, limit),
      allowed
        ? Promise.resolve([...allowed].filter((id) => !merged.has(id) && !excluded.has(id)).length)
        : query.countTable === false
          ? Promise.resolve(undefined)
          : listedCount(db, merged, excluded),
    ]);
    return { listedId, page: { rows, total } };
  });
  return page ?? searchPage(db, searchTermOf(search, query.defaultCountry), listedId, query);
}

/**
 * Rows `offset` to `offset + limit` of the list in this sort, of the contacts `listed` keeps (all
 * when null). From the search index's order once it is read: a slice, then the rows in one request.
 * Until then the sort index is walked: over keys alone when nothing is left out (a cursor over
 * values measured 3.5 s to row 50,000 on a 2-core box, over keys 1.5–2.7 s), else over the rows,
 * checking each.
 */
async function windowOf(
  db: StitchDb,
  sortBy: ContactSort,
  direction: 'asc' | 'desc',
  listed: ((id: string) => boolean) | null,
  offset: number,
  limit: number,
): Promise<ContactRow[]> {
  // Near the top a cursor is quicker than sorting every contact (a ~200 ms task at 100,000 after
  // each change: the first render measured 1.4 s with it); deeper, the order in memory.
  const order = offset > SHALLOW ? db.searchIndex.order(SORT_INDEX[sortBy], direction) : null;
  if (order) {
    const ids = listed ? sliceOf(order, listed, offset, limit) : order.slice(offset, offset + limit);
    // The rows are read by key; one more row of the table keeps a live query watching all of it.
    const [rows] = await Promise.all([rowsOf(db, ids), db.contacts.limit(1).toArray()]);
    return rows;
  }
  const ordered = db.contacts.orderBy(SORT_INDEX[sortBy]);
  const collection = direction === 'desc' ? ordered.reverse() : ordered;
  if (listed)
    return collection
      .filter((c) => listed(c.id))
      .offset(offset)
      .limit(limit)
      .toArray();
  // One getAllKeys up to the window instead measured slower (4.8 s to row 50,000 with the count).
  return rowsOf(db, await collection.offset(offset).limit(limit).primaryKeys());
}

/** The rows of these ids, in their order; one deleted since its id was read is left out (a live query runs again for it). */
async function rowsOf(db: StitchDb, ids: string[]): Promise<ContactRow[]> {
  return (await db.contacts.bulkGet(ids)).filter((row): row is ContactRow => row !== undefined);
}

/** Windows starting at or before this row are read by a cursor from the index's start. */
const SHALLOW = 1_000;

/** Ids `offset` to `offset + limit` of those in `ids` that `keep` keeps, in their order. */
function sliceOf(
  ids: readonly string[],
  keep: (id: string) => boolean,
  offset: number,
  limit: number,
): string[] {
  const out: string[] = [];
  let skip = offset;
  for (const id of ids) {
    if (!keep(id)) continue;
    if (skip > 0) skip--;
    else if (out.push(id) >= limit) break;
  }
  return out;
}

/** The total `contactsPage` leaves out with `countTable: false`, for the same filters. */
export async function contactsTotal(db: StitchDb, filters: ContactFilters = {}): Promise<number> {
  const merged = new Set(await db.contacts.orderBy('mergedInto').primaryKeys());
  const { allowed, excluded } = await filteredIds(db, filters);
  if (allowed) return [...allowed].filter((id) => !merged.has(id) && !excluded.has(id)).length;
  return listedCount(db, merged, excluded);
}

/**
 * Contacts stored less merged and excluded ones (excluded ids are listed contacts, never merged
 * ones, so the sets do not overlap). The search index's size once it is read; a one-row read keeps
 * a live query watching the table as the count did.
 */
async function listedCount(db: StitchDb, merged: Set<string>, excluded: Set<string>): Promise<number> {
  const [stored] = await Promise.all([
    db.searchIndex.size() ?? db.contacts.count(),
    db.contacts.limit(1).toArray(),
  ]);
  return stored - merged.size - excluded.size;
}

/**
 * Every contact the list shows for this search and these filters, not only the loaded window:
 * what a bulk action over "all matching" acts on. Keys only, so it stays cheap at 100,000 contacts.
 */
export async function matchingContactIds(
  db: StitchDb,
  query: Pick<ContactsPageQuery, 'search' | 'filters' | 'defaultCountry'> = {},
): Promise<string[]> {
  const search = query.search?.trim().toLowerCase() ?? '';
  const merged = new Set(await db.contacts.orderBy('mergedInto').primaryKeys());
  const { allowed, excluded } = await filteredIds(db, query.filters ?? {});
  const ids = search
    ? await db.searchIndex.matching(searchTermOf(search, query.defaultCountry))
    : allowed
      ? [...allowed]
      : await db.contacts.toCollection().primaryKeys();
  return ids.filter((id) => !merged.has(id) && !excluded.has(id) && (!allowed || allowed.has(id)));
}

/**
 * Ids the filters allow (null when no filter narrows the list) and ids they exclude. Index-backed
 * except consent; engagement and links resolve merged contacts to the contact they live on in.
 */
async function filteredIds(
  db: StitchDb,
  filters: ContactFilters,
): Promise<{ allowed: Set<string> | null; excluded: Set<string> }> {
  const sets: Set<string>[] = [];
  let excluded = new Set<string>();
  if (filters.tag) sets.push(new Set(await db.contacts.where('tags').equals(filters.tag).primaryKeys()));
  if (filters.list) sets.push(new Set(await db.contacts.where('lists').equals(filters.list).primaryKeys()));
  if (filters.stitched !== undefined) {
    const stitched = await stitchedContactIds(db);
    if (filters.stitched) sets.push(stitched);
    else excluded = stitched;
  }
  if (filters.engaged === 'web') {
    sets.push(new Set(await db.contacts.where('stats.pageViews').above(0).primaryKeys()));
  } else if (filters.engaged) {
    sets.push(await clickedContactIds(db, filters.engaged));
  }
  if (filters.consent) {
    const channel = filters.consent;
    sets.push(new Set(await db.contacts.filter((c) => c.consent[channel]).primaryKeys()));
  }
  const custom = filters.custom;
  if (custom?.field && custom.value.trim()) {
    const condition: SegmentCondition = {
      kind: 'field',
      field: `custom.${custom.field}`,
      op: custom.op,
      value: custom.value.trim(),
    };
    sets.push(new Set(await db.contacts.filter((c) => rowHolds(condition, c)).primaryKeys()));
  }
  const [first, ...rest] = sets;
  if (!first) return { allowed: null, excluded };
  return { allowed: new Set([...first].filter((id) => rest.every((set) => set.has(id)))), excluded };
}

/** Contacts (roots) with at least one live visitor link: the `[kind+value]` index over visitor links. */
async function stitchedContactIds(db: StitchDb): Promise<Set<string>> {
  const links = await db.identities
    .where('[kind+value]')
    .between(['visitor', Dexie.minKey], ['visitor', Dexie.maxKey])
    .filter((link) => link.revokedAt === null)
    .toArray();
  return rootsOf(
    db,
    links.map((link) => link.contactId),
  );
}

/** Contacts (roots) who clicked a tracked link of a campaign on this channel. */
async function clickedContactIds(db: StitchDb, channel: Channel): Promise<Set<string>> {
  const campaigns = await db.campaigns.filter((c) => c.channel === channel).primaryKeys();
  const clicks = await db.events
    .where('[campaignId+type]')
    .anyOf(campaigns.map((id) => [id, 'link_click']))
    .toArray();
  return rootsOf(
    db,
    clicks.map((e) => e.contactId).filter((id): id is string => id !== undefined),
  );
}

async function rootsOf(db: StitchDb, contactIds: string[]): Promise<Set<string>> {
  const roots = new Set<string>();
  for (const id of new Set(contactIds)) roots.add(await rootContactId(db, id));
  return roots;
}

/**
 * What a search box term looks for: the text anywhere in a name or email, and when it reads as a
 * phone number, its digits anywhere in a number ("(415) 555-2671", "555 26", "07911 123456" as
 * typed, without the trunk 0, or as the default country's E.164), or with `+` the start of one.
 */
function searchTermOf(term: string, defaultCountry?: CountryCode): SearchTerm {
  const found: SearchTerm = { text: term };
  if (!/^[+\d\s().-]+$/.test(term)) return found;
  const digits = digitsOf(term);
  if (term.startsWith('+') && digits.length > 0) {
    found.phonePrefix = digits;
  } else if (digits.length >= PHONE_DIGITS_MIN) {
    const e164 = normalizePhone(term, defaultCountry);
    const candidates = [digits, digits.replace(/^0+/, ''), e164 ? digitsOf(e164) : ''];
    found.phoneDigits = [...new Set(candidates.filter((d) => d.length >= PHONE_DIGITS_MIN))];
  }
  return found;
}

/** Fewer digits than this match too many numbers to be a phone search ("12" is in most). */
const PHONE_DIGITS_MIN = 3;

/** A page of the contacts a search matches, in the list's sort, with the exact count. */
async function searchPage(
  db: StitchDb,
  term: SearchTerm,
  listed: (id: string) => boolean,
  query: ContactsPageQuery,
): Promise<ContactsPage> {
  const { sortBy = 'lastSeen', direction = 'desc', offset = 0, limit = 50 } = query;
  // The index lives outside IndexedDB: reading one row of the table through its primary key makes
  // a live query re-run on any contact change, as a query over an index range would (a new contact
  // can match the search). One row, not a count: IndexedDB counts row by row.
  const [matched] = await Promise.all([db.searchIndex.matching(term), db.contacts.limit(1).toArray()]);
  const ids = matched.filter(listed);
  // Rows are checked again as read: the index already holds writes still in flight.
  const matches = (c: ContactRow | undefined): c is ContactRow => c !== undefined && holds(c, term);
  if (ids.length > SORT_IN_MEMORY) {
    const wanted = new Set(ids);
    const rows = await windowOf(db, sortBy, direction, (id) => wanted.has(id), offset, limit);
    return { rows: rows.filter(matches), total: ids.length };
  }
  const found = sortedAsIndex(
    (await db.contacts.bulkGet(ids)).filter(matches),
    SORT_INDEX[sortBy],
    direction,
  );
  return { rows: found.slice(offset, offset + limit), total: found.length };
}

/** Up to this many matches are read and sorted alone; beyond it the list's order picks them out. */
const SORT_IN_MEMORY = 2_000;

/** Contacts read for the custom field names: imports give every row the same columns, so a sample tells. */
const FIELD_SAMPLE = 5_000;

/** Custom field names in use (City, Company…), sorted, for field pickers: read from a sample of contacts. */
export async function customFieldNames(db: StitchDb): Promise<string[]> {
  return [...customFieldsOf(await db.contacts.limit(FIELD_SAMPLE).toArray())].sort();
}

export interface ContactIdentity {
  link: IdentityRow;
  explanation: LinkExplanation;
  visitor?: VisitorRow;
}

/** The identities panel: every link of the contact (and contacts merged into it), newest first. */
export async function contactIdentities(
  db: StitchDb,
  contactId: string,
  { includeRevoked = true }: { includeRevoked?: boolean } = {},
): Promise<ContactIdentity[]> {
  const family = await mergedFamily(db.contacts, contactId);
  const links = (await db.identities.where('contactId').anyOf(family).toArray())
    .filter((l) => includeRevoked || l.revokedAt === null)
    .sort((a, b) => b.from - a.from || (a.id < b.id ? -1 : 1));
  return Promise.all(
    links.map(async (link) => {
      const [explanation, visitor] = await Promise.all([
        explainLinkRow(db, link),
        link.kind === 'visitor' ? db.visitors.get(link.value) : undefined,
      ]);
      const identity: ContactIdentity = { link, explanation };
      if (visitor) identity.visitor = visitor;
      return identity;
    }),
  );
}

/** The contact's messages whose link was forwarded (shown as a flag on the profile). */
export async function forwardedMessagesOf(db: StitchDb, contactId: string): Promise<MessageRow[]> {
  const family = await mergedFamily(db.contacts, contactId);
  return (await db.messages.where('contactId').anyOf(family).toArray()).filter((m) => m.forwarded);
}
