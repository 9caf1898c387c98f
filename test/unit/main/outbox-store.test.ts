// The outbox's store on disk: grouped commits are durable when they resolve, keep the log in
// sequence order beside synchronous ones, and are never reported before they are on disk.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type OutboxMessage, OutboxStore } from '../../../src-main/scheduling/outbox-store';

const message = (id: string, state: OutboxMessage['state']): OutboxMessage => ({
  message: { messageId: id, to: '+12015550123', body: `text ${id}` },
  campaignId: 'c',
  channel: 'sms',
  sendAt: 0,
  zones: [],
  fallbackZone: null,
  zoneSource: 'none',
  state,
  seq: 0,
});

const stateOnDisk = (dir: string, id: string) => {
  const reopened = new OutboxStore(dir);
  const state = reopened.messages.get(id)?.state;
  reopened.close();
  return state;
};

describe('outbox store', () => {
  it('a grouped change is on disk when its promise resolves, and not reported as durable before', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outbox-store-'));
    const store = new OutboxStore(dir);
    store.commit({ messages: [message('a', 'scheduled')] });
    const durableBefore = store.seq;
    const pending = Array.from({ length: 20 }, (_, i) =>
      store.commitSoon({ messages: [message(`m${i}`, 'sending')] }),
    );
    // Applied in memory at once (the sender reads it), but not yet reported as on disk.
    expect(store.messages.get('m19')?.state).toBe('sending');
    expect(store.seq).toBe(durableBefore);
    expect(store.isDurable(store.messages.get('m19')?.seq ?? 0)).toBe(false);
    await Promise.all(pending);
    expect(store.isDurable(store.messages.get('m19')?.seq ?? 0)).toBe(true);
    expect(store.seq).toBe(durableBefore + 20);
    store.close();
    expect(stateOnDisk(dir, 'm0')).toBe('sending');
    expect(stateOnDisk(dir, 'm19')).toBe('sending');
  });

  it('a synchronous change made while a group is in flight stays the later one on disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outbox-store-'));
    const store = new OutboxStore(dir);
    const first = store.commitSoon({ messages: [message('x', 'sending')] });
    const second = store.commitSoon({ messages: [message('y', 'sending')] });
    // A cancel (synchronous) lands before the group's fdatasync answers.
    store.commit({ messages: [message('x', 'cancelled')] });
    await Promise.all([first, second]);
    expect(store.messages.get('x')?.state).toBe('cancelled');
    store.close();
    expect(stateOnDisk(dir, 'x')).toBe('cancelled');
    expect(stateOnDisk(dir, 'y')).toBe('sending');
  });

  it('close writes what is still queued, and settled() waits for every change so far', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outbox-store-'));
    const store = new OutboxStore(dir);
    const a = store.commitSoon({ messages: [message('a', 'sending')] });
    const b = store.commitSoon({ messages: [message('b', 'sent')] });
    await store.settled();
    expect(store.isDurable(store.messages.get('b')?.seq ?? 0)).toBe(true);
    await Promise.all([a, b]);
    const c = store.commitSoon({ messages: [message('c', 'sent')] });
    store.close();
    await c;
    expect(stateOnDisk(dir, 'c')).toBe('sent');
  });
});
