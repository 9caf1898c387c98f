// Bulk actions over every contact matching the list (not only a loaded page): take a tag off, set or
// clear a custom field; and the custom field filter that can choose them, combined with the others.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { newContact } from '../../../src-renderer/db/contacts';
import { removeFromContacts, setCustomField } from '../../../src-renderer/features/contacts/bulk-actions';
import { contactsPage, customFieldNames, matchingContactIds } from '../../../src-renderer/queries/contacts';
import { at, freshDb } from './support';

/** 250 contacts: every other one tagged "fair"; City cycles Porto / Lisbon / Braga; every fifth has a Company. */
async function crowd() {
  const db = freshDb();
  const cities = ['Porto', 'Lisbon', 'Braga'];
  await db.contacts.bulkAdd(
    Array.from({ length: 250 }, (_, i) =>
      newContact(
        {
          id: `c${String(i).padStart(3, '0')}`,
          firstName: `C${i}`,
          tags: i % 2 === 0 ? ['fair', 'vip'] : ['vip'],
          custom: { City: cities[i % 3] ?? '', ...(i % 5 === 0 ? { Company: `Acme ${i}` } : {}) },
        },
        at(i),
      ),
    ),
  );
  return db;
}

describe('custom field filter', () => {
  it('"is" matches the whole value ignoring case, "contains" any part; combined with a tag', async () => {
    const db = await crowd();
    const porto = await matchingContactIds(db, {
      filters: { custom: { field: 'City', op: 'equals', value: 'porto' } },
    });
    expect(porto).toHaveLength(84);
    expect(
      await matchingContactIds(db, { filters: { custom: { field: 'City', op: 'equals', value: 'Port' } } }),
    ).toEqual([]);
    const acme = await matchingContactIds(db, {
      filters: { custom: { field: 'Company', op: 'contains', value: 'ACME' } },
    });
    expect(acme).toHaveLength(50);
    // Porto (i % 3 == 0) and "fair" (i even): i % 6 == 0, 42 of them; the list's total agrees.
    const both = await contactsPage(db, {
      filters: { tag: 'fair', custom: { field: 'City', op: 'equals', value: 'Porto' } },
      limit: 10,
    });
    expect(both.total).toBe(42);
    expect(both.rows.every((c) => c.custom.City === 'Porto' && c.tags.includes('fair'))).toBe(true);
    // An empty value narrows nothing.
    expect(
      (await contactsPage(db, { filters: { custom: { field: 'City', op: 'contains', value: ' ' } } })).total,
    ).toBe(250);
  });

  it('names the custom fields in use for the picker', async () => {
    const db = await crowd();
    expect(await customFieldNames(db)).toEqual(['City', 'Company']);
  });
});

describe('bulk tag removal and field setting over all matches', () => {
  it('removes a tag from every match beyond the first 100, and only from them', async () => {
    const db = await crowd();
    const ids = await matchingContactIds(db, { filters: { tag: 'fair' } });
    expect(ids).toHaveLength(125);
    expect(await removeFromContacts(db, ids, 'tags', 'vip')).toBe(125);
    const stillVip = await db.contacts.where('tags').equals('vip').primaryKeys();
    expect(stillVip).toHaveLength(125);
    expect(await db.contacts.where('tags').equals('fair').count()).toBe(125);
    // Again: nobody has it any more.
    expect(await removeFromContacts(db, ids, 'tags', 'vip')).toBe(0);
  });

  it('sets a field on every match, then an empty value removes it; the filter sees the change', async () => {
    const db = await crowd();
    const lisbon = await matchingContactIds(db, {
      filters: { custom: { field: 'City', op: 'equals', value: 'Lisbon' } },
    });
    expect(lisbon).toHaveLength(83);
    expect(await setCustomField(db, lisbon, ' Region ', 'South ', at(1000))).toBe(83);
    const south = await matchingContactIds(db, {
      filters: { custom: { field: 'Region', op: 'equals', value: 'south' } },
    });
    expect(south.sort()).toEqual([...lisbon].sort());
    const one = await db.contacts.get(lisbon[0] ?? '');
    expect(one?.custom).toMatchObject({ City: 'Lisbon', Region: 'South' });
    expect(one?.updatedAt).toBe(at(1000));

    expect(await setCustomField(db, lisbon, 'City', '')).toBe(83);
    expect(
      await matchingContactIds(db, { filters: { custom: { field: 'City', op: 'equals', value: 'Lisbon' } } }),
    ).toEqual([]);
    expect((await db.contacts.get(lisbon[0] ?? ''))?.custom).toEqual({ Region: 'South' });
  });
});
