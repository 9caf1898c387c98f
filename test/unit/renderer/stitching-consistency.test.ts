// Stitching that does not depend on how the journal was cut into batches, on merges, or on the
// order decisions arrive: each case a scenario a replay (rebuild) and the live store must agree on,
// or a figure the profile shows that must equal a fresh count.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { JournalRecord } from '../../../src-main/shared/events';
import type { StitchDb } from '../../../src-renderer/db';
import { computeContactStats } from '../../../src-renderer/db/stats';
import { ingestBatch } from '../../../src-renderer/ingest/batch';
import { confirmTentativeLink, mergeContacts, undo } from '../../../src-renderer/stitching/manual';
import { addCampaign, addContact, FakeJournal, freshDb, ingestNew, settingsWith, UA } from './support';

const settings = settingsWith();

function must<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('the scenario did not set up what it needs');
  return value;
}

/** Ana with a phone on record and `n` SMS campaigns sent to her: her texts, in order. */
async function anaWithTexts(n: number) {
  const db = freshDb();
  await addContact(db, { id: 'ana', firstName: 'Ana', phone: '+14155552671' });
  const texts = [];
  for (let i = 1; i <= n; i++) {
    const [text] = await addCampaign(db, { id: `c${i}`, name: `Campaign ${i}`, channel: 'sms' }, ['ana']);
    texts.push(text);
  }
  return { db, texts };
}

async function staleStats(db: StitchDb) {
  const out: { id: string; stored: unknown; fresh: unknown }[] = [];
  // A contact merged into another is not shown on its own (undoing the merge counts it afresh).
  for (const c of await db.contacts.filter((row) => !row.mergedInto).toArray()) {
    const fresh = await computeContactStats(db, c.id);
    if (JSON.stringify(fresh) !== JSON.stringify(c.stats)) out.push({ id: c.id, stored: c.stats, fresh });
  }
  return out;
}

async function links(db: StitchDb) {
  const ids = (await db.identities.toArray())
    .map((l) => `${l.value}->${l.contactId} ${l.confidence?.toFixed(3) ?? ''}`)
    .sort();
  const tent = (await db.tentativeLinks.toArray())
    .map((t) => `${t.visitorId}~${t.contactId} ${t.confidence.toFixed(3)} ${t.status}`)
    .sort();
  return { ids, tent };
}

async function ingestSplit(db: StitchDb, records: JournalRecord[], cuts: number[]) {
  let from = 0;
  for (const cut of [...cuts, records.length]) {
    await ingestBatch(db, records.slice(from, cut), settings);
    from = cut;
  }
}

