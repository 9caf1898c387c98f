// Rule 7: erasing a contact leaves nothing findable, in the store or in any file of the data folder,
// and replays do not bring the person back.
import 'fake-indexeddb/auto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StitchDb } from '../../../src-renderer/db';
import { ingestBatch } from '../../../src-renderer/ingest/batch';
import { IngestLoop } from '../../../src-renderer/ingest/loop';
import { contactsPage } from '../../../src-renderer/queries/contacts';
import { eraseContact } from '../../../src-renderer/stitching/erase';
import { isSuppressed, legacyHash } from '../../../src-renderer/stitching/suppression';
import {
  addCampaign,
  addContact,
  expectSpansInLine,
  FakeJournal,
  freshDb,
  type InProcessMain,
  ingestNew,
  settingsWith,
  startMain,
  timelineOf,
  UA,
} from './support';

const running: InProcessMain[] = [];
async function main(opts: { dataDir?: string } = {}): Promise<InProcessMain> {
  const started = await startMain(opts);
  running.push(started);
  return started;
}
afterEach(async () => {
  for (const started of running.splice(0)) await started.close();
});

/** Every file under `dir`, read as bytes (latin1 text, so any byte sequence can be searched). */
function filesUnder(dir: string): { path: string; text: string }[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return filesUnder(path);
    return [{ path, text: readFileSync(path).toString('latin1') }];
  });
}

/** The store's ingest loop, pulling from the real journal until caught up. */
async function catchUp(db: StitchDb, from: InProcessMain): Promise<void> {
  const loop = new IngestLoop({
    db,
    bridge: from.bridge,
    loadSettings: async () => settingsWith({ createContactsFromForms: true }),
  });
  await loop.catchUp();
}

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

    await eraseContact(db, (await main()).bridge, 'ana');

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

    await eraseContact(db, (await main()).bridge, 'ana');
    await expectSpansInLine(db);
    expect(await timelineOf(db, 'ben')).toEqual(['page /ben', 'link_click']);
    const visitor = await db.visitors.get('A');
    expect(visitor).toMatchObject({ events: 1, pageViews: 1, sessions: 1 });
    expect(
      await db.sessions.where('[visitorId+start]').between(['A', -Infinity], ['A', Infinity]).count(),
    ).toBe(1);
  });
});

