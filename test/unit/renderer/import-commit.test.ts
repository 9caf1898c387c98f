// Writing an import: duplicates by email and E.164 phone (in the store and within the file) under
// skip/update/merge, erased identifiers refused, and a cancelled import leaving nothing written.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { commitImport, ImportCancelledError } from '../../../src-renderer/contacts-io/commit';
import { detectMapping } from '../../../src-renderer/contacts-io/mapping';
import { prepareAll } from '../../../src-renderer/contacts-io/prepare';
import { previewContactsFile } from '../../../src-renderer/contacts-io/source';
import type { StitchDb } from '../../../src-renderer/db';
import { eraseContact } from '../../../src-renderer/stitching/erase';
import { addContact, freshDb, startMain } from './support';

function prepareCsv(text: string) {
  const table = previewContactsFile(text, 'csv');
  return prepareAll(text, table, detectMapping(table.headers), {
    defaultCountry: 'US',
    unquoteFormulas: true,
  });
}

const HEADER = 'First name,Last name,Email,Phone,Tags,SMS consent,Plan\n';

async function seedAda(db: StitchDb) {
  return addContact(db, {
    id: 'ada',
    firstName: 'Ada',
    lastName: 'Lovelace',
    email: 'ada@example.org',
    tags: ['vip'],
    consent: { sms: true, whatsapp: false, email: false },
    custom: { Plan: 'basic', City: 'London' },
  });
}

const byEmail = async (db: StitchDb, email: string) => db.contacts.where('email').equals(email).toArray();

describe('duplicate policies', () => {
  const file = `${HEADER}Ada,King,ADA@example.org,(415) 555-2671,spring,no,pro\nNew,Person,new@example.org,,,,\n`;

  it('skip: leaves the existing contact exactly as it was', async () => {
    const db = freshDb();
    const before = await seedAda(db);
    const outcome = await commitImport(db, prepareCsv(file).contacts, 'skip');
    expect(outcome).toMatchObject({ imported: 1, updated: 0, skipped: 1, rejected: [] });
    expect(outcome.skippedRows).toEqual([{ line: 2, where: 'line 2', reason: 'duplicate of Ada Lovelace' }]);
    expect(await db.contacts.get('ada')).toEqual(before);
    expect(await db.contacts.count()).toBe(2);
  });

  it("update: the file's values win, blanks leave fields alone, search keys follow", async () => {
    const db = freshDb();
    await seedAda(db);
    const outcome = await commitImport(db, prepareCsv(file).contacts, 'update');
    expect(outcome).toMatchObject({ imported: 1, updated: 1, skipped: 0 });
    const ada = await db.contacts.get('ada');
    expect(ada).toMatchObject({
      firstName: 'Ada',
      lastName: 'King',
      email: 'ada@example.org',
      phone: '+14155552671',
      phoneType: 'fixed-or-mobile',
      tags: ['spring'],
      consent: { sms: false, whatsapp: false, email: false },
      custom: { Plan: 'pro', City: 'London' },
      nameKey: 'ada king',
      phoneTails: ['17625555141'],
    });
  });

  it('merge: keeps what the contact has, fills gaps, unions tags, never withdraws consent', async () => {
    const db = freshDb();
    await seedAda(db);
    await commitImport(db, prepareCsv(file).contacts, 'merge');
    expect(await db.contacts.get('ada')).toMatchObject({
      lastName: 'Lovelace',
      phone: '+14155552671',
      tags: ['vip', 'spring'],
      consent: { sms: true },
      custom: { Plan: 'basic', City: 'London' },
    });
  });

  it('finds duplicates within the file, by email (any case) and by phone in any format', async () => {
    const db = freshDb();
    const rows = `${HEADER}Bo,One,bo@x.co,,a,,\nBo,Two,BO@X.CO,,b,,\nCy,One,,(415) 555-2671,,,\nCy,Two,,+1 415 555 2671,c,,\n`;
    const merged = await commitImport(db, prepareCsv(rows).contacts, 'merge');
    expect(merged).toMatchObject({ imported: 2, updated: 2, skipped: 0 });
    expect(await byEmail(db, 'bo@x.co')).toMatchObject([{ lastName: 'One', tags: ['a', 'b'] }]);
    expect(await db.contacts.where('phone').equals('+14155552671').toArray()).toMatchObject([
      { lastName: 'One', tags: ['c'] },
    ]);

    const other = freshDb();
    expect(await commitImport(other, prepareCsv(rows).contacts, 'skip')).toMatchObject({
      imported: 2,
      skipped: 2,
    });
  });

  it('matches a stored WhatsApp number too, and rejects a row whose email and phone are two people', async () => {
    const db = freshDb();
    await seedAda(db);
    await addContact(db, { id: 'bob', firstName: 'Bob', lastName: 'Stone', whatsapp: '+14155552671' });
    const rows = `${HEADER}Bob,,,(415) 555-2671,wa,,\nAda,,ada@example.org,415 555 2671,,,\n`;
    const outcome = await commitImport(db, prepareCsv(rows).contacts, 'merge');
    expect(outcome.updated).toBe(1);
    expect(await db.contacts.get('bob')).toMatchObject({ phone: '+14155552671', tags: ['wa'] });
    expect(outcome.rejected).toMatchObject([
      {
        line: 3,
        reason: 'its email and phone belong to two different contacts (Ada Lovelace and Bob Stone)',
      },
    ]);
  });
});

