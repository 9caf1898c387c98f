// The contact search index: every contact's names, email and phone digits held in memory, so a
// search matches anywhere in them ("gmail.com", "+44", middle digits) over 100,000 contacts in a
// few milliseconds. It holds each contact's sort values too, so the list can open at any row:
// IndexedDB reaches row 50,000 of an index only by stepping through the 49,999 before it (2.5 s on
// a 2-core box, more with merged contacts left out row by row), memory in a slice. IndexedDB can
// only match a key's start, and an index of every trigram was measured and dropped (import 4×
// slower, search slower: bench/README.md); this costs one read of the contacts when the first
// search needs it, then nothing on a write but a string per row.
//
// Kept in step by a DBCore middleware: each write to `contacts` is applied as it is made (so a
// search can see a row still being written: callers check the rows they read, see `holds`), a
// transaction that aborts has its rows read again, and writes made by another window on the same
// store arrive over a BroadcastChannel and are read again too.
import type { DBCore, DBCoreMutateRequest, DBCoreMutateResponse, DBCoreTransaction, Middleware } from 'dexie';
import { digitsOf } from './contacts';
import type { ContactRow } from './types';

export type SearchableContact = Pick<ContactRow, 'id' | 'firstName' | 'lastName'> &
  Partial<Pick<ContactRow, 'email' | 'phone' | 'whatsapp' | 'nameKey' | 'createdAt'>> & {
    stats?: Partial<Pick<ContactRow['stats'], 'lastSeen' | 'pageViews' | 'clicks'>>;
  };

/** The `contacts` indexes the list sorts by, each read from a row as IndexedDB reads it. */
const ORDER_KEYS = {
  'stats.lastSeen': (c: SearchableContact) => c.stats?.lastSeen,
  'stats.pageViews': (c: SearchableContact) => c.stats?.pageViews,
  'stats.clicks': (c: SearchableContact) => c.stats?.clicks,
  nameKey: (c: SearchableContact) => c.nameKey,
  createdAt: (c: SearchableContact) => c.createdAt,
} satisfies Record<string, (c: SearchableContact) => unknown>;

export type OrderIndex = keyof typeof ORDER_KEYS;
const ORDER_INDEXES = Object.keys(ORDER_KEYS) as OrderIndex[];

type SortValue = number | string | undefined;

/** What a search box term asks for, worked out by the query (phone parsing lives there). */
export interface SearchTerm {
  /** Lower-case: found anywhere in "first last", "last first" or the email. */
  text: string;
  /** Digits found anywhere in a phone or WhatsApp number. */
  phoneDigits?: string[];
  /** Digits a phone or WhatsApp number (E.164, without `+`) starts with: a term typed with `+`. */
  phonePrefix?: string;
}

interface Entry {
  /** "first last\0last first\0email", lower-case. */
  text: string;
  /** "\0digits\0digits": the separator before each number makes "starts with" a substring test. */
  phones: string;
  /** The row's value in each of ORDER_INDEXES, in that order; undefined where the index has no entry. */
  sort: SortValue[];
}

const SEP = '\u0000';

function entryOf(contact: SearchableContact): Entry {
  const first = contact.firstName.trim().toLowerCase();
  const last = contact.lastName.trim().toLowerCase();
  const email = (contact.email ?? '').toLowerCase();
  return {
    text: `${first} ${last}${SEP}${last} ${first}${SEP}${email}`,
    phones: `${SEP}${digitsOf(contact.phone ?? '')}${SEP}${digitsOf(contact.whatsapp ?? '')}`,
    sort: ORDER_INDEXES.map((index) => sortValueOf(ORDER_KEYS[index](contact))),
  };
}

/** A value as an index holds it: numbers and strings are keys; anything else leaves the row out. */
function sortValueOf(value: unknown): SortValue {
  if (typeof value === 'number') return Number.isNaN(value) ? undefined : value;
  return typeof value === 'string' ? value : undefined;
}

