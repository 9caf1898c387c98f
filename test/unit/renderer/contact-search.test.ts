// Contains-search over the contact list: a term found anywhere in a name, an email (the domain
// too) or a phone number, and an in-memory index that stays in step with every way contacts are
// written: edits, imports, deletes, transactions that abort, and another window on the same store.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openStitchDb } from '../../../src-renderer/db';
import { newContact } from '../../../src-renderer/db/contacts';
import { emptyStats } from '../../../src-renderer/db/stats';
import { contactsPage, matchingContactIds } from '../../../src-renderer/queries/contacts';
import { mergeContacts } from '../../../src-renderer/stitching/manual';
import { freshDb, settingsWith } from './support';

async function people() {
  const db = freshDb();
  await db.contacts.bulkAdd([
    newContact({
      id: 'ana',
      firstName: 'Ana',
      lastName: 'Okafor',
      email: 'ana.okafor@gmail.com',
      phone: '+14155552671',
    }),
    newContact({
      id: 'ben',
      firstName: 'Ben',
      lastName: 'Goldsmith',
      email: 'ben@shop.co.uk',
      phone: '+442079460958',
    }),
    newContact({
      id: 'cy',
      firstName: 'Cy',
      lastName: 'Martin',
      email: 'cy@gmail.com',
      whatsapp: '+33612345678',
    }),
    newContact({
      id: 'dee',
      firstName: 'Dee',
      lastName: 'Smith',
      email: 'dee@example.org',
      phone: '+447911123456',
    }),
  ]);
  return db;
}

const found = async (db: ReturnType<typeof freshDb>, search: string, defaultCountry?: 'US' | 'GB') =>
  (await contactsPage(db, { search, sortBy: 'name', direction: 'asc', defaultCountry })).rows.map(
    (c) => c.id,
  );

describe('contact search', () => {
  it('finds a term anywhere in names, emails and phone digits', async () => {
    const db = await people();
    expect(await found(db, 'gmail.com')).toEqual(['ana', 'cy']);
    expect(await found(db, 'smith')).toEqual(['ben', 'dee']);
    expect(await found(db, 'kaf')).toEqual(['ana']);
    expect(await found(db, 'okafor ana')).toEqual(['ana']);
    expect(await found(db, 'shop.co')).toEqual(['ben']);
    // "+44" is the start of a number; digits without "+" are found anywhere in one.
    expect(await found(db, '+44')).toEqual(['ben', 'dee']);
    expect(await found(db, '+4420')).toEqual(['ben']);
    expect(await found(db, '555 26')).toEqual(['ana']);
    expect(await found(db, '7946')).toEqual(['ben']);
    expect(await found(db, '(415) 555-2671')).toEqual(['ana']);
    // A national number with its trunk 0, with and without knowing the country.
    expect(await found(db, '07911 123456')).toEqual(['dee']);
    expect(await found(db, '020 7946 0958', 'GB')).toEqual(['ben']);
    expect(await found(db, '6 12 34 56 78')).toEqual(['cy']);
    // "44" alone is too few digits for a phone search; it is still looked for as text.
    expect(await found(db, '44')).toEqual([]);
    expect(await found(db, 'nobody')).toEqual([]);
  });

  it('follows adds, edits, imports and deletes made after the first search', async () => {
    const db = await people();
    expect(await found(db, 'gmail')).toEqual(['ana', 'cy']);
    await db.contacts.add(
      newContact({ id: 'eve', firstName: 'Eve', lastName: 'Nakamura', email: 'eve@gmail.com' }),
    );
    await db.contacts.update('cy', { email: 'cy@proton.me' });
    await db.contacts.bulkPut([
      newContact({ id: 'fay', firstName: 'Fay', lastName: 'Gmailson' }),
      newContact({ id: 'gus', firstName: 'Gus', lastName: 'Ng', phone: '+14155550199' }),
    ]);
    await db.contacts.delete('ana');
    expect(await found(db, 'gmail')).toEqual(['eve', 'fay']);
    // Once read, the index also answers the list's total (a count of the table is slow).
    expect(db.searchIndex.size()).toBe(6);
    expect((await contactsPage(db, {})).total).toBe(6);
    expect(await found(db, 'proton')).toEqual(['cy']);
    expect(await found(db, '555 01')).toEqual(['gus']);
    await db.contacts.where('id').anyOf(['eve', 'fay']).modify({ lastName: 'Renamed' });
    expect(await found(db, 'renamed')).toEqual(['eve', 'fay']);
    await db.contacts.clear();
    expect(await found(db, 'renamed')).toEqual([]);
  });

  it('forgets what a transaction that aborted wrote', async () => {
    const db = await people();
    expect(await found(db, 'okafor')).toEqual(['ana']);
    await expect(
      db.transaction('rw', db.contacts, async () => {
        await db.contacts.update('ana', { lastName: 'Lindqvist' });
        // Inside the transaction the index already holds the new name; the rows read say otherwise.
        expect(await found(db, 'lindqvist')).toEqual(['ana']);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    await expect.poll(() => found(db, 'okafor')).toEqual(['ana']);
    expect(await found(db, 'lindqvist')).toEqual([]);
  });

  it('sees what another window wrote to the same store', async () => {
    const name = `shared-${Math.random().toString(36).slice(2)}`;
    const mine = openStitchDb(name);
    const theirs = openStitchDb(name);
    await mine.contacts.add(newContact({ id: 'ana', firstName: 'Ana', lastName: 'Okafor' }));
    expect(await found(mine, 'okafor')).toEqual(['ana']);
    await theirs.contacts.add(newContact({ id: 'ben', firstName: 'Ben', lastName: 'Okafor' }));
    await theirs.contacts.update('ana', { lastName: 'Lima' });
    await expect.poll(() => found(mine, 'okafor')).toEqual(['ben']);
    expect(await found(mine, 'lima')).toEqual(['ana']);
    mine.close();
    theirs.close();
  });

  it('pages a broad term in the list order with an exact count, and a bulk action gets every match', async () => {
    const db = freshDb();
    const rows = Array.from({ length: 3_000 }, (_, i) =>
      newContact({
        id: `c${String(i).padStart(4, '0')}`,
        firstName: `First${i}`,
        lastName: `Last${i}`,
        email: i % 3 === 0 ? `p${i}@other.net` : `p${i}@example.org`,
        stats: { ...emptyStats(), pageViews: i },
      }),
    );
    await db.contacts.bulkAdd(rows);
    await mergeContacts(db, { targetId: 'c0001', sourceId: 'c2999', settings: settingsWith() });
    const page = await contactsPage(db, {
      search: 'example.org',
      sortBy: 'pageViews',
      direction: 'desc',
      limit: 3,
    });
    // 2,000 emails at example.org, one of them merged away.
    expect(page.total).toBe(1_999);
    expect(page.rows.map((c) => c.id)).toEqual(['c2998', 'c2996', 'c2995']);
    const next = await contactsPage(db, {
      search: 'example.org',
      sortBy: 'pageViews',
      direction: 'desc',
      offset: 3,
      limit: 2,
    });
    expect(next.rows.map((c) => c.id)).toEqual(['c2993', 'c2992']);
    const ids = await matchingContactIds(db, { search: 'example.org' });
    expect(ids).toHaveLength(1_999);
    expect(ids).not.toContain('c2999');
    const narrow = await matchingContactIds(db, { search: 'other.net', filters: { engaged: 'web' } });
    // Every third contact (1,000 at other.net), less c0000: no page views.
    expect(narrow).toHaveLength(999);
    expect(narrow).not.toContain('c0000');
  });
});