describe('erasure reaches the journal', () => {
  it('after erasing Ana no file in the data folder holds her email, phone or browsers, and replaying her events does not bring her back', async () => {
    const app = await main();
    const db = freshDb();
    await addContact(db, { id: 'ana', firstName: 'Ana', email: 'ana@example.org', phone: '+14155552671' });
    await addContact(db, { id: 'ben', firstName: 'Ben', email: 'ben@example.org' });
    const [anaMessage, benMessage] = await addCampaign(
      db,
      { id: 'c1', name: 'Spring Sale', channel: 'sms' },
      ['ana', 'ben'],
    );
    if (!anaMessage || !benMessage) throw new Error('no messages');
    // Her phone's browser (linked by her tracked link) and her laptop (linked by a form with her email).
    const phone = 'v-ana-phone-3e1f90';
    const laptop = 'v-ana-laptop-8c2d47';
    const journal = new FakeJournal();
    const hers = [
      journal.page(phone, 0, '/home'),
      journal.click(anaMessage, 1, 'tok-ana-5b7e'),
      journal.page(phone, 1.1, '/sale', { clickToken: 'tok-ana-5b7e' }),
      journal.page(laptop, 30, '/pricing', { ua: UA.desktopFirefox }),
      journal.form(laptop, 31, { email: 'Ana@Example.org', phone: '(415) 555-2671' }, UA.desktopFirefox),
    ].map((record) => record.event);
    const bens = [
      journal.click(benMessage, 4, 'tok-ben-11c2'),
      journal.page('v-ben-77aa01', 4.1, '/ben', { clickToken: 'tok-ben-11c2' }),
    ].map((record) => record.event);
    await app.append([...hers.slice(0, 3), ...bens, ...hers.slice(3)]);
    await catchUp(db, app);
    expect(await timelineOf(db, 'ana')).toEqual([
      'form_submit',
      'page /pricing',
      'page /sale',
      'link_click',
      'page /home',
    ]);
    const benBefore = await timelineOf(db, 'ben');

    await eraseContact(db, app.bridge, 'ana');

    const traces = ['ana@example.org', '4155552671', '555-2671', phone, laptop];
    const tracesIn = (dir: string) => {
      const files = filesUnder(dir);
      expect(files.some((f) => f.path.endsWith('.seg'))).toBe(true);
      return files.flatMap((f) =>
        traces.filter((t) => f.text.toLowerCase().includes(t)).map((t) => `${f.path} holds ${t}`),
      );
    };
    expect(tracesIn(app.dataDir)).toEqual([]);
    // The journal kept its offsets and Ben's records; hers are redaction records.
    const read = await app.bridge.invoke('journal.read', { fromOffset: 0, limit: 100 });
    expect(read.records.map((r) => r.offset)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(read.records.map((r) => r.event.type)).toEqual([
      'redacted',
      'redacted',
      'redacted',
      'link_click',
      'page',
      'redacted',
      'redacted',
    ]);

    // Her old events come in again (a client retrying, a replayed export), and the store catches up.
    await app.append(hers);
    await catchUp(db, app);
    const noTrace = async () => {
      expect(await db.contacts.where('email').equals('ana@example.org').count()).toBe(0);
      expect(await db.contacts.count()).toBe(1);
      for (const visitor of [phone, laptop]) {
        expect(await db.visitors.get(visitor)).toBeUndefined();
        expect(
          await db.events
            .where('[visitorId+timestamp]')
            .between([visitor, -Infinity], [visitor, Infinity])
            .count(),
        ).toBe(0);
      }
      const onContacts = await db.events
        .where('[contactId+timestamp]')
        .between(['', -Infinity], ['\uffff', Infinity])
        .toArray();
      expect(onContacts.every((e) => e.contactId === 'ben')).toBe(true);
      expect(JSON.stringify(await db.events.toArray()).toLowerCase()).not.toContain('ana@example.org');
      expect(await isSuppressed(db, 'email', 'ana@example.org')).toBe(true);
      expect(await isSuppressed(db, 'phone', '+14155552671')).toBe(true);
      expect(await timelineOf(db, 'ben')).toEqual(benBefore);
    };
    await noTrace();
    // The store's ingest found those copies and had the journal redact them as well.
    expect(tracesIn(app.dataDir)).toEqual([]);

    // A restart reads the rewritten journal back, and a full replay into the store changes nothing.
    await app.close();
    running.splice(running.indexOf(app), 1);
    const again = await main({ dataDir: app.dataDir });
    await db.meta.clear();
    await catchUp(db, again);
    await noTrace();
  });
});

describe('an erasure whose journal half fails', () => {
  it('says so, keeps the store erased, and the ingest loop finishes it once the journal answers', async () => {
    const app = await main();
    const db = freshDb();
    await addContact(db, { id: 'ana', firstName: 'Ana', email: 'ana@example.org' });
    const journal = new FakeJournal();
    const hers = [journal.form('v-ana-9f2c61', 0, { email: 'ana@example.org' })].map((r) => r.event);
    await app.append(hers);
    await catchUp(db, app);
    expect(await db.contacts.count()).toBe(1);

    // The journal refuses once (a full disk, say).
    let refusals = 1;
    const flaky: InProcessMain['bridge'] = {
      ...app.bridge,
      invoke: (channel, args) =>
        channel === 'journal.redact' && refusals-- > 0
          ? Promise.reject(new Error('The journal could not store 1 append(s): ENOSPC'))
          : app.bridge.invoke(channel, args),
    };
    await expect(eraseContact(db, flaky, 'ana')).rejects.toThrow(
      /erased from the store, but their records are still in the journal \(retried later\): .*ENOSPC/,
    );
    expect(await db.contacts.count()).toBe(0);
    const inJournal = () =>
      filesUnder(app.dataDir).some((f) => f.path.endsWith('.seg') && f.text.includes('ana@example.org'));
    expect(inJournal()).toBe(true);

    await catchUp(db, app);
    expect(inJournal()).toBe(false);
    expect(await db.meta.get('pendingRedaction')).toBeUndefined();
  });
});

describe('suppression hashes', () => {
  it('are keyed: the stored hash of an erased phone is not its plain SHA-256, and the store holds no key', async () => {
    const app = await main();
    const db = freshDb();
    await addContact(db, { id: 'ana', firstName: 'Ana', phone: '+14155552671' });
    await eraseContact(db, app.bridge, 'ana');
    const rows = await db.suppressions.toArray();
    expect(rows.map((r) => [r.kind, r.scheme])).toEqual([['phone', 'hmac-sha256']]);
    expect(rows[0]?.hash).not.toBe(legacyHash('phone', '+14155552671'));
    expect(rows[0]?.hash).toMatch(/^[0-9a-f]{64}$/);
    // The key lives in the data folder, readable by its owner only.
    expect(statSync(join(app.dataDir, 'suppression.key')).mode & 0o077).toBe(0);
  });

  it('an erasure recorded before hashes were keyed (plain SHA-256) still keeps the person out', async () => {
    const db = freshDb();
    await db.suppressions.bulkAdd([
      { kind: 'email', hash: legacyHash('email', 'old@example.org'), createdAt: 0 },
      { kind: 'visitor', hash: legacyHash('visitor', 'OLD'), createdAt: 0 },
    ]);
    const journal = new FakeJournal();
    journal.form('NEW', 0, { email: 'Old@Example.org' });
    journal.page('OLD', 1, '/back');
    await ingestNew(db, journal, settingsWith({ createContactsFromForms: true }));

    expect(await db.contacts.count()).toBe(0);
    expect(await db.visitors.get('OLD')).toBeUndefined();
    expect(await isSuppressed(db, 'email', 'old@example.org')).toBe(true);
  });
});
