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

type Send = (
  app: HeadlessApp,
  siteId: string,
  event: Record<string, unknown>,
  /** Kills the app now if enough has been acknowledged: for senders that see a risky moment. */
  killNow: () => void,
) => Promise<boolean>;

/**
 * Runs 20 concurrent senders against a fresh app and kills it with SIGKILL once 300 events have
 * been acknowledged (or earlier, at a moment `send` picks); `send` posts one event and says
 * whether any answer to it was a 2xx.
 */
async function acknowledgedBeforeKill(send: Send): Promise<{ dataDir: string; acknowledged: string[] }> {
  const dataDir = freshDataDir();
  const first = await startHeadless(['--port', '0', '--data-dir', dataDir]);
  const site = await bridge<{ id: string }>(first, 'sites.create', { name: 'Load', origins: [] });
  const acknowledged: string[] = [];
  let killed = false;
  let next = 0;
  const kill = () => {
    if (killed) return;
    killed = true;
    first.child.kill('SIGKILL');
  };
  const killNow = () => {
    if (acknowledged.length >= 100) kill();
  };
  const worker = async () => {
    while (!killed && next < 5000) {
      const i = next++;
      const event = pageView(`visitor-${i % 50}`, `/p/${i}`);
      try {
        if (await send(first, site.id, event, killNow)) acknowledged.push(event.messageId as string);
      } catch {
        // the connection died with the process: not acknowledged
      }
      if (acknowledged.length >= 300) kill();
    }
  };
  await Promise.all(Array.from({ length: 20 }, worker));
  await first.stop();
  return { dataDir, acknowledged };
}

/** Restarts on the data folder and checks every acknowledged event is in the journal, once. */
async function expectAllOnceAfterRestart(dataDir: string, acknowledged: string[]): Promise<void> {
  expect(acknowledged.length).toBeGreaterThanOrEqual(100);
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
}

function post(app: HeadlessApp, siteId: string, event: Record<string, unknown>): Promise<Response> {
  return fetch(`${app.ready.url}/collect`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', 'user-agent': BROWSER_UA },
    body: JSON.stringify({ siteId, batch: [event] }),
  });
}

describe('journal durability', () => {
  it('every event acknowledged before a kill -9 is in the journal after restart, once', async () => {
    const { dataDir, acknowledged } = await acknowledgedBeforeKill(
      async (app, siteId, event) => (await post(app, siteId, event)).ok,
    );
    await expectAllOnceAfterRestart(dataDir, acknowledged);
  }, 60_000);

  it('a retry racing its original is acknowledged only if the event survives a kill -9', async () => {
    // Two identical requests at once, as a client that retries on a slow answer sends them. The
    // riskiest moment is the one the process is killed at: one copy answered 2xx while the other
    // is still unanswered, i.e. possibly still queued for the journal. Five rounds.
    for (let round = 0; round < 5; round++) {
      const { dataDir, acknowledged } = await acknowledgedBeforeKill(async (app, siteId, event, killNow) => {
        const answers = [post(app, siteId, event), post(app, siteId, event)];
        let answered = 0;
        for (const answer of answers) {
          answer.then(
            (response) => {
              if (response.ok && ++answered === 1) killNow();
            },
            () => undefined,
          );
        }
        const settled = await Promise.allSettled(answers);
        return settled.some((answer) => answer.status === 'fulfilled' && answer.value.ok);
      });
      await expectAllOnceAfterRestart(dataDir, acknowledged);
    }
  }, 120_000);
});
