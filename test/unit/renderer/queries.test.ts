// What the UI reads: timeline pages (newest first, no gaps or repeats across pages), the contact
// list over many contacts (index sort, prefix and phone search, filters) and the visitors list.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { newContact } from '../../../src-renderer/db/contacts';
import { emptyStats } from '../../../src-renderer/db/stats';
import { contactsPage } from '../../../src-renderer/queries/contacts';
import { contactTimeline, type TimelineCursor } from '../../../src-renderer/queries/timeline';
import { mergeContacts, stitchVisitorManually } from '../../../src-renderer/stitching/manual';
import { addCampaign, addContact, at, FakeJournal, freshDb, ingestNew, settingsWith } from './support';

describe('contactTimeline', () => {
  it('pages through 250 events newest first, with ties on the same millisecond, without gaps or repeats', async () => {
    const db = freshDb();
    await addContact(db, { id: 'ana', firstName: 'Ana' });
    const [message] = await addCampaign(db, { id: 'c1', name: 'Sale', channel: 'sms' }, ['ana']);
    if (!message) throw new Error('no message');
    const journal = new FakeJournal();
    journal.click(message, 0, 'tok');
    journal.page('A', 0.1, '/landing', { clickToken: 'tok' });
    // Pairs of events on the same millisecond, so page boundaries fall inside ties.
    for (let i = 0; i < 124; i++) {
      journal.page('A', 1 + Math.floor(i / 2), `/p${i}`);
    }
    await ingestNew(db, journal);
    const all = (await contactTimeline(db, 'ana', { limit: 1000 })).items;
    expect(all).toHaveLength(126);

    const paged: string[] = [];
    let cursor: TimelineCursor | undefined;
    for (let page = 0; page < 10; page++) {
      const result: Awaited<ReturnType<typeof contactTimeline>> = await contactTimeline(db, 'ana', {
        limit: 25,
        ...(cursor ? { before: cursor } : {}),
      });
      paged.push(...result.items.map((i) => i.event.id));
      if (!result.next) break;
      cursor = result.next;
    }
    expect(paged).toEqual(all.map((i) => i.event.id));
    const times = all.map((i) => i.event.timestamp);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(all[all.length - 1]?.event.type).toBe('link_click');
    expect(all[0]?.via).toMatchObject({ kind: 'visitor', visitorId: 'A' });
  });

  it('says there is more when a single browser has more events than one page', async () => {
    const db = freshDb();
    await addContact(db, { id: 'tia', firstName: 'Tia' });
    const journal = new FakeJournal();
    for (let i = 0; i < 150; i++) journal.page('T', i, `/p${i}`);
    await ingestNew(db, journal);
    await stitchVisitorManually(db, { visitorId: 'T', contactId: 'tia', settings: settingsWith() });
    const first = await contactTimeline(db, 'tia', { limit: 100 });
    expect(first.items).toHaveLength(100);
    expect(first.next).not.toBeNull();
    const second = await contactTimeline(db, 'tia', {
      limit: 100,
      ...(first.next ? { before: first.next } : {}),
    });
    expect(second.items.map((i) => i.event.path)).toEqual(
      Array.from({ length: 50 }, (_, i) => `/p${49 - i}`),
    );
    expect(second.next).toBeNull();
  });

  it("a merged contact's events are interleaved by time with the target's", async () => {
    const db = freshDb();
    await addContact(db, { id: 'ana', firstName: 'Ana' });
    await addContact(db, { id: 'dup', firstName: 'Ana' });
    const [m1, m2] = await addCampaign(db, { id: 'c1', name: 'Sale', channel: 'sms' }, ['ana', 'dup']);
    if (!m1 || !m2) throw new Error('no messages');
    const journal = new FakeJournal();
    journal.click(m1, 0, 't1');
    journal.page('A', 0.1, '/a1', { clickToken: 't1' });
    journal.click(m2, 1, 't2');
    journal.page('D', 1.1, '/d1', { clickToken: 't2' });
    journal.page('A', 2, '/a2');
    journal.page('D', 3, '/d2');
    await ingestNew(db, journal);
    await mergeContacts(db, { targetId: 'ana', sourceId: 'dup', settings: settingsWith() });
    const page = await contactTimeline(db, 'ana', { limit: 3 });
    expect(page.items.map((i) => i.event.path ?? i.event.type)).toEqual(['/d2', '/a2', '/d1']);
    const rest = await contactTimeline(db, 'ana', { limit: 10, before: page.next ?? undefined });
    expect(rest.items.map((i) => i.event.path ?? i.event.type)).toEqual(['link_click', '/a1', 'link_click']);
  });
});

describe('contactsPage', () => {
  async function manyContacts(count: number) {
    const db = freshDb();
    const rows = Array.from({ length: count }, (_, i) =>
      newContact(
        {
          id: `c${String(i).padStart(4, '0')}`,
          firstName: i === 7 ? 'Zoë' : `First${i}`,
          lastName: i === 7 ? 'Lima' : `Last${i}`,
          email: `person${i}@example.org`,
          phone: `+1415555${String(1000 + i).padStart(4, '0')}`,
          tags: i % 2 === 0 ? ['vip'] : [],
          stats: { ...emptyStats(), pageViews: (i * 37) % count, lastSeen: at(i), clicks: i % 5 },
        },
        at(-i),
      ),
    );
    await db.contacts.bulkAdd(rows);
    return db;
  }

  it('sorts by page views, last seen and name through indexes, with a total', async () => {
    const db = await manyContacts(300);
    const byViews = await contactsPage(db, { sortBy: 'pageViews', direction: 'desc', limit: 3 });
    expect(byViews.total).toBe(300);
    expect(byViews.rows.map((c) => c.stats.pageViews)).toEqual([299, 298, 297]);
    const recent = await contactsPage(db, { sortBy: 'lastSeen', limit: 2, offset: 1 });
    expect(recent.rows.map((c) => c.id)).toEqual(['c0298', 'c0297']);
    const byName = await contactsPage(db, { sortBy: 'name', direction: 'asc', limit: 2 });
    expect(byName.rows.map((c) => c.firstName)).toEqual(['First0', 'First1']);
  });

  it('finds a contact by name or last-name prefix, email prefix, or phone typed in any format', async () => {
    const db = await manyContacts(300);
    const ids = async (search: string) => (await contactsPage(db, { search })).rows.map((c) => c.id);
    expect(await ids('zo')).toEqual(['c0007']);
    expect(await ids('LIMA')).toEqual(['c0007']);
    expect(await ids('person12@')).toEqual(['c0012']);
    expect(await ids('(415) 555-1012')).toEqual(['c0012']);
    expect(await ids('4155551012')).toEqual(['c0012']);
    expect(await ids('+1 415 555 1012')).toEqual(['c0012']);
    expect(await ids('555-1012')).toEqual(['c0012']);
    expect(await ids('nobody')).toEqual([]);
  });

  it('filters by tag and hides merged contacts', async () => {
    const db = await manyContacts(20);
    await mergeContacts(db, { targetId: 'c0000', sourceId: 'c0002', settings: settingsWith() });
    const vip = await contactsPage(db, {
      filters: { tag: 'vip' },
      sortBy: 'createdAt',
      direction: 'desc',
      limit: 100,
    });
    expect(vip.total).toBe(9);
    expect(vip.rows.map((c) => c.id)).not.toContain('c0002');
    expect(vip.rows.every((c) => c.tags.includes('vip'))).toBe(true);
    expect((await contactsPage(db, {})).total).toBe(19);
  });
});
