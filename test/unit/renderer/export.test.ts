// Exports: the formula-neutralising rule (and its exceptions for phones and numbers), identities and
// stats columns, filters, and export → import giving back the same contacts, in CSV and JSON.
import 'fake-indexeddb/auto';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { commitImport } from '../../../src-renderer/contacts-io/commit';
import { exportContacts, neutralizeCell } from '../../../src-renderer/contacts-io/export';
import { detectMapping } from '../../../src-renderer/contacts-io/mapping';
import { prepareAll } from '../../../src-renderer/contacts-io/prepare';
import { detectFormat, previewContactsFile } from '../../../src-renderer/contacts-io/source';
import type { StitchDb } from '../../../src-renderer/db';
import type { ContactRow } from '../../../src-renderer/db/types';
import { addContact, at, freshDb } from './support';

describe('neutralizeCell', () => {
  it.each([
    ['=HYPERLINK("x")', `'=HYPERLINK("x")`],
    ['@SUM(A1:A2)', `'@SUM(A1:A2)`],
    ['-cmd', `'-cmd`],
    ['+cmd', `'+cmd`],
    ['\tcalc', `'\tcalc`],
    ['\rcalc', `'\rcalc`],
    ['+1 (415) 555', `'+1 (415) 555`],
  ])('neutralises %j', (value, expected) => {
    expect(neutralizeCell(value)).toBe(expected);
  });

  it.each(['+14155550100', '-12.5', '42', '+447400123456', 'Ada', 'a=b', ''])(
    'keeps %j as it is',
    (value) => {
      expect(neutralizeCell(value)).toBe(value);
    },
  );
});

async function seed(db: StitchDb): Promise<void> {
  await addContact(db, {
    id: 'ada',
    firstName: 'Ada',
    lastName: 'Lovelace',
    email: 'ada@example.org',
    phone: '+14155550100',
    phoneType: 'fixed-or-mobile',
    whatsapp: '+447400123456',
    tags: ['vip', 'spring'],
    lists: ['newsletter'],
    consent: { sms: true, whatsapp: true, email: false },
    custom: { plan: 'pro', note: '-12.5', quote: 'she said "hi", then left' },
    stats: { lastSeen: at(30), pageViews: 7, sessions: 2, clicks: 1, messages: 3, visitors: 2 },
  });
  await addContact(db, {
    id: 'eve',
    firstName: '=HYPERLINK("http://evil.example","click")',
    lastName: 'Mallory',
    email: 'eve@example.org',
    tags: ['spring'],
    custom: { plan: '@SUM(1)' },
  });
  await addContact(db, {
    id: 'cy',
    firstName: 'Cy',
    lastName: 'Twombly',
    phone: '+2348031234567',
    phoneType: 'mobile',
  });
  await db.identities.add({
    id: 'i1',
    kind: 'email',
    value: 'ada.work@example.org',
    contactId: 'ada',
    from: at(0),
    to: null,
    source: 'form',
    createdAt: at(0),
    revokedAt: null,
    flags: [],
  });
}

const comparable = (c: ContactRow) => ({
  firstName: c.firstName,
  lastName: c.lastName,
  email: c.email,
  phone: c.phone,
  phoneType: c.phoneType,
  whatsapp: c.whatsapp,
  tags: c.tags,
  lists: c.lists,
  consent: c.consent,
  custom: c.custom,
});

const sortedContacts = async (db: StitchDb) =>
  (await db.contacts.toArray()).map(comparable).sort((a, b) => (a.lastName < b.lastName ? -1 : 1));

async function reimport(name: string, content: string): Promise<StitchDb> {
  const target = freshDb();
  const format = detectFormat(name, content);
  const table = previewContactsFile(content, format);
  const prepared = prepareAll(content, table, detectMapping(table.headers), {
    defaultCountry: 'DE',
    unquoteFormulas: format === 'csv',
  });
  expect(prepared.rejected).toEqual([]);
  await commitImport(target, prepared.contacts, 'skip');
  return target;
}

describe('exportContacts', () => {
  it('writes a CSV with neutralised formulas, intact phones and numbers, identities and stats', async () => {
    const db = freshDb();
    await seed(db);
    const file = await exportContacts(db, 'csv', {}, new Date('2025-03-01T12:00:00Z'));
    expect(file).toMatchObject({ count: 3, suggestedName: 'stitchdesk-contacts-2025-03-01.csv' });
    const parsed = Papa.parse<Record<string, string>>(file.content.replace(/^\uFEFF/, ''), {
      header: true,
      skipEmptyLines: true,
    });
    const eve = parsed.data.find((row) => row['Last name'] === 'Mallory');
    expect(eve?.['First name']).toBe(`'=HYPERLINK("http://evil.example","click")`);
    expect(eve?.['custom.plan']).toBe(`'@SUM(1)`);
    const ada = parsed.data.find((row) => row['Last name'] === 'Lovelace');
    expect(ada).toMatchObject({
      Phone: '+14155550100',
      'Phone type': 'fixed-or-mobile',
      'WhatsApp number': '+447400123456',
      Tags: 'vip; spring',
      'SMS consent': 'yes',
      'Email consent': 'no',
      'custom.note': '-12.5',
      'Linked visitors': '2',
      'Identity emails': 'ada.work@example.org',
      'Last seen': new Date(at(30)).toISOString(),
      'Page views': '7',
      Sessions: '2',
      Clicks: '1',
      Messages: '3',
    });
    expect(file.content).toContain('"she said ""hi"", then left"');
  });

  it('exports only the contacts matching a tag, list or search', async () => {
    const db = freshDb();
    await seed(db);
    expect((await exportContacts(db, 'csv', { tag: 'spring' })).count).toBe(2);
    expect((await exportContacts(db, 'csv', { list: 'newsletter' })).count).toBe(1);
    const search = await exportContacts(db, 'json', { search: 'twom' });
    expect(JSON.parse(search.content)).toMatchObject([{ firstName: 'Cy', phone: '+2348031234567' }]);
  });

  it.each(['csv', 'json'] as const)('%s: an export imports back as the same contacts', async (format) => {
    const db = freshDb();
    await seed(db);
    const file = await exportContacts(db, format);
    const copy = await reimport(file.suggestedName, file.content);
    expect(await sortedContacts(copy)).toEqual(await sortedContacts(db));
  });
});
