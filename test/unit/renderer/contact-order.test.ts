// The contact list's order read from memory (the search index) is the order IndexedDB's sort
// indexes walk: every sort and direction, ties broken by id, merged contacts left out, any row
// reachable by offset, and writes made after the index was read taken into account.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { StitchDb } from '../../../src-renderer/db';
import { newContact } from '../../../src-renderer/db/contacts';
import { ContactSearchIndex, type OrderIndex } from '../../../src-renderer/db/search-index';
import type { ContactRow } from '../../../src-renderer/db/types';
import { type ContactSort, contactsPage } from '../../../src-renderer/queries/contacts';
import { mergeContacts } from '../../../src-renderer/stitching/manual';
import { freshDb, settingsWith } from './support';

const SORTS: ContactSort[] = ['lastSeen', 'pageViews', 'clicks', 'name', 'createdAt'];
const INDEX: Record<ContactSort, OrderIndex> = {
  lastSeen: 'stats.lastSeen',
  pageViews: 'stats.pageViews',
  clicks: 'stats.clicks',
  name: 'nameKey',
  createdAt: 'createdAt',
};

/** 300 contacts with many equal sort values (ties), names with case and accents, ids out of order. */
async function seeded(): Promise<StitchDb> {
  const db = freshDb();
  const names = ['Ana', 'ana', 'Ángel', 'Zoë', 'ben', 'Ben', '李', 'Émile'];
  const rows: ContactRow[] = [];
  for (let i = 0; i < 300; i++) {
    const contact = newContact({
      id: `c${(i * 7919) % 1000}`,
      firstName: names[i % names.length] ?? 'X',
      lastName: String(i % 5),
      phone: `+1415555${String(1000 + i)}`,
      createdAt: 1_700_000_000_000 + (i % 13) * 1000,
    });
    contact.stats = { ...contact.stats, lastSeen: (i % 17) * 60_000, pageViews: i % 4, clicks: i % 3 };
    rows.push(contact);
  }
  await db.contacts.bulkAdd(rows);
  return db;
}

/** What walking the index in IndexedDB lists, merged contacts left out. */
async function walked(db: StitchDb, sortBy: ContactSort, direction: 'asc' | 'desc'): Promise<string[]> {
  const ordered = db.contacts.orderBy(INDEX[sortBy]);
  const all = await (direction === 'desc' ? ordered.reverse() : ordered).toArray();
  return all.filter((c) => !c.mergedInto).map((c) => c.id);
}

/** The list as the page reads it, window by window (the order comes from memory once warmed). */
async function listed(db: StitchDb, sortBy: ContactSort, direction: 'asc' | 'desc'): Promise<string[]> {
  const ids: string[] = [];
  for (let offset = 0; ; offset += 70) {
    const page = await contactsPage(db, { sortBy, direction, offset, limit: 70, countTable: false });
    ids.push(...page.rows.map((c) => c.id));
    if (page.rows.length < 70) return ids;
  }
}

