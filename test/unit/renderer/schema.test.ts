// The schema is a list of versions; each upgrade is tested from a database of the previous version.
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { openStitchDb } from '../../../src-renderer/db';
import { activityIn, activityPaths } from '../../../src-renderer/db/activity-keys';
import { currentSchemaVersion, schemaVersions } from '../../../src-renderer/db/versions';
import { contactsPage } from '../../../src-renderer/queries/contacts';

describe('schema versions', () => {
  it('versions are listed in order, the newest being what the store opens with', () => {
    const numbers = schemaVersions.map((v) => v.version);
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    expect(currentSchemaVersion).toBe(7);
  });

  it('a v1 store is upgraded: contacts get stats from their links and events, and phone search works', async () => {
    const name = `upgrade-${Math.random()}`;
    const v1 = new Dexie(name);
    v1.version(1).stores(schemaVersions[0]?.stores ?? {});
    await v1.open();
    await v1.table('contacts').bulkAdd([
      {
        id: 'ana',
        firstName: 'Ana',
        lastName: 'Lima',
        email: 'ana@example.org',
        phone: '+14155552671',
        tags: [],
        lists: [],
        consent: { sms: true, whatsapp: false, email: false },
        custom: {},
        createdAt: 1,
        updatedAt: 1,
        nameKey: 'ana lima',
        lastNameKey: 'lima ana',
      },
      {
        id: 'ben',
        firstName: 'Ben',
        lastName: '',
        tags: [],
        lists: [],
        consent: { sms: false, whatsapp: false, email: false },
        custom: {},
        createdAt: 2,
        updatedAt: 2,
        nameKey: 'ben',
        lastNameKey: 'ben',
      },
    ]);
    await v1.table('identities').add({
      id: 'l1',
      kind: 'visitor',
      value: 'A',
      contactId: 'ana',
      from: 100,
      to: null,
      source: 'sms_click',
      createdAt: 100,
      revokedAt: null,
      flags: [],
    });
    await v1
      .table('sessions')
      .add({ id: 's1', visitorId: 'A', start: 50, end: 300, events: 4, pageViews: 3 });
    await v1.table('events').bulkAdd([
      { id: 'e0', type: 'page', visitorId: 'A', timestamp: 50, receivedAt: 50, source: 'tracker' },
      { id: 'e1', type: 'page', visitorId: 'A', timestamp: 150, receivedAt: 150, source: 'tracker' },
      { id: 'e2', type: 'page', visitorId: 'A', timestamp: 300, receivedAt: 300, source: 'tracker' },
      { id: 'e3', type: 'link_click', contactId: 'ana', timestamp: 120, receivedAt: 120, source: 'redirect' },
      { id: 'e4', type: 'message_sent', contactId: 'ana', timestamp: 10, receivedAt: 10, source: 'app' },
    ]);
    v1.close();

    const db = openStitchDb(name);
    await db.open();
    expect(db.verno).toBe(currentSchemaVersion);
    const ana = await db.contacts.get('ana');
    // Page views from 100 on (the link's start): e1 and e2; the session started before the link.
    expect(ana?.stats).toEqual({
      lastSeen: 300,
      pageViews: 2,
      sessions: 0,
      clicks: 1,
      messages: 1,
      visitors: 1,
    });
    expect(ana?.phoneTails).toEqual(['17625555141']);
    expect((await db.contacts.get('ben'))?.stats).toEqual({
      lastSeen: 0,
      pageViews: 0,
      sessions: 0,
      clicks: 0,
      messages: 0,
      visitors: 0,
    });
    // The v2 indexes answer the contact list.
    expect((await contactsPage(db, { sortBy: 'pageViews' })).rows.map((c) => c.id)).toEqual(['ana', 'ben']);
    expect((await contactsPage(db, { search: '(415) 555-2671' })).rows.map((c) => c.id)).toEqual(['ana']);
    db.close();
  });

  it("a v3 store opens with v4's indexes: its events answer the segment indexes, and segments and goals can be saved", async () => {
    const name = `upgrade-v3-${Math.random()}`;
    const v3 = new Dexie(name);
    for (const { version, stores } of schemaVersions.filter((v) => v.version <= 3))
      v3.version(version).stores(stores);
    await v3.open();
    await v3.table('events').bulkAdd([
      {
        id: 'p1',
        type: 'page',
        visitorId: 'A',
        path: '/pricing',
        timestamp: 100,
        receivedAt: 100,
        source: 'tracker',
      },
      {
        id: 'p2',
        type: 'page',
        visitorId: 'A',
        path: '/home',
        timestamp: 200,
        receivedAt: 200,
        source: 'tracker',
      },
      { id: 'f1', type: 'form_submit', visitorId: 'A', timestamp: 300, receivedAt: 300, source: 'tracker' },
    ]);
    v3.close();

    const db = openStitchDb(name);
    await db.open();
    expect(db.verno).toBe(currentSchemaVersion);
    expect(
      await db.events.where('[path+timestamp]').between(['/pricing', 0], ['/pricing', 1000]).primaryKeys(),
    ).toEqual(['p1']);
    expect(
      await db.events
        .where('[type+timestamp]')
        .between(['form_submit', 250], ['form_submit', 1000])
        .primaryKeys(),
    ).toEqual(['f1']);
    await db.segments.add({
      id: 's',
      name: 'All',
      definition: { kind: 'group', op: 'and', children: [] },
      createdAt: 1,
      updatedAt: 1,
    });
    await db.goals.add({
      id: 'g',
      name: 'Pricing',
      kind: 'page',
      on: 'path',
      match: 'contains',
      pattern: '/pricing',
      windowDays: 7,
      createdAt: 1,
    });
    expect(await db.segments.count()).toBe(1);
    expect(await db.goals.count()).toBe(1);
    db.close();
  });

  it('a v4 store opens as v5: the link spans are filled from its live visitor links', async () => {
    const name = `upgrade-v4-${Math.random()}`;
    const v4 = new Dexie(name);
    for (const { version, stores } of schemaVersions.filter((v) => v.version <= 4))
      v4.version(version).stores(stores);
    await v4.open();
    const link = {
      kind: 'visitor',
      contactId: 'ana',
      from: 100,
      to: null,
      source: 'sms_click',
      createdAt: 100,
      revokedAt: null,
      flags: [],
    };
    await v4.table('identities').bulkAdd([
      { ...link, id: 'open', value: 'A' },
      { ...link, id: 'closed', value: 'B', to: 500 },
      { ...link, id: 'revoked', value: 'C', revokedAt: 200 },
      { ...link, id: 'email', kind: 'email', value: 'ana@example.org', source: 'form' },
    ]);
    v4.close();

    const db = openStitchDb(name);
    await db.open();
    expect(db.verno).toBe(currentSchemaVersion);
    expect(await db.linkSpans.orderBy('id').toArray()).toEqual([
      { id: 'closed', visitorId: 'B', contactId: 'ana', from: 100, to: 500 },
      { id: 'open', visitorId: 'A', contactId: 'ana', from: 100, to: null },
    ]);
    db.close();
  });

  it('a v5 store opens as v6: every stored page view, form and custom event is found by a segment, page after page', async () => {
    const name = `upgrade-v5-${Math.random()}`;
    const v5 = new Dexie(name);
    for (const { version, stores } of schemaVersions.filter((v) => v.version <= 5))
      v5.version(version).stores(stores);
    await v5.open();
    const base = { receivedAt: 0, source: 'tracker', visitorId: 'A' };
    // More events than one upgrade step reads, so the pages join up.
    const views = Array.from({ length: 12_001 }, (_, i) => ({
      ...base,
      id: `p${String(i).padStart(5, '0')}`,
      type: 'page',
      timestamp: i,
      path: i % 3 === 0 ? '/pricing' : '/blog',
    }));
    await v5
      .table('events')
      .bulkAdd([
        ...views,
        { ...base, id: 'bot', type: 'page', timestamp: 5, path: '/pricing', bot: true },
        { ...base, id: 'form', type: 'form_submit', timestamp: 7 },
        { ...base, id: 'buy', type: 'track', name: 'purchase', timestamp: 9 },
        { ...base, id: 'click', type: 'link_click', timestamp: 3, source: 'redirect', contactId: 'ana' },
      ]);
    v5.close();

    const db = openStitchDb(name);
    await db.open();
    expect(db.verno).toBe(currentSchemaVersion);
    const pricing = await activityIn(db.activityKeys, 'path', '/pricing', Number.NEGATIVE_INFINITY);
    expect(pricing.map((e) => e.eventId)).toEqual(
      views.filter((v) => v.path === '/pricing').map((v) => v.id),
    );
    expect(await activityIn(db.activityKeys, 'path', '/blog', 0)).toHaveLength(8_000);
    expect((await activityIn(db.activityKeys, 'form', '', 0)).map((e) => e.eventId)).toEqual(['form']);
    expect((await activityIn(db.activityKeys, 'event', 'purchase', 0)).map((e) => e.eventId)).toEqual([
      'buy',
    ]);
    expect(await activityPaths(db.activityKeys, () => true)).toEqual(['/blog', '/pricing']);
    // Each kept event's key, and the two paths' entries in the path list.
    expect(await db.activityKeys.count()).toBe(12_005);
    db.close();
  });

  it("a v6 store opens as v7: a browser's networks are kept, each seen once so far", async () => {
    const name = `upgrade-v6-${Math.random()}`;
    const v6 = new Dexie(name);
    for (const { version, stores } of schemaVersions.filter((v) => v.version <= 6))
      v6.version(version).stores(stores);
    await v6.open();
    const visitor = { firstSeen: 0, lastSeen: 1, events: 2, pageViews: 2, sessions: 1, device: 'mobile' };
    await v6.table('visitors').bulkAdd([
      { ...visitor, id: 'A', stitched: 0, bot: false, networks: ['198.51.100.0', '100.64.1.0'] },
      { ...visitor, id: 'B', stitched: 0, bot: false },
    ]);
    v6.close();

    const db = openStitchDb(name);
    await db.open();
    expect((await db.visitors.get('A'))?.networks).toEqual([
      { ip: '198.51.100.0', seen: 1 },
      { ip: '100.64.1.0', seen: 1 },
    ]);
    expect((await db.visitors.get('B'))?.networks).toBeUndefined();
    db.close();
  });
});