describe('stitching the same whatever the batches, merges and decisions', () => {
  it('a form naming a contact merged into Ana counts on Ana’s stats', async () => {
    const db = freshDb();
    await addContact(db, { id: 'ana', firstName: 'Ana', email: 'ana@example.org' });
    await addContact(db, { id: 'ana2', firstName: 'Ana', email: 'ana2@example.org' });
    await mergeContacts(db, { targetId: 'ana', sourceId: 'ana2', settings });
    const journal = new FakeJournal();
    journal.page('X', 0, '/a');
    journal.page('X', 1, '/b');
    journal.form('X', 2, { email: 'ana2@example.org' });
    await ingestNew(db, journal);
    expect(await staleStats(db)).toEqual([]);
  });

  it('Ana’s established phone seen again after a lone tap weighs the same in one batch or two', async () => {
    const build = async () => {
      const { db, texts } = await anaWithTexts(3);
      return { db, c1: must(texts[0]), c2: must(texts[1]), c3: must(texts[2]) };
    };
    const a = await build();
    const b = await build();
    const j = new FakeJournal();
    j.click(a.c1, 0, 't1');
    j.page('ANA-PHONE', 0.1, '/one', { clickToken: 't1' });
    j.click(a.c2, 10, 't2');
    j.page('ANA-PHONE', 10.1, '/two', { clickToken: 't2' });
    j.click(a.c3, 100, 't3');
    j.page('LONE', 100.1, '/three', { clickToken: 't3' });
    const cut = j.records.length;
    j.page('ANA-PHONE', 200, '/later');
    await ingestSplit(a.db, j.records, [cut]);
    await ingestSplit(b.db, j.records, []);
    expect(await links(a.db)).toEqual(await links(b.db));
  });

  it('a browser linked to a contact merged into Ana is hers in any batch', async () => {
    const build = async () => {
      const db = freshDb();
      await addContact(db, { id: 'ana', firstName: 'Ana', email: 'ana@example.org' });
      await addContact(db, { id: 'ana2', firstName: 'Ana', email: 'ana2@example.org' });
      await mergeContacts(db, { targetId: 'ana', sourceId: 'ana2', settings });
      const [c3] = await addCampaign(db, { id: 'c3', name: 'Three', channel: 'sms' }, ['ana']);
      return { db, c3: must(c3) };
    };
    for (const email of ['ana@example.org', 'ana2@example.org']) {
      const a = await build();
      const b = await build();
      const j = new FakeJournal();
      j.form('ANA-MOBILE', 0, { email });
      j.page('ANA-MOBILE', 200, '/later');
      const cut = j.records.length;
      j.click(a.c3, 100, 't3');
      j.page('LONE', 100.1, '/three', { clickToken: 't3' });
      await ingestSplit(a.db, j.records, [cut]);
      await ingestSplit(b.db, j.records, []);
      expect({ email, ...(await links(a.db)) }).toEqual({ email, ...(await links(b.db)) });
    }
  });

  it('a merge that weighs the merged contact’s taps again leaves Ana’s stats as a fresh count', async () => {
    const db = freshDb();
    await addContact(db, { id: 'ana', firstName: 'Ana', email: 'ana@example.org' });
    await addContact(db, { id: 'ana2', firstName: 'Ana', phone: '+14155552671' });
    const [mB] = await addCampaign(db, { id: 'c1', name: 'One', channel: 'sms' }, ['ana2']);
    const j = new FakeJournal();
    j.click(must(mB), 0, 'tf');
    j.page('FRIEND', 0.1, '/friend', { clickToken: 'tf' });
    j.page('FRIEND', 1, '/friend-more');
    j.click(must(mB), 30, 'ta');
    j.page('ANA-PHONE', 30.1, '/ana', { clickToken: 'ta' });
    j.form('ANA-PHONE', 40, { email: 'ana@example.org' });
    await ingestNew(db, j);
    const before = await links(db);
    await mergeContacts(db, { targetId: 'ana', sourceId: 'ana2', settings });
    expect(before.ids.some((l) => l.startsWith('FRIEND->'))).toBe(true);
    expect((await links(db)).ids.some((l) => l.startsWith('FRIEND->'))).toBe(false);
    expect(await staleStats(db)).toEqual([]);
  });

  it('a phone and a laptop on one text do not hold each other up: one batch or two give the same', async () => {
    const build = async () => {
      const { db, texts } = await anaWithTexts(1);
      return { db, c1: must(texts[0]) };
    };
    const a = await build();
    const b = await build();
    const home = '198.51.100.0';
    const j = new FakeJournal();
    j.click(a.c1, 0, 'tp');
    j.page('ANA-P', 0.1, '/p', { clickToken: 'tp', ip: home });
    j.click(a.c1, 5, 'tl', UA.desktopFirefox);
    j.page('ANA-L', 5.1, '/l', { clickToken: 'tl', ip: home, ua: UA.desktopFirefox });
    const cut = j.records.length;
    for (let i = 0; i < 3; i++) {
      j.click(a.c1, 20 + i, `r${i}`);
      j.page(`RIVAL-${i}`, 20.1 + i, '/r', { clickToken: `r${i}`, ip: `192.0.2.${i + 1}` });
    }
    await ingestSplit(a.db, j.records, [cut]);
    await ingestSplit(b.db, j.records, []);
    const mine = async (db: StitchDb) => {
      const l = await links(db);
      return [...l.ids, ...l.tent].filter((x) => x.startsWith('ANA-'));
    };
    expect(await mine(a.db)).toEqual(await mine(b.db));
  });

  it('a browser confirmed by the marketer stays Ana’s when the link that already covered it is doubted', async () => {
    const db = freshDb();
    await addContact(db, { id: 'ana', firstName: 'Ana', phone: '+14155552671' });
    const [m1] = await addCampaign(db, { id: 'c1', name: 'One', channel: 'sms' }, ['ana']);
    const [m2] = await addCampaign(db, { id: 'c2', name: 'Two', channel: 'sms' }, ['ana']);
    const j = new FakeJournal();
    j.click(must(m2), 0, 'v2');
    j.page('V', 0.1, '/two', { clickToken: 'v2' });
    for (let i = 0; i < 6; i++) {
      j.click(must(m1), 10 + i, `a${i}`);
      j.page(`A-${i}`, 10.1 + i, '/a', { clickToken: `a${i}` });
    }
    j.click(must(m1), 30, 'v1');
    j.page('V', 30.1, '/one', { clickToken: 'v1' });
    await ingestNew(db, j);
    const tentative = (await db.tentativeLinks.toArray()).find((t) => t.visitorId === 'V');
    expect(tentative?.messageId).toBe(must(m1).id);
    // Confirming marks the link that already covered V; undoing the confirmation takes the mark off.
    const marked = async () =>
      (await db.identities.toArray()).some((l) => l.value === 'V' && l.flags.includes('confirmed'));
    const { auditId } = await confirmTentativeLink(db, must(tentative).id, { settings });
    expect(await marked()).toBe(true);
    await undo(db, auditId, { settings });
    expect(await marked()).toBe(false);
    const pending = (await db.tentativeLinks.toArray()).find((t) => t.visitorId === 'V');
    await confirmTentativeLink(db, must(pending).id, { settings });
    for (let i = 0; i < 5; i++) {
      j.click(must(m2), 40 + i, `b${i}`);
      j.page(`B-${i}`, 40.1 + i, '/b', { clickToken: `b${i}` });
    }
    await ingestNew(db, j);
    expect(
      (await db.identities.toArray()).filter((l) => l.value === 'V' && l.revokedAt === null),
    ).not.toEqual([]);
  });

  it('a link’s reasons in words stay current when only their text changes (a fourth campaign opened)', async () => {
    const { db, texts } = await anaWithTexts(4);
    const journal = new FakeJournal();
    for (const [i, text] of texts.entries()) {
      journal.click(must(text), i * 100, `t${i}`);
      journal.page('ANA-PHONE', i * 100 + 0.1, `/p${i}`, { clickToken: `t${i}` });
      await ingestNew(db, journal);
    }
    const first = (await db.identities.toArray()).find((l) => l.messageId === must(texts[0]).id);
    // Weighed as much after the third campaign as after the fourth (the weight stops at two others).
    expect(first?.evidence?.map((e) => e.text)).toContain("it opened Ana's links from 4 campaigns");
  });
  it('a browser whose agent changes after its tap weighs the same in one batch or two', async () => {
    const instagram =
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 330.0.0.40.92';
    const built = [await anaWithTexts(1), await anaWithTexts(1)];
    const journal = new FakeJournal();
    const text = must(built[0]?.texts[0]);
    journal.click(text, 0, 't');
    journal.page('P', 0.1, '/sale', { clickToken: 't', ua: instagram });
    const cut = journal.records.length;
    journal.page('P', 60, '/later', { ua: UA.iphoneSafari });
    const [a, b] = built.map((x) => must(x?.db));
    await ingestSplit(must(a), journal.records, [cut]);
    await ingestSplit(must(b), journal.records, []);
    expect(await links(must(a))).toEqual(await links(must(b)));
  });
});
