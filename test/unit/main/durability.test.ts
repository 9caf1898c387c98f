// Acknowledged data is durable: kill -9 the collector while a client is sending, restart it,
// and every event that got a 2xx answer is in the journal exactly once.
import { describe, expect, it } from 'vitest';
import { freshDataDir, type HeadlessApp, startHeadless } from '../../support/headless';
import { BROWSER_UA, pageView } from '../../support/services';

async function bridge<T>(app: HeadlessApp, channel: string, args?: unknown): Promise<T> {
  const response = await fetch(`${app.ready.url}/bridge/call/${channel}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${app.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(args === undefined ? {} : { args }),
  });
  const body = (await response.json()) as { result: T };
  if (!response.ok) throw new Error(`${channel}: ${JSON.stringify(body)}`);
  return body.result;
}

describe('journal durability', () => {
  it('every event acknowledged before a kill -9 is in the journal after restart, once', async () => {
    const dataDir = freshDataDir();
    const first = await startHeadless(['--port', '0', '--data-dir', dataDir]);
    const site = await bridge<{ id: string }>(first, 'sites.create', { name: 'Load', origins: [] });

    const acknowledged: string[] = [];
    let killed = false;
    const sendOne = async (i: number) => {
      const event = pageView(`visitor-${i % 50}`, `/p/${i}`);
      try {
        const response = await fetch(`${first.ready.url}/collect`, {
          method: 'POST',
          headers: { 'content-type': 'text/plain', 'user-agent': BROWSER_UA },
          body: JSON.stringify({ siteId: site.id, batch: [event] }),
        });
        if (response.ok) acknowledged.push(event.messageId as string);
      } catch {
        // the connection died with the process: not acknowledged
      }
    };
    // 20 concurrent senders; the process is killed once 300 events have been acknowledged.
    let next = 0;
    const worker = async () => {
      while (!killed && next < 5000) {
        await sendOne(next++);
        if (acknowledged.length >= 300 && !killed) {
          killed = true;
          first.child.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: 20 }, worker));
    await first.stop();
    expect(acknowledged.length).toBeGreaterThanOrEqual(300);

    const second = await startHeadless(['--port', '0', '--data-dir', dataDir]);
    try {
      const seen = new Map<string, number>();
      const offsets: number[] = [];
      let from = 0;
      for (;;) {
        const page = await bridge<{
          records: { offset: number; event: { messageId: string } }[];
          nextOffset: number;
        }>(second, 'journal.read', { fromOffset: from, limit: 1000 });
        if (page.records.length === 0) break;
        for (const record of page.records) {
          seen.set(record.event.messageId, (seen.get(record.event.messageId) ?? 0) + 1);
          offsets.push(record.offset);
        }
        from = page.nextOffset;
      }
      const missing = acknowledged.filter((id) => !seen.has(id));
      const twice = [...seen.entries()].filter(([, n]) => n > 1);
      expect(missing).toEqual([]);
      expect(twice).toEqual([]);
      expect(offsets).toEqual(offsets.map((_, i) => i));
    } finally {
      await second.stop();
    }
  }, 60_000);
});
