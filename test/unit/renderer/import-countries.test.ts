// Real files: a Country column reads each row's national numbers (the default country only for an
// empty cell), a number invalid for its country is refused with why and never re-read as another
// country's, an import never moves one contact's email or number to another row's person, and a row
// with no email or number is matched by its name, so re-importing it does not create it twice.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { commitImport, type DuplicatePolicy } from '../../../src-renderer/contacts-io/commit';
import { countryOf } from '../../../src-renderer/contacts-io/countries';
import { detectMapping } from '../../../src-renderer/contacts-io/mapping';
import { prepareAll } from '../../../src-renderer/contacts-io/prepare';
import { previewContactsFile } from '../../../src-renderer/contacts-io/source';
import type { StitchDb } from '../../../src-renderer/db';
import { addContact, freshDb } from './support';

function prepareCsv(text: string) {
  const table = previewContactsFile(text, 'csv');
  return prepareAll(text, table, detectMapping(table.headers), {
    defaultCountry: 'US',
    unquoteFormulas: true,
  });
}

const importCsv = (db: StitchDb, text: string, policy: DuplicatePolicy = 'skip') =>
  commitImport(db, prepareCsv(text).contacts, policy);

describe('a Country column', () => {
  it('names countries by ISO code or by name, in several languages and spellings', () => {
    expect(['DE', 'de', 'Germany', 'Deutschland', 'Allemagne'].map(countryOf)).toEqual([
      'DE',
      'DE',
      'DE',
      'DE',
      'DE',
    ]);
    expect(['México', 'mexico', 'MX'].map(countryOf)).toEqual(['MX', 'MX', 'MX']);
    expect(['UK', 'United Kingdom', 'England', 'the Netherlands', 'Japan', 'FR'].map(countryOf)).toEqual([
      'GB',
      'GB',
      'GB',
      'NL',
      'JP',
      'FR',
    ]);
    expect(countryOf('Atlantis')).toBeNull();
    expect(countryOf('XX')).toBeNull();
  });

  it('reads each row in its country: the right E.164 per row, reasons for the rest', () => {
    const file = [
      'Name,Phone,Country',
      'Dora DE,0170 1234567,Germany',
      'Mateo MX,55 1234 5678,MX',
      'Yui JP,090-1234-5678,Japan',
      'Luc FR,06 12 34 56 78,fr',
      'Ola GB,07400 123456,United Kingdom',
      'Uma US,(415) 555-2671,',
      'Ines Intl,+34 612 34 56 78,Germany',
      'Short DE,0170 123,DE',
      'Wrong MX,555 1234,Mexico',
      'Nowhere,0170 1234567,Atlantis',
    ].join('\n');
    const { contacts, rejected } = prepareCsv(file);
    const phones = Object.fromEntries(contacts.map((c) => [c.fields.firstName, c.fields.phone]));
    expect(phones).toEqual({
      Dora: '+491701234567',
      // As a US number the same digits were +1 551 234 5678: someone else's phone.
      Mateo: '+525512345678',
      Yui: '+819012345678',
      Luc: '+33612345678',
      Ola: '+447400123456',
      // An empty cell falls back to the default country.
      Uma: '+14155552671',
      // A number written with + is international whatever the row's country.
      Ines: '+34612345678',
    });
    expect(contacts.find((c) => c.fields.firstName === 'Mateo')?.fields.custom).toEqual({ Country: 'MX' });
    expect(rejected.map((r) => [r.line, r.reason])).toEqual([
      [9, 'phone 0170 123 is not a valid number for Germany (DE): no such number range'],
      [10, 'phone 555 1234 is not a valid number for Mexico (MX): too short'],
      [11, 'country "Atlantis" is not a country name or a two-letter ISO code'],
    ]);
  });

  it('is guessed from its header', () => {
    expect(detectMapping(['Name', 'Phone', 'Country', 'Country code']).map((m) => m.target)).toEqual([
      'fullName',
      'phone',
      'country',
      'custom',
    ]);
  });
});

describe('duplicates never move an identifier to another person', () => {
  it("update: a row matched by phone does not replace the contact's email with its own", async () => {
    const db = freshDb();
    await addContact(db, { id: 'ana', firstName: 'Ana', email: 'ana@example.org', phone: '+14155552671' });
    const outcome = await importCsv(
      db,
      'First name,Email,Phone\nCy,cy@example.org,(415) 555-2671\n',
      'update',
    );
    expect(outcome.updated).toBe(0);
    expect(outcome.rejected.map((r) => r.reason)).toEqual([
      "email cy@example.org differs from Ana's ana@example.org, which an import does not replace (edit the contact to change it)",
    ]);
    expect(await db.contacts.get('ana')).toMatchObject({ firstName: 'Ana', email: 'ana@example.org' });
  });

  it("within one file: a second row sharing the first row's phone keeps the first row's email", async () => {
    const db = freshDb();
    const file =
      'First name,Email,Phone\nAna,ana@example.org,(415) 555-2671\nBen,ben@example.org,(415) 555-2671\n';
    const outcome = await importCsv(db, file, 'update');
    expect(outcome).toMatchObject({ imported: 1, updated: 0 });
    expect(outcome.rejected.map((r) => r.line)).toEqual([3]);
    expect(await db.contacts.toArray()).toMatchObject([{ firstName: 'Ana', email: 'ana@example.org' }]);
  });

  it('a row that fills a gap (no email yet) still updates the contact', async () => {
    const db = freshDb();
    await addContact(db, { id: 'ana', firstName: 'Ana', phone: '+14155552671' });
    await importCsv(db, 'First name,Email,Phone\nAna,ana@example.org,(415) 555-2671\n', 'update');
    expect(await db.contacts.get('ana')).toMatchObject({ email: 'ana@example.org' });
  });
});

describe('rows with no email and no phone', () => {
  const file = 'First name,Last name,City\nDee,Nolan,Cork\n';

  it('are matched by full name on re-import, under each policy, so they are not created twice', async () => {
    const db = freshDb();
    expect(await importCsv(db, file)).toMatchObject({ imported: 1 });
    expect(await importCsv(db, file, 'skip')).toMatchObject({ imported: 0, skipped: 1 });
    expect(await importCsv(db, 'First name,Last name,City\ndee, NOLAN ,Dublin\n', 'update')).toMatchObject({
      imported: 0,
      updated: 1,
    });
    const contacts = await db.contacts.toArray();
    expect(contacts).toHaveLength(1);
    expect(contacts[0]?.custom).toEqual({ City: 'Dublin' });
  });

  it('twice in one file is one contact', async () => {
    const db = freshDb();
    expect(await importCsv(db, `${file}Dee,Nolan,Galway\n`, 'merge')).toMatchObject({
      imported: 1,
      updated: 1,
    });
    expect(await db.contacts.count()).toBe(1);
  });

  it('never match a contact of the same name who has an email or phone', async () => {
    const db = freshDb();
    await addContact(db, { id: 'dee', firstName: 'Dee', lastName: 'Nolan', email: 'dee@example.org' });
    expect(await importCsv(db, file)).toMatchObject({ imported: 1 });
    expect(await db.contacts.count()).toBe(2);
  });
});