describe('contact list order', () => {
  it('is the sort index order for every sort and direction, before and after the index is read', async () => {
    const db = await seeded();
    expect(db.searchIndex.order('nameKey', 'asc')).toBeNull(); // not read yet: the index is walked
    const before = await listed(db, 'name', 'asc');
    await db.searchIndex.matching({ text: 'x' }); // reads the contacts into memory
    for (const sortBy of SORTS) {
      for (const direction of ['asc', 'desc'] as const) {
        const merged = new Set(await db.contacts.orderBy('mergedInto').primaryKeys());
        const inMemory = db.searchIndex.order(INDEX[sortBy], direction)?.filter((id) => !merged.has(id));
        expect(inMemory).toEqual(await walked(db, sortBy, direction));
        expect(await listed(db, sortBy, direction)).toEqual(await walked(db, sortBy, direction));
      }
    }
    expect(await listed(db, 'name', 'asc')).toEqual(before);
  });

  it('leaves merged contacts out at any offset, and follows writes made after it was read', async () => {
    const db = await seeded();
    await db.searchIndex.matching({ text: 'x' });
    const first = await listed(db, 'lastSeen', 'desc');
    const [target, source] = [first[10], first[200]];
    if (!target || !source) throw new Error('seed too small');
    await mergeContacts(db, { targetId: target, sourceId: source, settings: settingsWith() });
    await db.contacts.update(first[250] ?? '', { 'stats.lastSeen': 99 * 60_000 });
    await db.contacts.delete(first[5] ?? '');
    await db.contacts.add(
      newContact({ id: 'late', firstName: 'Late', lastName: 'Comer', phone: '+14155559999' }),
    );
    for (const direction of ['asc', 'desc'] as const) {
      const merged = new Set(await db.contacts.orderBy('mergedInto').primaryKeys());
      const inMemory = db.searchIndex.order('stats.lastSeen', direction)?.filter((id) => !merged.has(id));
      expect(inMemory).toEqual(await walked(db, 'lastSeen', direction));
      const ids = await listed(db, 'lastSeen', direction);
      expect(ids).toEqual(await walked(db, 'lastSeen', direction));
      expect(ids).not.toContain(source);
      expect(ids).not.toContain(first[5]);
      expect(ids).toContain('late');
    }
    expect((await listed(db, 'lastSeen', 'desc'))[0]).toBe(first[250]);
    // Deep in the list: row 150 of the page read alone is row 150 of the walk.
    const deep = await contactsPage(db, { sortBy: 'name', direction: 'desc', offset: 150, limit: 3 });
    expect(deep.rows.map((c) => c.id)).toEqual((await walked(db, 'name', 'desc')).slice(150, 153));
  });
});

describe('reading the index in the background', () => {
  it('waits between its pages while a read the page waits on runs', async () => {
    const rows = Array.from({ length: 3_500 }, (_, i) => ({
      id: `c${String(i).padStart(5, '0')}`,
      firstName: 'P',
      lastName: String(i),
    }));
    const log: string[] = [];
    const index = new ContactSearchIndex({
      name: 'order-test',
      page: async (after, limit) => {
        log.push('page');
        const start = after === null ? 0 : rows.findIndex((r) => r.id === after) + 1;
        return rows.slice(start, start + limit);
      },
      get: async (ids) => ids.map((id) => rows.find((r) => r.id === id)),
    });
    let finish: () => void = () => undefined;
    const foreground = index.first(
      () =>
        new Promise<void>((resolve) => {
          log.push('foreground start');
          finish = () => {
            log.push('foreground end');
            resolve();
          };
        }),
    );
    index.warm();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(log).toEqual(['foreground start']); // the build has not read a page yet
    finish();
    await foreground;
    expect(await index.matching({ text: 'p 3499' })).toEqual(['c03499']);
    expect(log.slice(0, 3)).toEqual(['foreground start', 'foreground end', 'page']);
    expect(index.size()).toBe(3_500);
  });

  it('reads its next page only when the page is idle, unless a search waits for it', async () => {
    const rows = Array.from({ length: 3_500 }, (_, i) => ({
      id: `c${i}`,
      firstName: 'P',
      lastName: String(i),
    }));
    let pages = 0;
    const index = new ContactSearchIndex({
      name: 'idle-test',
      page: async (after, limit) => {
        pages++;
        const start = after === null ? 0 : rows.findIndex((r) => r.id === after) + 1;
        return rows.slice(start, start + limit);
      },
      get: async (ids) => ids.map((id) => rows.find((r) => r.id === id)),
    });
    // A page that is never idle: idle callbacks are held until released by hand.
    const held: (() => void)[] = [];
    globalThis.requestIdleCallback = (callback) => held.push(() => callback({} as IdleDeadline));
    globalThis.cancelIdleCallback = () => undefined;
    try {
      index.warm();
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(pages).toBe(0); // waiting for an idle moment before the first page
      held.shift()?.();
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(pages).toBe(1); // one page, then it waits again
      expect(index.size()).toBeNull();
      // A search waits for the index: the build goes on without waiting for idle moments.
      expect(await index.matching({ text: 'p 3499' })).toEqual(['c3499']);
      expect(pages).toBe(4);
      expect(index.size()).toBe(3_500);
    } finally {
      delete (globalThis as { requestIdleCallback?: unknown }).requestIdleCallback;
      delete (globalThis as { cancelIdleCallback?: unknown }).cancelIdleCallback;
    }
  });
});
