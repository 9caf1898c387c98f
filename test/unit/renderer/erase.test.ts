// Rule 7: erasing a contact leaves nothing findable and replays do not bring the person back.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { ingestBatch } from '../../../src-renderer/ingest/batch';
import { contactsPage } from '../../../src-renderer/queries/contacts';
import { eraseContact } from '../../../src-renderer/stitching/erase';
import { isSuppressed } from '../../../src-renderer/stitching/suppression';
import {
  addCampaign,
  addContact,
  FakeJournal,
  freshDb,
  ingestNew,
  settingsWith,
  timelineOf,
} from './support';

describe('erasure', () => {
  it('erasing Ana leaves nothing findable by her email, phone or visitor id, and a replay of her events does not bring her back', async () => {
    const db = freshDb();
    const settings = settingsWith({ createContactsFromForms: true });
    await addContact(db, { id: 'ana', firstName: 'Ana', email: 'ana@example.org', phone: '+14155552671' });
    await addContact(db, { id: 'ben', firstName: 'Ben', email: 'ben@example.org' });
    const [anaMessage, benMessage] = await addCampaign(
      db,
      { id: 'c1', name: 'Spring Sale', channel: 'sms' },
      ['ana', 'ben'],
    );
    if (!anaMessage || !benMessage) throw new Error('no messages');
    const journal = new FakeJournal();
    journal.page('A', 0, '/home');
    journal.click(anaMessage, 1, 'tok-ana');
    journal.page('A', 1.1, '/sale', { clickToken: 'tok-ana' });
    journal.form('A', 2, { email: 'ana@example.org' });
    journal.preview(anaMessage, 3);
    journal.click(benMessage, 4, 'tok-ben');
    journal.page('B', 4.1, '/ben', { clickToken: 'tok-ben' });
    await ingestNew(db, journal, settings);
    const benBefore = await timelineOf(db, 'ben');
    const benStats = (await db.contacts.get('ben'))?.stats;

    await eraseContact(db, 'ana');

    expect(await db.contacts.get('ana')).toBeUndefined();
    expect((await contactsPage(db, { search: 'ana@example.org' })).rows).toEqual([]);
    expect((await contactsPage(db, { search: '415 555 2671' })).rows).toEqual([]);
    expect(await db.contacts.where('email').equals('ana@example.org').count()).toBe(0);
    expect(await db.visitors.get('A')).toBeUndefined();
    expect(
      await db.events.where('[visitorId+timestamp]').between(['A', -Infinity], ['A', Infinity]).count(),
    ).toBe(0);
    expect(
      await db.sessions.where('[visitorId+start]').between(['A', -Infinity], ['A', Infinity]).count(),
    ).toBe(0);
    expect(await db.identities.where('contactId').equals('ana').count()).toBe(0);
    expect(await db.messages.get(anaMessage.id)).toBeUndefined();
    const leftovers = (await db.events.toArray()).filter((e) => JSON.stringify(e).includes('ana'));
    expect(leftovers).toEqual([]);
    expect(await isSuppressed(db, 'email', 'ana@example.org')).toBe(true);
    expect(await isSuppressed(db, 'visitor', 'A')).toBe(true);
    // Nothing of her is kept in clear text in the suppression list.
    expect(JSON.stringify(await db.suppressions.toArray())).not.toContain('ana');

    // Ben is untouched.
    expect(await timelineOf(db, 'ben')).toEqual(benBefore);
    expect((await db.contacts.get('ben'))?.stats).toEqual(benStats);

    // Replaying the whole journal (e.g. a rebuild) and new events with her identifiers.
    await db.meta.clear();
    await ingestBatch(db, journal.records, settings);
    journal.form('NEW', 10, { email: 'ANA@example.org' });
    journal.page('A', 11, '/back');
    await ingestNew(db, journal, settings);

    expect(await db.contacts.where('email').equals('ana@example.org').count()).toBe(0);
    expect(await db.contacts.count()).toBe(1);
    expect(await db.visitors.get('A')).toBeUndefined();
    expect(await db.messages.count()).toBe(1);
    const afterReplay = (await db.events.toArray()).filter((e) => JSON.stringify(e).includes('ana'));
    expect(afterReplay).toEqual([]);
    expect(await timelineOf(db, 'ben')).toEqual(benBefore);
  });

  it("on a shared device only Ana's interval is erased; Ben keeps his visits on it", async () => {
    const db = freshDb();
    await addContact(db, { id: 'ana', firstName: 'Ana' });
    await addContact(db, { id: 'ben', firstName: 'Ben' });
    const [anaMessage, benMessage] = await addCampaign(db, { id: 'c1', name: 'S', channel: 'sms' }, [
      'ana',
      'ben',
    ]);
    if (!anaMessage || !benMessage) throw new Error('no messages');
    const journal = new FakeJournal();
    journal.click(anaMessage, 0, 't1');
    journal.page('A', 0.1, '/ana', { clickToken: 't1' });
    journal.click(benMessage, 60, 't2');
    journal.page('A', 60.1, '/ben', { clickToken: 't2' });
    await ingestNew(db, journal);

    await eraseContact(db, 'ana');
    expect(await timelineOf(db, 'ben')).toEqual(['page /ben', 'link_click']);
    const visitor = await db.visitors.get('A');
    expect(visitor).toMatchObject({ events: 1, pageViews: 1, sessions: 1 });
    expect(
      await db.sessions.where('[visitorId+start]').between(['A', -Infinity], ['A', Infinity]).count(),
    ).toBe(1);
  });
});
