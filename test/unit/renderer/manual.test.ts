// Rule 6: manual stitch, unstitch and merge are audited and exactly undoable.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { contactIdentities } from '../../../src-renderer/queries/contacts';
import { contactTimeline } from '../../../src-renderer/queries/timeline';
import { anonymousVisitors } from '../../../src-renderer/queries/visitors';
import {
  auditLog,
  mergeContacts,
  stitchVisitorManually,
  undo,
  unstitchLink,
} from '../../../src-renderer/stitching/manual';
import {
  addCampaign,
  addContact,
  expectSpansInLine,
  FakeJournal,
  freshDb,
  ingestNew,
  settingsWith,
  timelineOf,
} from './support';

async function setup() {
  const db = freshDb();
  await addContact(db, { id: 'ana', firstName: 'Ana', email: 'ana@example.org' });
  await addContact(db, { id: 'ana2', firstName: 'Ana', lastName: 'Dup', email: 'ana.work@example.org' });
  const [message, message2] = await addCampaign(db, { id: 'c1', name: 'Spring Sale', channel: 'sms' }, [
    'ana',
    'ana2',
  ]);
  if (!message || !message2) throw new Error('no messages');
  const journal = new FakeJournal();
  journal.click(message, 0, 'tok');
  journal.page('A', 0.1, '/sale', { clickToken: 'tok' });
  journal.page('A', 5, '/more');
  journal.click(message2, 50, 'tok2');
  journal.page('W', 50.1, '/work', { clickToken: 'tok2' });
  journal.page('L', 70, '/lonely');
  await ingestNew(db, journal);
  return { db, journal };
}

const fullTimeline = async (db: Awaited<ReturnType<typeof setup>>['db'], id: string) =>
  (await contactTimeline(db, id, { limit: 1000 })).items;

describe('manual stitching, unstitching and merging', () => {
  it('removing a visitor link takes its events off the timeline; undo brings them back exactly', async () => {
    const { db } = await setup();
    const before = await fullTimeline(db, 'ana');
    const statsBefore = (await db.contacts.get('ana'))?.stats;
    const [identity] = await contactIdentities(db, 'ana');

    const { auditId } = await unstitchLink(db, identity?.link.id ?? '', {
      at: 1_000,
      settings: settingsWith(),
    });
    await expectSpansInLine(db);
    expect(await timelineOf(db, 'ana')).toEqual(['link_click']);
    expect((await db.contacts.get('ana'))?.stats).toMatchObject({ pageViews: 0, visitors: 0, clicks: 1 });
    expect((await anonymousVisitors(db)).map((v) => v.visitor.id)).toContain('A');

    await undo(db, auditId, { at: 2_000, settings: settingsWith() });
    await expectSpansInLine(db);
    expect(await fullTimeline(db, 'ana')).toEqual(before);
    expect((await db.contacts.get('ana'))?.stats).toEqual(statsBefore);
    expect((await anonymousVisitors(db)).map((v) => v.visitor.id)).not.toContain('A');

    const log = await auditLog(db, 'ana');
    expect(log.map((row) => row.action)).toEqual(['undo', 'unstitch']);
    expect(log[1]?.undoneAt).toBe(2_000);
    await expect(undo(db, auditId, { settings: settingsWith() })).rejects.toThrow(/already undone/);
  });

  it('an unstitched visitor is not re-linked when it presents the token again', async () => {
    const { db, journal } = await setup();
    const [identity] = await contactIdentities(db, 'ana');
    await unstitchLink(db, identity?.link.id ?? '', { settings: settingsWith() });
    journal.page('A', 90, '/sale', { clickToken: 'tok' });
    journal.form('A', 91, { email: 'ana@example.org' });
    await ingestNew(db, journal);
    expect(await timelineOf(db, 'ana')).toEqual(['link_click']);
  });

  it('a manual stitch links an anonymous visitor with its whole history; undo removes it', async () => {
    const { db } = await setup();
    const before = await fullTimeline(db, 'ana');
    const { auditId, identityId } = await stitchVisitorManually(db, {
      settings: settingsWith(),
      visitorId: 'L',
      contactId: 'ana',
      at: 1_000,
    });
    await expectSpansInLine(db);
    expect(await timelineOf(db, 'ana')).toEqual(['page /lonely', 'page /more', 'page /sale', 'link_click']);
    const identities = await contactIdentities(db, 'ana');
    expect(identities.find((i) => i.link.id === identityId)?.explanation.source).toBe('manual');

    await undo(db, auditId, { settings: settingsWith() });
    await expectSpansInLine(db);
    expect(await fullTimeline(db, 'ana')).toEqual(before);
    expect(await db.identities.get(identityId)).toBeUndefined();
    expect((await auditLog(db, 'ana')).map((row) => row.action)).toEqual(['undo', 'stitch']);
  });

  it("merging Ana's duplicate shows both histories on Ana, in time order; undo separates them again", async () => {
    const { db } = await setup();
    const anaBefore = await fullTimeline(db, 'ana');
    const dupBefore = await fullTimeline(db, 'ana2');
    const { auditId } = await mergeContacts(db, {
      targetId: 'ana',
      sourceId: 'ana2',
      settings: settingsWith(),
    });

    expect(await timelineOf(db, 'ana')).toEqual([
      'page /work',
      'link_click',
      'page /more',
      'page /sale',
      'link_click',
    ]);
    expect((await db.contacts.get('ana'))?.stats).toMatchObject({ clicks: 2, pageViews: 3, visitors: 2 });
    expect((await contactIdentities(db, 'ana')).map((i) => i.link.value).sort()).toEqual(['A', 'W']);

    await undo(db, auditId, { settings: settingsWith() });
    expect(await fullTimeline(db, 'ana')).toEqual(anaBefore);
    expect(await fullTimeline(db, 'ana2')).toEqual(dupBefore);
    expect((await db.contacts.get('ana2'))?.mergedInto).toBeUndefined();
    expect((await db.contacts.get('ana'))?.stats).toMatchObject({ clicks: 1, pageViews: 2, visitors: 1 });
  });

  it('events arriving after a merge land on the merged profile', async () => {
    const { db, journal } = await setup();
    await mergeContacts(db, { targetId: 'ana', sourceId: 'ana2', settings: settingsWith() });
    journal.page('W', 80, '/after-merge');
    await ingestNew(db, journal);
    expect((await timelineOf(db, 'ana'))[0]).toBe('page /after-merge');
    expect((await db.contacts.get('ana'))?.stats.pageViews).toBe(4);
  });
});
