// The tags and lists in use, read by skipping from value to value: the same set and order as
// Dexie's `uniqueKeys()`, and a live query over it sees a tag added or the last use of one removed.
import 'fake-indexeddb/auto';
import { liveQuery } from 'dexie';
import { describe, expect, it } from 'vitest';
import { newContact } from '../../../src-renderer/db/contacts';
import { distinctStringKeys } from '../../../src-renderer/db/distinct-keys';
import { freshDb } from './support';

describe('distinctStringKeys', () => {
  it('lists each tag once, sorted as IndexedDB sorts, as uniqueKeys does', async () => {
    const db = freshDb();
    const tags = ['vip', 'spring', 'spring-2025', 'Spring', 'éte', 'a', '', 'z\u0000', 'z'];
    await db.contacts.bulkAdd(
      Array.from({ length: 200 }, (_, i) =>
        newContact({
          id: `c${i}`,
          tags: i % 9 === 0 ? [] : [tags[i % tags.length] ?? 'x', tags[(i * 5) % tags.length] ?? 'x'],
          lists: i % 50 === 0 ? ['newsletter'] : [],
        }),
      ),
    );
    const expected = (await db.contacts.orderBy('tags').uniqueKeys()).map(String);
    expect(expected.length).toBeGreaterThan(5);
    expect(await distinctStringKeys(db.contacts, 'tags')).toEqual(expected);
    expect(await distinctStringKeys(db.contacts, 'lists')).toEqual(['newsletter']);
    await db.contacts.clear();
    expect(await distinctStringKeys(db.contacts, 'tags')).toEqual([]);
  });

  it('re-runs a live query when a tag is added or no longer used', async () => {
    const db = freshDb();
    await db.contacts.bulkAdd([
      newContact({ id: 'a', tags: ['m'] }),
      newContact({ id: 'b', tags: ['m', 'x'] }),
    ]);
    const seen: string[][] = [];
    const subscription = liveQuery(() => distinctStringKeys(db.contacts, 'tags')).subscribe((v) =>
      seen.push(v),
    );
    const until = async (want: string[]) => {
      for (let i = 0; i < 200 && JSON.stringify(seen.at(-1)) !== JSON.stringify(want); i++)
        await new Promise((r) => setTimeout(r, 10));
      expect(seen.at(-1)).toEqual(want);
    };
    await until(['m', 'x']);
    await db.contacts.add(newContact({ id: 'c', tags: ['a'] })); // below every value seen
    await until(['a', 'm', 'x']);
    await db.contacts.add(newContact({ id: 'd', tags: ['zz'] })); // above every value seen
    await until(['a', 'm', 'x', 'zz']);
    await db.contacts.update('b', { tags: ['m'] });
    await until(['a', 'm', 'zz']);
    subscription.unsubscribe();
  });
});
