// The contact list's filters beyond tag and list: stitched or not, engaged by SMS / WhatsApp / web,
// and consent per channel — with totals that match the rows, and merged contacts folded into their target.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { type ContactFilters, contactsPage } from '../../../src-renderer/queries/contacts';
import { mergeContacts, unstitchLink } from '../../../src-renderer/stitching/manual';
import { addCampaign, addContact, FakeJournal, freshDb, ingestNew, settingsWith } from './support';

async function setup() {
  const db = freshDb();
  await addContact(db, { id: 'ana', consent: { sms: true, whatsapp: false, email: true } });
  await addContact(db, { id: 'ben', consent: { sms: false, whatsapp: true, email: false } });
  await addContact(db, { id: 'cy' });
  await addContact(db, { id: 'dee' });
  await addContact(db, { id: 'dee2' });
  const [toAna] = await addCampaign(db, { id: 'sms1', name: 'Spring Sale', channel: 'sms' }, ['ana']);
  const [toBen, toDee2] = await addCampaign(db, { id: 'wa1', name: 'Chat', channel: 'whatsapp' }, [
    'ben',
    'dee2',
  ]);
  if (!toAna || !toBen || !toDee2) throw new Error('no messages');
  const journal = new FakeJournal();
  journal.click(toAna, 0, 'ta');
  journal.page('A', 0.1, '/sale', { clickToken: 'ta' });
  // Ben clicks but his browser never reaches the site: engaged by WhatsApp, not stitched, no web.
  journal.click(toBen, 1, 'tb');
  journal.click(toDee2, 2, 'td');
  journal.page('D', 2.1, '/chat', { clickToken: 'td' });
  await ingestNew(db, journal);
  // dee2 is a duplicate of dee: her click and browser count for dee from now on.
  await mergeContacts(db, { targetId: 'dee', sourceId: 'dee2', settings: settingsWith() });
  return db;
}

const idsWith = async (db: Awaited<ReturnType<typeof setup>>, filters: ContactFilters) => {
  const page = await contactsPage(db, { filters, sortBy: 'name', direction: 'asc', limit: 100 });
  expect(page.total).toBe(page.rows.length);
  return page.rows.map((c) => c.id);
};

describe('contact list filters', () => {
  it('splits contacts into stitched and not stitched, following merges and removed links', async () => {
    const db = await setup();
    expect(await idsWith(db, { stitched: true })).toEqual(['ana', 'dee']);
    expect(await idsWith(db, { stitched: false })).toEqual(['ben', 'cy']);

    const anaLink = await db.identities.where('contactId').equals('ana').first();
    await unstitchLink(db, anaLink?.id ?? '', { settings: settingsWith() });
    expect(await idsWith(db, { stitched: true })).toEqual(['dee']);
    expect(await idsWith(db, { stitched: false })).toEqual(['ana', 'ben', 'cy']);
  });

  it('finds who engaged by SMS, by WhatsApp and on the website', async () => {
    const db = await setup();
    expect(await idsWith(db, { engaged: 'sms' })).toEqual(['ana']);
    expect(await idsWith(db, { engaged: 'whatsapp' })).toEqual(['ben', 'dee']);
    expect(await idsWith(db, { engaged: 'web' })).toEqual(['ana', 'dee']);
  });

  it('filters by consent per channel and combines filters', async () => {
    const db = await setup();
    expect(await idsWith(db, { consent: 'sms' })).toEqual(['ana']);
    expect(await idsWith(db, { consent: 'whatsapp' })).toEqual(['ben']);
    expect(await idsWith(db, { consent: 'whatsapp', stitched: false })).toEqual(['ben']);
    expect(await idsWith(db, { consent: 'whatsapp', stitched: true })).toEqual([]);
    expect(await idsWith(db, { engaged: 'whatsapp', stitched: false })).toEqual(['ben']);
  });

  it('applies filters to a search too', async () => {
    const db = await setup();
    const page = await contactsPage(db, { search: 'd', filters: { stitched: false } });
    expect(page.rows.map((c) => c.id)).toEqual([]);
    const stitchedD = await contactsPage(db, { search: 'd', filters: { stitched: true } });
    expect(stitchedD.rows.map((c) => c.id)).toEqual(['dee']);
  });
});