describe('erased contacts', () => {
  it("refuses rows carrying an erased contact's email or phone", async () => {
    const db = freshDb();
    await addContact(db, { id: 'gone', email: 'gone@example.org', phone: '+14155552671' });
    const main = await startMain();
    await eraseContact(db, main.bridge, 'gone');
    await main.close();
    const rows = `${HEADER}Gone,Again,gone@example.org,,,,\nPhone,Again,,415-555-2671,,,\nOk,Person,ok@example.org,,,,\n`;
    const outcome = await commitImport(db, prepareCsv(rows).contacts, 'update');
    expect(outcome.imported).toBe(1);
    expect(outcome.rejected.map((r) => `${r.where}: ${r.reason}`)).toEqual([
      'line 2: email gone@example.org belongs to an erased contact and cannot be imported again',
      'line 3: phone +14155552671 belongs to an erased contact and cannot be imported again',
    ]);
    expect(await db.contacts.count()).toBe(1);
  });
});

describe('cancelling', () => {
  const many = (n: number) =>
    HEADER + Array.from({ length: n }, (_, i) => `P${i},Q,p${i}@example.org,,bulk,,\n`).join('');

  it('leaves nothing written when cancelled between chunks, existing contacts unchanged', async () => {
    const db = freshDb();
    const ada = await seedAda(db);
    const rows = `${HEADER}Ada,Changed,ada@example.org,,,,\n${many(2500).slice(HEADER.length)}`;
    const controller = new AbortController();
    const chunksWritten: number[] = [];
    const run = commitImport(db, prepareCsv(rows).contacts, 'update', {
      chunkSize: 500,
      signal: controller.signal,
      onProgress: ({ done }) => {
        chunksWritten.push(done);
        // Cancel once two chunks (1,000 rows, including Ada's update) are in the transaction.
        if (done >= 1000) controller.abort();
      },
    });
    await expect(run).rejects.toBeInstanceOf(ImportCancelledError);
    expect(chunksWritten).toEqual([500, 1000]);
    expect(await db.contacts.count()).toBe(1);
    expect(await db.contacts.get('ada')).toEqual(ada);
  });

  it('writes every row when not cancelled', async () => {
    const db = freshDb();
    const outcome = await commitImport(db, prepareCsv(many(2500)).contacts, 'skip', { chunkSize: 500 });
    expect(outcome.imported).toBe(2500);
    expect(await db.contacts.where('tags').equals('bulk').count()).toBe(2500);
  });
});
