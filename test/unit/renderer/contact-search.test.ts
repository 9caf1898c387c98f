// Contains-search: a part of a name, an email's domain, phone digits anywhere and a country code
// find their contacts, and the in-memory search lines follow every later write (add, edit, delete,
// clear) so a search never shows a stale or deleted contact.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { newContact, withSearchKeys } from '../../../src-renderer/db/contacts';
import { warmContactSearch } from '../../../src-renderer/queries/contact-search';
import { contactsPage } from '../../../src-renderer/queries/contacts';
import { at, freshDb } from './support';

async function setup() {
  const db = freshDb();
  await db.contacts.bulkAdd([
    newContact(
      { id: 'ada', firstName: 'Ada', lastName: 'Lovelace', email: 'ada@gmail.com', phone: '+14155552671' },
      at(1),
    ),
    newContact(
      {
        id: 'bo',
        firstName: 'Bo',
        lastName: 'Johnson',
        email: 'bo@shop.example.org',
        phone: '+447400123456',
      },
      at(2),
    ),
    newContact({ id: 'cy', firstName: 'Cyrus', lastName: 'Adamson', whatsapp: '+491701234567' }, at(3)),
  ]);
  // The list reads the search lines when the search box is focused; until then it answers by prefix.
  await warmContactSearch(db);
  return db;
}

const ids = async (db: Awaited<ReturnType<typeof setup>>, search: string) =>
  (await contactsPage(db, { search, sortBy: 'name', direction: 'asc', defaultCountry: 'DE' })).rows.map(
    (c) => c.id,
  );

describe('contains-search', () => {
  it('answers the first search at once (by prefix, from indexes), then by contains', async () => {
    const db = freshDb();
    await db.contacts.add(newContact({ id: 'ada', firstName: 'Ada', lastName: 'Lovelace' }, at(1)));
    expect((await contactsPage(db, { search: 'love' })).rows.map((c) => c.id)).toEqual(['ada']);
    await warmContactSearch(db);
    expect((await contactsPage(db, { search: 'velace' })).rows.map((c) => c.id)).toEqual(['ada']);
  });

  it('matches inside names, email domains and phone digits, and by country code', async () => {
    const db = await setup();
    expect(await ids(db, 'love')).toEqual(['ada']);
    expect(await ids(db, 'son')).toEqual(['bo', 'cy']);
    expect(await ids(db, 'ADA')).toEqual(['ada', 'cy']);
    expect(await ids(db, 'gmail.com')).toEqual(['ada']);
    expect(await ids(db, 'example.org')).toEqual(['bo']);
    expect(await ids(db, '5552')).toEqual(['ada']);
    expect(await ids(db, '7400 123')).toEqual(['bo']);
    expect(await ids(db, '+44')).toEqual(['bo']);
    expect(await ids(db, '+49 170')).toEqual(['cy']);
    // A national number in the default country (DE) finds the E.164 it stands for.
    expect(await ids(db, '0170 1234567')).toEqual(['cy']);
    expect(await ids(db, 'nobody')).toEqual([]);
  });

  it('follows later writes: a new contact, an edited email, a deletion and a cleared table', async () => {
    const db = await setup();
    expect(await ids(db, 'gmail')).toEqual(['ada']);
    await db.contacts.add(newContact({ id: 'dee', firstName: 'Dee', lastName: 'Gmailer' }, at(4)));
    expect(await ids(db, 'gmail')).toEqual(['ada', 'dee']);
    const ada = await db.contacts.get('ada');
    if (!ada) throw new Error('no ada');
    await db.contacts.put(withSearchKeys({ ...ada, email: 'ada@proton.me' }));
    expect(await ids(db, 'gmail')).toEqual(['dee']);
    expect(await ids(db, 'proton')).toEqual(['ada']);
    await db.contacts.delete('dee');
    expect(await ids(db, 'gmail')).toEqual([]);
    await db.contacts.clear();
    expect(await ids(db, 'ada')).toEqual([]);
  });
});
