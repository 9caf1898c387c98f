// Contains-search over 100,000 contacts: names, email (the domain too) and phone digits anywhere.
// No IndexedDB index answers "contains", and reading every row per keystroke is far too slow, so
// each store keeps one search line per contact in memory, loaded once and kept in step with every
// write to the contacts table (Dexie's `storagemutated`, which other tabs' writes reach too).
import Dexie, { cmp, type ObservabilitySet, RangeSet } from 'dexie';
import type { StitchDb } from '../db';
import { digitsOf } from '../db/contacts';
import type { ContactRow } from '../db/types';
import { type CountryCode, normalizePhone } from '../stitching/identifiers';

/** Past this many changed contacts a full reload is cheaper than fetching each one. */
const FULL_RELOAD_AFTER = 20_000;
/** Rows read per step of a full load: small enough that no step blocks scrolling or typing. */
const LOAD_CHUNK = 5_000;

interface SearchLine {
  /** "first last\nlast first\nemail", lower-case. */
  text: string;
  /** Digits of phone and WhatsApp numbers, "\n"-separated. */
  digits: string;
}

const lineOf = (c: ContactRow): SearchLine => ({
  text: `${c.nameKey}\n${c.lastNameKey}\n${c.email ?? ''}`,
  digits: [c.phone, c.whatsapp]
    .filter((p): p is string => !!p)
    .map(digitsOf)
    .join('\n'),
});

class ContactSearchIndex {
  private lines = new Map<string, SearchLine>();
  private loading: Promise<void> | null = null;
  /** Contacts written since the lines were read; `all` when a write's keys were not listed. */
  private changed: Set<string> | 'all' = 'all';

  constructor(private readonly db: StitchDb) {
    const part = `idb://${db.name}/contacts/`;
    Dexie.on('storagemutated', (parts: ObservabilitySet) => {
      const keys = parts[part];
      if (!keys) return;
      this.bump();
      if (this.changed === 'all') return;
      for (const node of RangeSet(keys)) {
        // A single key is one written contact; a range (a clear, a deleted range) is many.
        if (typeof node.from === 'string' && cmp(node.from, node.to) === 0) this.changed.add(node.from);
        else {
          this.changed = 'all';
          return;
        }
      }
      if (this.changed.size > FULL_RELOAD_AFTER) this.changed = 'all';
    });
  }

  /** The lines have been read in full once: later changes are small reads. */
  loaded = false;

  /** Brings the lines up to date: a full read the first time, then only the contacts written since. */
  async ready(): Promise<void> {
    while (this.loading) await this.loading;
    if (this.changed !== 'all' && this.changed.size === 0) return;
    this.loading = this.refresh().finally(() => {
      this.loading = null;
    });
    await this.loading;
  }

  private async refresh(): Promise<void> {
    const changed = this.changed;
    // Writes that land while reading are noted again, and picked up by the next search.
    this.changed = new Set();
    if (changed === 'all') {
      this.lines = await readAllLines(this.db);
      this.loaded = true;
      this.bump();
      return;
    }
    const ids = [...changed];
    const rows = await this.db.contacts.bulkGet(ids);
    rows.forEach((row, i) => {
      const id = ids[i];
      if (id === undefined) return;
      if (row) this.lines.set(id, lineOf(row));
      else this.lines.delete(id);
    });
  }

  /** Counts writes to the contacts table, so a view of search results knows to search again. */
  version = 0;
  private readonly listeners = new Set<() => void>();

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private bump(): void {
    this.version += 1;
    for (const listener of this.listeners) listener();
  }

  /** Ids of up to `cap` contacts whose name or email contains the term, or whose phone digits do. */
  async search(term: string, cap: number, defaultCountry?: CountryCode): Promise<string[]> {
    await this.ready();
    const text = term.trim().toLowerCase();
    if (!text) return [];
    const matchers: ((line: SearchLine) => boolean)[] = [(line) => line.text.includes(text)];
    const digits = digitsOf(text);
    if (/^[+\d\s().-]+$/.test(text) && digits.length > 0) {
      if (text.startsWith('+')) {
        // "+44" and "+44 7400": numbers in that country (code), from their start.
        matchers.push((line) => line.digits.split('\n').some((d) => d.startsWith(digits)));
      } else if (digits.length >= 3) {
        // Digits anywhere; a national number ("0170 1234567") also as the E.164 it stands for.
        const e164 = normalizePhone(text, defaultCountry);
        const national = e164 ? digitsOf(e164) : null;
        matchers.push(
          (line) => line.digits.includes(digits) || (national !== null && line.digits.includes(national)),
        );
      }
    }
    const found: string[] = [];
    for (const [id, line] of this.lines) {
      if (matchers.some((matches) => matches(line))) {
        found.push(id);
        if (found.length >= cap) break;
      }
    }
    return found;
  }
}

/**
 * Every row's search line, read with plain IndexedDB getAll calls in steps by primary key, yielding
 * between them so no step blocks scrolling or typing for long. Dexie collections read the same rows
 * several times slower (measured at 100,000 contacts).
 */
async function readAllLines(db: StitchDb): Promise<Map<string, SearchLine>> {
  await db.open();
  const idb = db.backendDB();
  const lines = new Map<string, SearchLine>();
  let last: string | undefined;
  for (;;) {
    const range = last === undefined ? undefined : IDBKeyRange.lowerBound(last, true);
    const rows = await new Promise<ContactRow[]>((resolve, reject) => {
      const request = idb
        .transaction('contacts', 'readonly')
        .objectStore('contacts')
        .getAll(range, LOAD_CHUNK);
      request.onsuccess = () => resolve(request.result as ContactRow[]);
      request.onerror = () => reject(request.error);
    });
    for (const c of rows) lines.set(c.id, lineOf(c));
    last = rows.at(-1)?.id;
    if (rows.length < LOAD_CHUNK || last === undefined) return lines;
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

const indexes = new WeakMap<StitchDb, ContactSearchIndex>();

function indexOf(db: StitchDb): ContactSearchIndex {
  let index = indexes.get(db);
  if (!index) {
    index = new ContactSearchIndex(db);
    indexes.set(db, index);
  }
  return index;
}

/** Contacts matching `term` (contains), at most `cap` of them, in no particular order. */
export async function searchContactIds(
  db: StitchDb,
  term: string,
  cap: number,
  defaultCountry?: CountryCode,
): Promise<string[]> {
  return indexOf(db).search(term, cap, defaultCountry);
}

/**
 * Reads the search lines ahead of a search, outside any live query: a live query that read the whole
 * table would also cache and watch all of it, which made the first search of 100,000 take seconds.
 */
export function warmContactSearch(db: StitchDb): Promise<void> {
  return indexOf(db).ready();
}

/** Subscribes to writes of contacts (for `useSyncExternalStore`); returns the unsubscribe. */
export function subscribeContactSearch(db: StitchDb, listener: () => void): () => void {
  return indexOf(db).subscribe(listener);
}

export function contactSearchVersion(db: StitchDb): number {
  return indexOf(db).version;
}

/** Whether the lines are in memory (a search then only reads the contacts written since). */
export function contactSearchReady(db: StitchDb): boolean {
  return indexes.get(db)?.loaded === true;
}
