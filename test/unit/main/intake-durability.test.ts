// A 2xx means durable, also for a retry that races its original: a duplicate of an event still
// being written waits for that write and shares its outcome (issue 10, DESIGN §6 Integrity).
import { mkdtempSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Site } from '../../../src-main/shared/collector';
import { BROWSER_UA, pageView, startTestServices, type TestServices } from '../../support/services';

let t: TestServices;
let site: Site;
let fileHandlePrototype: { datasync: () => Promise<void> };

beforeAll(async () => {
  t = await startTestServices();
  site = t.services.sites.create({ name: 'Shop', origins: [] });
  const probe = await open(join(mkdtempSync(join(tmpdir(), 'stitchdesk-probe-')), 'probe'), 'w');
  fileHandlePrototype = Object.getPrototypeOf(probe);
  await probe.close();
});
afterAll(() => t.close());
afterEach(() => {
  vi.restoreAllMocks();
});

function collect(batch: unknown[]): Promise<Response> {
  return fetch(`${t.url}/collect`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', 'user-agent': BROWSER_UA },
    body: JSON.stringify({ siteId: site.id, batch }),
  });
}

async function copiesInJournal(messageId: string): Promise<number> {
  let count = 0;
  for (let from = 0; ; ) {
    const page = await t.services.journal.read(from, 5000);
    if (page.records.length === 0) return count;
    count += page.records.filter((r) => r.event.messageId === messageId).length;
    from = page.nextOffset;
  }
}

/** Holds every fdatasync until `release` is called, like a slow disk. */
function holdFsyncs(): { release: () => void; started: Promise<void> } {
  const original = fileHandlePrototype.datasync;
  let release = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let started = () => {};
  const startedPromise = new Promise<void>((resolve) => {
    started = resolve;
  });
  vi.spyOn(fileHandlePrototype, 'datasync').mockImplementation(async function (this: unknown) {
    started();
    await gate;
    return original.call(this);
  });
  return { release, started: startedPromise };
}

describe('a retry racing its original', () => {
  it('is not acknowledged until the original is durable, then counts as a duplicate', async () => {
    const event = pageView('v-race');
    const disk = holdFsyncs();
    const original = collect([event]);
    await disk.started;
    let retryAnswered = false;
    const retry = collect([event]).then((response) => {
      retryAnswered = true;
      return response;
    });
    // The original's fsync is still held: an answer to the retry now would be a lie.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(retryAnswered).toBe(false);
    disk.release();
    const [first, second] = await Promise.all([original, retry]);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(second.status).toBe(200);
    expect(await second.json()).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(await copiesInJournal(event.messageId as string)).toBe(1);
  });

  it('is refused too when the original cannot be stored; the next retry stores it once', async () => {
    const event = pageView('v-fail');
    vi.spyOn(fileHandlePrototype, 'datasync').mockRejectedValue(
      Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }),
    );
    const answers = await Promise.all([collect([event]), collect([event])]);
    // Neither answer may be 2xx unless the event is in the journal.
    const stored = await copiesInJournal(event.messageId as string);
    expect(stored).toBe(0);
    for (const answer of answers) {
      // A fault, not a bug: both copies are told to come back later.
      expect(answer.status).toBe(503);
      expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(await answer.json()).toMatchObject({ error: 'journal_unavailable' });
    }
    vi.restoreAllMocks();

    const later = await collect([event]);
    expect(later.status).toBe(200);
    expect(await later.json()).toMatchObject({ accepted: 1 });
    expect(await copiesInJournal(event.messageId as string)).toBe(1);
  });

  it('two copies of one event in the same batch store it once', async () => {
    const event = pageView('v-twice');
    const response = await collect([event, event]);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ accepted: 1, duplicates: 1 });
    expect(await copiesInJournal(event.messageId as string)).toBe(1);
  });

  it('a batch of only duplicates and invalid events still waits and names the rejected ones', async () => {
    const event = pageView('v-mixed');
    expect((await collect([event])).status).toBe(200);
    const response = await collect([event, { messageId: 'bad', type: 'explode' }]);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      accepted: 0,
      duplicates: 1,
      rejected: [expect.objectContaining({ index: 1, error: 'invalid_event' })],
    });
  });
});