/** IndexedDB's key order for these values: every number before every string; then by code unit. */
function compareKeys(a: number | string, b: number | string): number {
  if (typeof a !== typeof b) return typeof a === 'number' ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

interface Keyed {
  id: string;
  value: SortValue;
}

/** Order as an index walks in `direction`: by value, ties by id, reversed for desc; no value last. */
function compareKeyed(a: Keyed, b: Keyed, sign: 1 | -1): number {
  if (a.value === undefined || b.value === undefined) {
    if (a.value !== b.value) return a.value === undefined ? 1 : -1;
  } else {
    const byValue = compareKeys(a.value, b.value);
    if (byValue !== 0) return byValue * sign;
  }
  return (a.id < b.id ? -1 : 1) * sign;
}

/**
 * Contacts as read sorted as the index `index` walks them in `direction` (what a small search sorts
 * its matches by); one without a value (no index entry) comes last.
 */
export function sortedAsIndex<T extends SearchableContact>(
  contacts: T[],
  index: OrderIndex,
  direction: 'asc' | 'desc',
): T[] {
  const sign = direction === 'asc' ? 1 : -1;
  const keyed = contacts.map((contact) => ({
    id: contact.id,
    value: sortValueOf(ORDER_KEYS[index](contact)),
    contact,
  }));
  return keyed.sort((a, b) => compareKeyed(a, b, sign)).map((k) => k.contact);
}

function entryHolds(entry: Entry, term: SearchTerm): boolean {
  if (term.text && entry.text.includes(term.text)) return true;
  if (term.phonePrefix && entry.phones.includes(SEP + term.phonePrefix)) return true;
  return term.phoneDigits?.some((digits) => entry.phones.includes(digits)) ?? false;
}

/** Whether a contact as read now matches the term: what a search checks its rows with. */
export function holds(contact: SearchableContact, term: SearchTerm): boolean {
  return entryHolds(entryOf(contact), term);
}

/** A change to apply: rows written, ids deleted, ids to read again, or everything to read again. */
type Change =
  | { kind: 'set'; rows: SearchableContact[] }
  | { kind: 'delete'; ids: string[] }
  | { kind: 'reread'; ids: string[] }
  | { kind: 'all' };

type Message = { ids: string[] } | { all: true };

export interface ContactSource {
  /** The store's name: other windows on the same store share a channel by it. */
  readonly name: string;
  /** Up to `limit` contacts with ids after `after` (all from the start when null), in id order. */
  page(after: string | null, limit: number): Promise<SearchableContact[]>;
  get(ids: string[]): Promise<(SearchableContact | undefined)[]>;
}

/** Rows read per request while building: large enough to be quick, small enough to keep the page responsive. */
const BUILD_PAGE = 1_000;
/** The longest a page of the build waits for an idle moment: a busy page still gets its index. */
const IDLE_WAIT_MS = 1_000;

export class ContactSearchIndex {
  private readonly entries = new Map<string, Entry>();
  /** Set once the first search asks; resolves when every contact is in. */
  private built: Promise<void> | null = null;
  /** Changes made while the build reads, applied after it in the order they came. */
  private queued: Change[] | null = null;
  private channel: BroadcastChannel | null = null;
  /** Reads the page is waiting on (see `first`); the build reads its next page when none is left. */
  private foreground = 0;
  private resumeBuild: (() => void) | null = null;
  /** Searches waiting for the index; while none is, the build reads its next page when the page is idle. */
  private waiting = 0;
  private wakeBuild: (() => void) | null = null;
  /** Sorted ids per index and direction, dropped on any change and sorted again when next asked. */
  private readonly orders = new Map<string, string[]>();

  constructor(private readonly source: ContactSource) {}

  /** Starts reading the contacts in the background (a page about to offer search calls this). */
  warm(): void {
    this.open();
    void this.ready().catch(() => undefined);
  }

  /**
   * How many contacts the store holds (merged ones included), once the index is read: IndexedDB
   * counts row by row (~0.5 s at 100,000), the index knows. Null until then.
   */
  size(): number | null {
    return this.built && !this.queued ? this.entries.size : null;
  }

  /**
   * Runs a read the page is waiting on ahead of the build: the build waits between its pages while
   * one runs. A cursor's every step is a request of its own, and each queued behind a page of the
   * build made a jump to row 50,000 take 7 s instead of 2.5 s while the index was being read.
   */
  async first<T>(read: () => Promise<T>): Promise<T> {
    this.foreground++;
    try {
      return await read();
    } finally {
      if (--this.foreground === 0) {
        this.resumeBuild?.();
        this.resumeBuild = null;
      }
    }
  }

  /** Ids of every contact the term matches, in no particular order (merged ones included). */
  async matching(term: SearchTerm): Promise<string[]> {
    this.open();
    this.waiting++;
    this.wakeBuild?.();
    try {
      await this.ready();
    } finally {
      this.waiting--;
    }
    const ids: string[] = [];
    for (const [id, entry] of this.entries) if (entryHolds(entry, term)) ids.push(id);
    return ids;
  }

  /**
   * Every contact (merged ones included) in the order the index `index` walks in `direction`
   * (ties by id, as IndexedDB orders them; rows without a value are not in an index, nor here), or
   * null until the contacts are read: the caller walks the index instead.
   */
  order(index: OrderIndex, direction: 'asc' | 'desc'): readonly string[] | null {
    if (this.size() === null) return null;
    const cacheKey = `${index}:${direction}`;
    const cached = this.orders.get(cacheKey);
    if (cached) return cached;
    const at = ORDER_INDEXES.indexOf(index);
    const keyed: Keyed[] = [];
    for (const [id, entry] of this.entries) {
      const value = entry.sort[at];
      if (value !== undefined) keyed.push({ id, value });
    }
    const sign = direction === 'asc' ? 1 : -1;
    keyed.sort((a, b) => compareKeyed(a, b, sign));
    const ids = keyed.map((k) => k.id);
    this.orders.set(cacheKey, ids);
    return ids;
  }

  /** The DBCore middleware that keeps the index in step with the `contacts` table. */
  middleware(): Middleware<DBCore> {
    return {
      stack: 'dbcore',
      name: 'contactSearchIndex',
      create: (down) => ({
        ...down,
        table: (tableName) => {
          const table = down.table(tableName);
          if (tableName !== 'contacts') return table;
          return {
            ...table,
            mutate: async (request) => {
              const response = await table.mutate(request);
              this.written(request, response);
              return response;
            },
          };
        },
      }),
    };
  }

  private ready(): Promise<void> {
    if (!this.built) {
      this.built = this.build().catch((error: unknown) => {
        // A failed read leaves nothing half-built: the next search starts over.
        this.built = null;
        this.queued = null;
        throw error;
      });
    }
    return this.built;
  }

  private async build(): Promise<void> {
    for (;;) {
      this.queued = [];
      this.entries.clear();
      this.orders.clear();
      let after: string | null = null;
      for (;;) {
        if (this.foreground > 0) await new Promise<void>((resume) => (this.resumeBuild = resume));
        if (this.waiting === 0) await this.idle();
        const rows = await this.source.page(after, BUILD_PAGE);
        for (const row of rows) this.entries.set(row.id, entryOf(row));
        const last = rows[rows.length - 1];
        if (!last || rows.length < BUILD_PAGE) break;
        after = last.id;
      }
      const queued = this.queued;
      this.queued = null;
      // The table was cleared while it was read: read it again.
      if (queued.some((change) => change.kind === 'all')) continue;
      for (const change of queued) this.apply(change);
      return;
    }
  }

  /**
   * Until the page is idle (or IDLE_WAIT_MS), or a search starts waiting. Each page read costs the
   * main thread its rows' deserialization and entries: read back to back right after an import,
   * they made the contact list's first render 0.6 s instead of 0.2 s (long tasks of 150-480 ms).
   */
  private idle(): Promise<void> {
    if (typeof requestIdleCallback !== 'function') return Promise.resolve();
    return new Promise<void>((resume) => {
      const go = () => {
        this.wakeBuild = null;
        resume();
      };
      const handle = requestIdleCallback(go, { timeout: IDLE_WAIT_MS });
      this.wakeBuild = () => {
        cancelIdleCallback(handle);
        go();
      };
    });
  }

  private written(request: DBCoreMutateRequest, response: DBCoreMutateResponse): void {
    const change = changeOf(request, response);
    if (!change) return;
    this.apply(change);
    const ids =
      change.kind === 'set' ? change.rows.map((row) => row.id) : change.kind === 'delete' ? change.ids : [];
    // A transaction that aborts stored none of its rows: what is stored is what counts.
    whenDone(request.trans, 'abort', () =>
      this.apply(change.kind === 'all' ? change : { kind: 'reread', ids }),
    );
    // Other windows read the rows again once they are stored.
    whenDone(request.trans, 'complete', () =>
      this.open()?.postMessage(change.kind === 'all' ? { all: true } : { ids }),
    );
  }

  private apply(change: Change): void {
    if (!this.built) return; // Nothing read yet: the build will read the rows as they are then.
    if (this.queued) {
      this.queued.push(change);
      return;
    }
    this.orders.clear();
    switch (change.kind) {
      case 'set':
        for (const row of change.rows) this.entries.set(row.id, entryOf(row));
        break;
      case 'delete':
        for (const id of change.ids) this.entries.delete(id);
        break;
      case 'reread':
        void this.reread(change.ids);
        break;
      case 'all':
        // Read everything again when the next search asks.
        this.built = null;
        this.entries.clear();
        break;
    }
  }

  /** Reads rows again; a row written here meanwhile keeps what was written (it is newer). */
  private async reread(ids: string[]): Promise<void> {
    const before = ids.map((id) => this.entries.get(id));
    const rows = await this.source.get(ids);
    this.orders.clear();
    ids.forEach((id, i) => {
      if (this.entries.get(id) !== before[i]) return;
      const row = rows[i];
      if (row) this.entries.set(id, entryOf(row));
      else this.entries.delete(id);
    });
  }

  /** The channel windows on the same store tell each other which contacts they wrote, opened on first use. */
  private open(): BroadcastChannel | null {
    if (this.channel || typeof BroadcastChannel === 'undefined') return this.channel;
    const channel = new BroadcastChannel(`stitchdesk.contactSearch.${this.source.name}`);
    // Node (unit tests) would otherwise keep running for the channel's sake.
    (channel as { unref?: () => void }).unref?.();
    channel.onmessage = ({ data }: MessageEvent<Message>) => {
      if ('all' in data) this.apply({ kind: 'all' });
      else if (Array.isArray(data.ids)) this.apply({ kind: 'reread', ids: data.ids });
    };
    this.channel = channel;
    return channel;
  }
}

function changeOf(request: DBCoreMutateRequest, response: DBCoreMutateResponse): Change | null {
  switch (request.type) {
    case 'add':
    case 'put': {
      const failed = response.failures;
      const rows = (request.values as SearchableContact[]).filter((_, i) => !(i in failed));
      return rows.length > 0 ? { kind: 'set', rows } : null;
    }
    case 'delete':
      return { kind: 'delete', ids: request.keys as string[] };
    case 'deleteRange':
      return { kind: 'all' };
  }
}

/** Runs `then` when the IndexedDB transaction under a DBCore transaction commits or aborts. */
function whenDone(trans: DBCoreTransaction, outcome: 'complete' | 'abort', then: () => void): void {
  if ('addEventListener' in trans && typeof trans.addEventListener === 'function') {
    trans.addEventListener(outcome, then, { once: true });
  }
}
