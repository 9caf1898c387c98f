// The activity keys a segment count scans: what they hold, their ranges, and that every write to
// `events` keeps them in step (adds, deletes by key, by index, by range, clear, aborted writes).
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openStitchDb, type StitchDb } from '../../../src-renderer/db';
import {
  activityIn,
  activityKeyOf,
  activityPaths,
  decodeTime,
  encodeTime,
} from '../../../src-renderer/db/activity-keys';
import type { EventRow } from '../../../src-renderer/db/types';

const INF = Number.POSITIVE_INFINITY;

function page(id: string, path: string, timestamp: number, visitorId = 'v1'): EventRow {
  return {
    id,
    type: 'page',
    timestamp,
    receivedAt: timestamp,
    source: 'tracker',
    visitorId,
    path,
    url: `https://shop.example.com${path}`,
  };
}

async function freshDb(): Promise<StitchDb> {
  const db = openStitchDb(`activity-${Math.random()}`);
  await db.open();
  return db;
}

const ids = (entries: { eventId: string }[]) => entries.map((e) => e.eventId);

describe('activity keys', () => {
  it('a page view, a form, a custom event, a click and a send are found by path, form, name and campaign in their window; bots and previews are not kept', async () => {
    const db = await freshDb();
    await db.events.bulkAdd([
      page('p1', '/pricing', 1_000),
      page('p2', '/pricing', 2_000, 'v2'),
      page('p3', '/about', 1_500),
      { ...page('bot', '/pricing', 1_700), bot: true },
      {
        id: 'f1',
        type: 'form_submit',
        timestamp: 1_800,
        receivedAt: 1_800,
        source: 'tracker',
        visitorId: 'v1',
      },
      {
        id: 't1',
        type: 'track',
        name: 'purchase',
        timestamp: 1_900,
        receivedAt: 1_900,
        source: 'segment',
        visitorId: 'v2',
        properties: { amount: 30 },
      },
      {
        id: 'click',
        type: 'link_click',
        timestamp: 900,
        receivedAt: 900,
        source: 'redirect',
        contactId: 'ana',
        campaignId: 'spring',
      },
      {
        id: 'sent',
        type: 'message_sent',
        timestamp: 800,
        receivedAt: 800,
        source: 'app',
        contactId: 'ana',
        campaignId: 'spring',
        channel: 'sms',
      },
      {
        id: 'preview',
        type: 'link_preview',
        timestamp: 850,
        receivedAt: 850,
        source: 'redirect',
        campaignId: 'spring',
      },
    ]);
    expect(await activityIn(db.activityKeys, 'path', '/pricing', Number.NEGATIVE_INFINITY)).toEqual([
      { timestamp: 1_000, eventId: 'p1', visitorId: 'v1', contactId: undefined, channel: undefined },
      { timestamp: 2_000, eventId: 'p2', visitorId: 'v2', contactId: undefined, channel: undefined },
    ]);
    // Both ends of a window are inside it.
    expect(ids(await activityIn(db.activityKeys, 'path', '/pricing', 1_000, 1_999))).toEqual(['p1']);
    expect(ids(await activityIn(db.activityKeys, 'path', '/pricing', 1_001, 2_000))).toEqual(['p2']);
    expect(ids(await activityIn(db.activityKeys, 'path', '/pricing', 2_001))).toEqual([]);
    expect(ids(await activityIn(db.activityKeys, 'form', '', 0))).toEqual(['f1']);
    expect(ids(await activityIn(db.activityKeys, 'event', 'purchase', 0))).toEqual(['t1']);
    expect(ids(await activityIn(db.activityKeys, 'event', 'signup', 0))).toEqual([]);
    expect(await activityIn(db.activityKeys, 'click', 'spring', Number.NEGATIVE_INFINITY)).toEqual([
      { timestamp: 900, eventId: 'click', visitorId: undefined, contactId: 'ana', channel: undefined },
    ]);
    expect(await activityIn(db.activityKeys, 'sent', 'spring', Number.NEGATIVE_INFINITY)).toEqual([
      { timestamp: 800, eventId: 'sent', visitorId: undefined, contactId: 'ana', channel: 'sms' },
    ]);
    expect(await activityPaths(db.activityKeys, () => true)).toEqual(['/about', '/pricing']);
    expect(await activityPaths(db.activityKeys, (path) => path.includes('pric'))).toEqual(['/pricing']);
    // Seven events' keys and the two paths' entries in the path list.
    expect(await db.activityKeys.count()).toBe(9);
    db.close();
  });

  it('times keep their order as keys and come back exactly: negative, fractional, zero and far ones', () => {
    const times = [-1e12, -1.5, -0.25, 0, 0.25, 1, 1_700_000_000_000.5, 4e15];
    const encoded = times.map(encodeTime);
    expect([...encoded].sort()).toEqual(encoded);
    expect(encoded.map(decodeTime)).toEqual(times);
  });

  it('a path or id holding the key separator stays in its own range', async () => {
    const db = await freshDb();
    const hostile = ['/a', '/a\u0000f\u0000', '/a\u0001', '/a\u0000'];
    await db.events.bulkAdd(hostile.map((path, i) => page(`e${i}\u0000x`, path, 1_000 + i, `v\u0000${i}`)));
    for (const [i, path] of hostile.entries()) {
      expect(await activityIn(db.activityKeys, 'path', path, 0)).toEqual([
        {
          timestamp: 1_000 + i,
          eventId: `e${i}\u0000x`,
          visitorId: `v\u0000${i}`,
          contactId: undefined,
          channel: undefined,
        },
      ]);
    }
    expect((await activityPaths(db.activityKeys, () => true)).sort()).toEqual([...hostile].sort());
    // Nothing of a path reaches the form range.
    expect(await activityIn(db.activityKeys, 'form', '', 0)).toEqual([]);
    db.close();
  });

  it('every write to events keeps the keys: a transaction naming only events, deletes by index and by key range, clear', async () => {
    const db = await freshDb();
    // As an ingest batch or a seed writes: the transaction names events alone.
    await db.transaction('rw', db.events, () =>
      db.events.bulkAdd([page('a1', '/x', 1), page('a2', '/x', 2), page('b1', '/x', 3, 'v2')]),
    );
    expect(ids(await activityIn(db.activityKeys, 'path', '/x', 0))).toEqual(['a1', 'a2', 'b1']);
    // Erasing a browser deletes its events through an index.
    await db.events.where('[visitorId+timestamp]').between(['v1', 0], ['v1', INF]).delete();
    expect(ids(await activityIn(db.activityKeys, 'path', '/x', 0))).toEqual(['b1']);
    // A path stays in the list while any view of it is left, and goes with the last one.
    expect(await activityPaths(db.activityKeys, () => true)).toEqual(['/x']);
    await db.events.bulkAdd([page('c1', '/y', 5), page('c2', '/y', 6)]);
    await db.events.where(':id').between('c1', 'c1', true, true).delete();
    await db.events.delete('b1');
    expect(await activityPaths(db.activityKeys, () => true)).toEqual(['/y']);
    expect(ids(await activityIn(db.activityKeys, 'path', '/y', 0))).toEqual(['c2']);
    await db.events.clear();
    expect(await db.activityKeys.count()).toBe(0);
    db.close();
  });

  it('a write that fails leaves no keys: an aborted transaction, and an event already stored', async () => {
    const db = await freshDb();
    await db.events.add(page('kept', '/x', 10));
    await expect(
      db.transaction('rw', db.events, async () => {
        await db.events.bulkAdd([page('lost', '/x', 20)]);
        throw new Error('the batch failed');
      }),
    ).rejects.toThrow('the batch failed');
    // A second event with a stored id (another time) is refused and adds no key of its own.
    await expect(db.events.bulkAdd([page('kept', '/x', 30), page('new', '/x', 40)])).rejects.toThrow();
    expect(await activityIn(db.activityKeys, 'path', '/x', 0)).toEqual([
      { timestamp: 10, eventId: 'kept', visitorId: 'v1', contactId: undefined, channel: undefined },
      { timestamp: 40, eventId: 'new', visitorId: 'v1', contactId: undefined, channel: undefined },
    ]);
    // A retry of the very same event is refused too, and the stored event keeps its key.
    await expect(db.events.bulkAdd([page('kept', '/x', 10)])).rejects.toThrow();
    expect(ids(await activityIn(db.activityKeys, 'path', '/x', 0))).toEqual(['kept', 'new']);
    // A refused event on a path no stored event viewed leaves no path in the list.
    await expect(db.events.bulkAdd([page('new', '/never', 50)])).rejects.toThrow();
    expect(await activityPaths(db.activityKeys, () => true)).toEqual(['/x']);
    expect(await activityIn(db.activityKeys, 'path', '/never', 0)).toEqual([]);
    db.close();
  });

  it('the key of an event written with an owner carries the owner; an event without a time has none', () => {
    const key = activityKeyOf({ ...page('p', '/x', 1), contactId: 'ana' });
    expect(key?.split('\u0000').slice(-2)).toEqual(['ana', '']);
    expect(activityKeyOf({ ...page('p', '/x', Number.NaN) })).toBeUndefined();
  });
});
