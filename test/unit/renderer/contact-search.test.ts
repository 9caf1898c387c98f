// The contact list's contains-search: names, email (domain included) and phone digits anywhere,
// through the trigram index; short terms stay prefix searches; prefix matches list first; the
// index follows edits, merges and erasure.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { checkDraft, draftOf, saveContact } from '../../../src-renderer/features/contacts/contact-form';
import { contactsPage } from '../../../src-renderer/queries/contacts';
import { eraseFromStore } from '../../../src-renderer/stitching/erase';
import { addContact, freshDb } from './support';

async function people() {
  const db = freshDb();
  await addContact(db, {
    id: 'ana',
    firstName: 'Ana',
    lastName: 'Lima',
    email: 'ana.lima@gmail.com',
    phone: '+447700900123',
  });
  await addContact(db, {
    id: 'joanne',
    firstName: 'Joanne',
    lastName: 'Park',
    email: 'jo@parkstudio.co',
    phone: '+14155552671',
  });
  await addContact(db, {
    id: 'annika',
    firstName: 'Annika',
    lastName: 'Berg',
    email: 'annika@outlook.com',
    whatsapp: '+4915112345678',
  });
  await addContact(db, { id: 'ben', firstName: 'Ben', lastName: 'Hannover', email: 'ben@gmail.com' });
  return db;
}

const idsFor = async (db: Awaited<ReturnType<typeof people>>, search: string) =>
  (await contactsPage(db, { search, sortBy: 'name', direction: 'asc', limit: 100 })).rows.map((c) => c.id);

describe('contact contains-search', () => {
  it('finds an email by its domain, and only the contacts at that domain', async () => {
    const db = await people();
    expect(await idsFor(db, 'gmail.com')).toEqual(['ana', 'ben']);
    expect(await idsFor(db, '@outlook')).toEqual(['annika']);
    expect(await idsFor(db, 'studio.co')).toEqual(['joanne']);
  });

  it('finds a phone by digits in the middle, in any grouping, on the phone or the WhatsApp number', async () => {
    const db = await people();
    expect(await idsFor(db, '7009')).toEqual(['ana']);
    expect(await idsFor(db, '700 900')).toEqual(['ana']);
    expect(await idsFor(db, '555-26')).toEqual(['joanne']);
    expect(await idsFor(db, '1123456')).toEqual(['annika']);
  });

  it('finds every UK number by "+44", and "+1" stays a prefix of the number', async () => {
    const db = await people();
    expect(await idsFor(db, '+44')).toEqual(['ana']);
    expect(await idsFor(db, '+49 151')).toEqual(['annika']);
    // The "+" ties the digits to the start of the number: "+14" is not "14" anywhere.
    expect(await idsFor(db, '+14')).toEqual(['joanne']);
  });

  it('finds a name in the middle of a first or last name, and across first and last name', async () => {
    const db = await people();
    expect(await idsFor(db, 'ann')).toEqual(['annika', 'ben', 'joanne']);
    expect(await idsFor(db, 'nover')).toEqual(['ben']);
    expect(await idsFor(db, 'a li')).toEqual(['ana']);
    expect(await idsFor(db, 'lima a')).toEqual(['ana']);
    expect(await idsFor(db, 'xyz')).toEqual([]);
  });

  it('lists prefix matches before contains matches, each group in the chosen order', async () => {
    const db = await people();
    const rows = await contactsPage(db, { search: 'ann', sortBy: 'name', direction: 'desc', limit: 10 });
    // Annika starts with "ann"; Joanne and Ben (Hannover) only contain it.
    expect(rows.rows.map((c) => c.id)).toEqual(['annika', 'joanne', 'ben']);
    expect(rows.total).toBe(3);
  });

  it('keeps terms shorter than three characters as prefix searches', async () => {
    const db = await people();
    expect(await idsFor(db, 'an')).toEqual(['ana', 'annika']);
    expect(await idsFor(db, 'jo')).toEqual(['joanne']);
    // "nn" is inside Annika, Joanne and Hannover, but two characters only match at the start.
    expect(await idsFor(db, 'nn')).toEqual([]);
  });

  it('follows an edit: the old email is not found any more, the new one is, in the middle', async () => {
    const db = await people();
    const ana = await db.contacts.get('ana');
    if (!ana) throw new Error('no contact');
    const changed = { ...draftOf(ana), email: 'ana@lima-consulting.pt', lastName: 'Souza' };
    await saveContact(db, changed, checkDraft(changed, 'PT'), ana);
    expect(await idsFor(db, 'gmail.com')).toEqual(['ben']);
    expect(await idsFor(db, 'consulting')).toEqual(['ana']);
    expect(await idsFor(db, 'ouza')).toEqual(['ana']);
    expect(await idsFor(db, 'a li')).toEqual([]);
  });

  it('forgets an erased contact', async () => {
    const db = await people();
    await eraseFromStore(db, 'ben');
    expect(await idsFor(db, 'gmail.com')).toEqual(['ana']);
    expect(await idsFor(db, 'nover')).toEqual([]);
    expect(await db.contacts.where('grams').equals('nov').count()).toBe(0);
  });
});
