// At most once across a kill -9: the real headless app sends a campaign through the outbox to a
// slow Twilio stand-in, is killed with SIGKILL while requests are in flight, and restarts on the
// same data folder. Every message reaches the provider at most once; the ones interrupted mid-request
// are reported unknown, every other one is sent exactly once.
import { describe, expect, it } from 'vitest';
import type { CampaignOutboxStatus, MessageOutcome } from '../../../src-main/shared/scheduling';
import { type FakeTwilio, postsPerBody, startFakeTwilio } from '../../support/fake-twilio';
import { freshDataDir, type HeadlessApp, startHeadless } from '../../support/headless';

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

const N = 30;

async function sendUntilKilled(fake: FakeTwilio, dataDir: string): Promise<number> {
  const first = await startHeadless(['--port', '0', '--data-dir', dataDir]);
  await bridge(first, 'messaging.configure', {
    accountSid: `AC${'0123456789abcdef'.repeat(2)}`,
    authToken: 'token-0123456789abcdef',
    smsFrom: '+12015550100',
    baseUrl: fake.baseUrl,
    ratePerSecond: 20,
  });
  const killed = new Promise<number>((resolve) => {
    fake.onPost = () => {
      // Mid-schedule: some answered, some in flight (the stand-in answers after 400 ms).
      if (fake.posts.length === 6) {
        first.child.kill('SIGKILL');
        resolve(fake.posts.length);
      }
    };
  });
  await bridge(first, 'outbox.submit', {
    campaignId: 'kill',
    channel: 'sms',
    sendAt: Date.now(),
    quietHours: null,
    messages: Array.from({ length: N }, (_, i) => ({
      messageId: `kill:${i}`,
      to: `+1201555${String(1000 + i)}`,
      body: `kill message ${i}`,
    })),
  });
  const postedBeforeKill = await killed;
  await first.stop();
  fake.onPost = undefined;
  return postedBeforeKill;
}

describe('outbox across a kill -9', () => {
  it('sends each message at most once and reports the interrupted ones as unknown', async () => {
    const fake = await startFakeTwilio({ postDelayMs: 400 });
    const dataDir = freshDataDir();
    try {
      const before = await sendUntilKilled(fake, dataDir);
      expect(before).toBe(6);
      fake.postDelayMs = 0;
      const second = await startHeadless(['--port', '0', '--data-dir', dataDir]);
      try {
        let status: CampaignOutboxStatus | null = null;
        const deadline = Date.now() + 30_000;
        while (Date.now() < deadline) {
          status = await bridge<CampaignOutboxStatus | null>(second, 'outbox.status', { campaignId: 'kill' });
          if (status && status.counts.scheduled + status.counts.sending === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        const { outcomes } = await bridge<{ outcomes: MessageOutcome[] }>(second, 'outbox.outcomes', {
          since: 0,
        });
        const perBody = postsPerBody(fake);
        // At most once, for every message.
        expect([...perBody.entries()].filter(([, n]) => n > 1)).toEqual([]);
        expect(outcomes).toHaveLength(N);
        const unknown = outcomes.filter((o) => o.state === 'unknown');
        const sent = outcomes.filter((o) => o.state === 'sent');
        expect(unknown.length + sent.length).toBe(N);
        // Killed with requests in flight: those are unknown and never resent. An unknown one may
        // have reached the provider or not (killed between its durable "sending" mark and the
        // request arriving): that is what unknown means, and why it is not sent again.
        expect(unknown.length).toBeGreaterThan(0);
        const posts = (o: MessageOutcome) => perBody.get(`kill message ${o.messageId.split(':')[1]}`) ?? 0;
        for (const o of unknown) expect(posts(o)).toBeLessThanOrEqual(1);
        for (const o of sent) expect(posts(o)).toBe(1);
        // Every message not interrupted went out after the restart, once.
        const unknownPosted = unknown.filter((o) => posts(o) === 1).length;
        expect(fake.posts).toHaveLength(sent.length + unknownPosted);
        expect(status?.counts).toMatchObject({ sent: sent.length, unknown: unknown.length, scheduled: 0 });
      } finally {
        await second.stop();
      }
    } finally {
      await fake.close();
    }
  }, 90_000);
});
