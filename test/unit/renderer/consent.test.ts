// Consent as a first campaign needs it: the import's consent step and a file's consent column record
// the answer with its source and date, and a bulk action over every contact matching the list's
// filters (not only a loaded page) records it for all of them — so the campaign has its recipients.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { buildAudience } from '../../../src-renderer/campaigns/audience';
import { commitImport } from '../../../src-renderer/contacts-io/commit';
import { detectMapping } from '../../../src-renderer/contacts-io/mapping';
import { prepareAll } from '../../../src-renderer/contacts-io/prepare';
import { previewContactsFile } from '../../../src-renderer/contacts-io/source';
import { newContact } from '../../../src-renderer/db/contacts';
import { recordConsent } from '../../../src-renderer/features/contacts/bulk-actions';
import { matchingContactIds } from '../../../src-renderer/queries/contacts';
import { addContact, at, freshDb } from './support';

function prepareCsv(text: string) {
  const table = previewContactsFile(text, 'csv');
  return prepareAll(text, table, detectMapping(table.headers), {
    defaultCountry: 'US',
    unquoteFormulas: true,
  }).contacts;
}

const FILE =
  'First name,Phone,SMS consent\nAna,(415) 555-2671,\nBen,(415) 555-2672,no\nCy,(415) 555-2673,yes\n';

describe('consent at import', () => {
  it('the consent step gives SMS consent to rows whose column is empty; the column wins where it answers', async () => {
    const db = freshDb();
    const agreed = at(0);
    await commitImport(db, prepareCsv(FILE), 'skip', {
      now: at(60),
      consent: { given: ['sms'], source: 'Import of spring.csv: shop signup form', at: agreed },
    });
    const byName = async (name: string) => (await db.contacts.where('nameKey').equals(name).first())?.consent;
    expect(await byName('ana')).toEqual({ sms: true, whatsapp: false, email: false });
    expect(await byName('ben')).toEqual({ sms: false, whatsapp: false, email: false });
    const ana = await db.contacts.where('nameKey').equals('ana').first();
    expect(ana?.consentRecords).toEqual({
      sms: { granted: true, at: agreed, source: 'Import of spring.csv: shop signup form' },
    });
    const audience = await buildAudience(db, { kind: 'all' }, 'sms');
    expect(audience.recipients.map((r) => r.contact.firstName).sort()).toEqual(['Ana', 'Cy']);
    expect(audience.excluded.noConsent).toBe(1);
  });

  it('without the consent step nobody gets consent the file does not state', async () => {
    const db = freshDb();
    await commitImport(db, prepareCsv(FILE), 'skip');
    const audience = await buildAudience(db, { kind: 'all' }, 'sms');
    expect(audience.recipients.map((r) => r.contact.firstName)).toEqual(['Cy']);
  });

  it('a re-import that does not change the answer keeps when and where the contact first agreed', async () => {
    const db = freshDb();
    await commitImport(db, prepareCsv(FILE), 'skip', {
      now: at(1),
      consent: { given: ['sms'], source: 'first', at: at(1) },
    });
    await commitImport(db, prepareCsv(FILE), 'update', {
      now: at(2),
      consent: { given: ['sms'], source: 'second', at: at(2) },
    });
    const ana = await db.contacts.where('nameKey').equals('ana').first();
    expect(ana?.consentRecords?.sms).toEqual({ granted: true, at: at(1), source: 'first' });
  });
});

describe('bulk consent over all matching contacts', () => {
  it('covers every match of the filter, beyond any loaded page, and only them', async () => {
    const db = freshDb();
    const contacts = Array.from({ length: 250 }, (_, i) =>
      newContact({ id: `c${i}`, firstName: `C${i}`, tags: i % 2 === 0 ? ['fair'] : [] }, at(i)),
    );
    await db.contacts.bulkAdd(contacts);
    const ids = await matchingContactIds(db, { filters: { tag: 'fair' } });
    expect(ids).toHaveLength(125);
    const changed = await recordConsent(db, ids, 'whatsapp', {
      granted: true,
      at: at(0),
      source: 'Bulk action: paper form at the spring fair',
    });
    expect(changed).toBe(125);
    const consented = await db.contacts.filter((c) => c.consent.whatsapp).toArray();
    expect(consented).toHaveLength(125);
    expect(consented.every((c) => c.tags.includes('fair'))).toBe(true);
    expect(consented[0]?.consentRecords?.whatsapp?.source).toBe('Bulk action: paper form at the spring fair');
  });

  it('matches of a search are the same contacts the list shows, merged contacts left out', async () => {
    const db = freshDb();
    await addContact(db, { id: 'ann', firstName: 'Ann', lastName: 'Lee' });
    await addContact(db, { id: 'anna', firstName: 'Anna', lastName: 'Ray' });
    await addContact(db, { id: 'bo', firstName: 'Bo', lastName: 'Anders' });
    await addContact(db, { id: 'ann2', firstName: 'Ann', lastName: 'Lee', mergedInto: 'ann' });
    expect((await matchingContactIds(db, { search: 'ann' })).sort()).toEqual(['ann', 'anna']);
  });

  it('withdrawing consent records the withdrawal and takes the contact out of the audience', async () => {
    const db = freshDb();
    await addContact(db, {
      id: 'ana',
      phone: '+14155552671',
      consent: { sms: true, whatsapp: false, email: false },
    });
    await recordConsent(db, ['ana'], 'sms', {
      granted: false,
      at: at(5),
      source: 'Bulk action: replied STOP',
    });
    const ana = await db.contacts.get('ana');
    expect(ana?.consent.sms).toBe(false);
    expect(ana?.consentRecords?.sms).toEqual({
      granted: false,
      at: at(5),
      source: 'Bulk action: replied STOP',
    });
    expect((await buildAudience(db, { kind: 'all' }, 'sms')).recipients).toHaveLength(0);
  });
});
