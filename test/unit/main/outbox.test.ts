// The outbox in process, against the local Twilio stand-in: messages held until their time and
// their quiet hours, sent once each, polled to Delivered/Failed; pause, resume and cancel; outcomes
// pulled after the fact; an interrupted send found after a restart reported unknown, not resent.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MessagingService } from '../../../src-main/messaging/service';
import { OutboxService, UNKNOWN_AFTER_CRASH } from '../../../src-main/scheduling/outbox';
import type { CampaignOutboxStatus, MessageOutcome } from '../../../src-main/shared/scheduling';
import type { Logger } from '../../../src-main/util/log';
import { type FakeTwilio, postsPerBody, startFakeTwilio } from '../../support/fake-twilio';
import { startSmtpPeer } from '../../support/smtp-peer';

const SID = `AC${'0123456789abcdef'.repeat(2)}`;
const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let fake: FakeTwilio | undefined;
const open: OutboxService[] = [];
afterEach(async () => {
  for (const outbox of open.splice(0)) outbox.close();
  await fake?.close();
  fake = undefined;
});

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await sleep(25);
  }
}

function outboxOn(dataDir: string, baseUrl: string, ratePerSecond = 50) {
  const messaging = new MessagingService(dataDir);
  messaging.config.configure({
    accountSid: SID,
    authToken: 'token-0123456789abcdef',
    smsFrom: '+12015550100',
    baseUrl,
    ratePerSecond,
  });
  const pushed: MessageOutcome[] = [];
  const statuses: CampaignOutboxStatus[] = [];
  const outbox = new OutboxService({
    dataDir,
    providers: () => messaging.providers,
    log: quiet,
    onOutcomes: (o) => pushed.push(...o),
    onStatus: (s) => statuses.push(s),
    pollTiming: { delays: [100, 200], deadlineMs: 60_000 },
    pollsPerSecond: 50,
  });
  open.push(outbox);
  outbox.start();
  return { outbox, pushed, statuses };
}

const messages = (campaignId: string, n: number, tz?: string) =>
  Array.from({ length: n }, (_, i) => ({
    messageId: `${campaignId}:${i}`,
    // Numbers ending in 99 come back undelivered from the stand-in.
    to: i === n - 1 ? '+12015550199' : `+1201555${String(1000 + i).padStart(4, '0')}`,
    body: `${campaignId} message ${i}`,
    ...(tz ? { timeZone: tz } : {}),
  }));

describe('outbox', () => {
  it('holds messages until the send time, sends each once, then polls them to delivered or undelivered', async () => {
    fake = await startFakeTwilio();
    const dataDir = mkdtempSync(join(tmpdir(), 'outbox-'));
    const { outbox, pushed } = outboxOn(dataDir, fake.baseUrl);
    // Far enough ahead that a cold first submit (zone data loading, fsync on a busy CI disk)
    // cannot eat the whole wait before the "nothing sent yet" check below.
    const sendAt = Date.now() + 3000;
    const result = outbox.submit({
      campaignId: 'c1',
      channel: 'sms',
      sendAt,
      quietHours: null,
      messages: messages('c1', 5),
    });
    expect(result.accepted).toBe(5);
    expect(result.planned.every((p) => p.sendAt === sendAt)).toBe(true);
    // Submitting the same ids again takes nothing new.
    expect(
      outbox.submit({
        campaignId: 'c1',
        channel: 'sms',
        sendAt,
        quietHours: null,
        messages: messages('c1', 5),
      }).accepted,
    ).toBe(0);
    await sleep(400);
    expect(fake.posts).toHaveLength(0);
    expect(outbox.status('c1')?.counts.scheduled).toBe(5);
    await until(() => fake?.posts.length === 5);
    expect(Math.min(...fake.posts.map((p) => p.at))).toBeGreaterThanOrEqual(sendAt);
    await until(() => outbox.outcomes(0, 100).outcomes.every((o) => o.deliveryFinal === true));
    const { outcomes } = outbox.outcomes(0, 100);
    const byId = new Map(outcomes.map((o) => [o.messageId, o]));
    expect(byId.get('c1:0')).toMatchObject({ state: 'sent', providerStatus: 'delivered' });
    expect(byId.get('c1:4')).toMatchObject({
      state: 'sent',
      providerStatus: 'undelivered',
      errorCode: 30003,
    });
    expect([...postsPerBody(fake).values()].every((n) => n === 1)).toBe(true);
    expect(outbox.status('c1')).toMatchObject({ state: 'done', counts: { sent: 5, scheduled: 0 } });
    // The pushes (gathered for a moment) and a pull from the last seen seq tell the same story.
    const lastPushed = () => new Map(pushed.map((o) => [o.messageId, o]));
    await until(() => lastPushed().get('c1:4')?.providerStatus === 'undelivered');
    expect(lastPushed().get('c1:0')?.providerStatus).toBe('delivered');
    const mid = outcomes[2]?.seq ?? 0;
    expect(outbox.outcomes(mid, 100).outcomes.every((o) => o.seq > mid)).toBe(true);
  });

  it('holds a message in the recipient’s quiet hours until they end', async () => {
    fake = await startFakeTwilio();
    const dataDir = mkdtempSync(join(tmpdir(), 'outbox-'));
    const { outbox } = outboxOn(dataDir, fake.baseUrl);
    // Quiet hours around "now" in UTC for a contact whose zone is UTC: held until the window ends.
    const hour = new Date().getUTCHours();
    const hh = (h: number) => `${String((h + 24) % 24).padStart(2, '0')}:00`;
    const window = { start: hh(hour - 1), end: hh(hour + 1) };
    const result = outbox.submit({
      campaignId: 'q',
      channel: 'sms',
      sendAt: Date.now(),
      quietHours: window,
      messages: messages('q', 2, 'UTC'),
    });
    const end = new Date();
    end.setUTCHours(hour + 1, 0, 0, 0);
    expect(result.planned.map((p) => p.sendAt)).toEqual([end.getTime(), end.getTime()]);
    expect(result.planned[0]?.zoneSource).toBe('contact');
    await sleep(1_200);
    expect(fake.posts).toHaveLength(0);
    expect(outbox.status('q')).toMatchObject({ state: 'active', nextSendAt: end.getTime() });
  });

  it('pauses, resumes and cancels', async () => {
    fake = await startFakeTwilio();
    const dataDir = mkdtempSync(join(tmpdir(), 'outbox-'));
    const { outbox, statuses } = outboxOn(dataDir, fake.baseUrl);
    outbox.submit({
      campaignId: 'p',
      channel: 'sms',
      sendAt: Date.now() + 300,
      quietHours: null,
      messages: messages('p', 3),
    });
    expect(outbox.pause('p').state).toBe('paused');
    await sleep(900);
    expect(fake.posts).toHaveLength(0);
    expect(outbox.resume('p').state).toBe('active');
    await until(() => fake?.posts.length === 3);

    outbox.submit({
      campaignId: 'x',
      channel: 'sms',
      sendAt: Date.now() + 500,
      quietHours: null,
      messages: messages('x', 4),
    });
    const cancelled = outbox.cancel('x');
    expect(cancelled).toMatchObject({ state: 'cancelled', counts: { cancelled: 4, scheduled: 0 } });
    await sleep(900);
    expect(fake.posts.filter((p) => p.body.startsWith('x '))).toHaveLength(0);
    expect(() => outbox.resume('x')).toThrow(/cancelled/);
    // Scheduling it again takes the cancelled messages afresh.
    const again = { campaignId: 'x', channel: 'sms' as const, sendAt: Date.now(), quietHours: null };
    expect(outbox.submit({ ...again, messages: messages('x', 1) }).accepted).toBe(1);
    await until(() => fake?.posts.some((p) => p.body === 'x message 0') === true);
    expect(outbox.status('x')).toMatchObject({ state: 'done', counts: { sent: 1, cancelled: 3 } });
    expect(() => outbox.pause('nope')).toThrow(/No scheduled sending/);
    expect(statuses.some((s) => s.campaignId === 'p' && s.state === 'paused')).toBe(true);
  });

  it('a pause stops a batch between two requests, and resume sends the rest once', async () => {
    fake = await startFakeTwilio();
    const dataDir = mkdtempSync(join(tmpdir(), 'outbox-'));
    // Two a second: a batch of four spans two seconds.
    const { outbox } = outboxOn(dataDir, fake.baseUrl, 2);
    fake.onPost = () => {
      if (fake?.posts.length === 1) outbox.pause('mid');
    };
    outbox.submit({
      campaignId: 'mid',
      channel: 'sms',
      sendAt: Date.now(),
      quietHours: null,
      messages: messages('mid', 6),
    });
    await sleep(2_000);
    expect(fake.posts).toHaveLength(1);
    expect(outbox.status('mid')).toMatchObject({
      state: 'paused',
      counts: { sent: 1, scheduled: 5, sending: 0 },
    });
    fake.onPost = undefined;
    outbox.resume('mid');
    await until(() => fake?.posts.length === 6, 15_000);
    expect([...postsPerBody(fake).values()].every((n) => n === 1)).toBe(true);
  }, 30_000);

  it('erasure forgets the number and text of her messages, on disk too, and cancels one still waiting', async () => {
    fake = await startFakeTwilio();
    const dataDir = mkdtempSync(join(tmpdir(), 'outbox-'));
    const { outbox } = outboxOn(dataDir, fake.baseUrl);
    outbox.submit({
      campaignId: 'e',
      channel: 'sms',
      sendAt: Date.now() + 60_000,
      quietHours: null,
      messages: messages('e', 3),
    });
    expect(outbox.redact({ phones: ['+12015551000'], messageIds: ['e:1'] })).toBe(2);
    const byId = new Map(outbox.outcomes(0, 10).outcomes.map((o) => [o.messageId, o]));
    expect(byId.get('e:0')?.state).toBe('cancelled');
    expect(byId.get('e:1')?.state).toBe('cancelled');
    expect(byId.get('e:2')?.state).toBe('scheduled');
    const { readFileSync } = await import('node:fs');
    const onDisk =
      readFileSync(join(dataDir, 'outbox', 'outbox.json'), 'utf8') +
      readFileSync(join(dataDir, 'outbox', 'outbox.log'), 'utf8');
    expect(onDisk).not.toContain('+12015551000');
    expect(onDisk).not.toContain('e message 1');
    expect(onDisk).toContain('e message 2');
  });

  it('waits while the provider is not set up, and sends once it is', async () => {
    fake = await startFakeTwilio();
    const dataDir = mkdtempSync(join(tmpdir(), 'outbox-'));
    const messaging = new MessagingService(dataDir);
    const outbox = new OutboxService({
      dataDir,
      providers: () => messaging.providers,
      log: quiet,
      onOutcomes: () => undefined,
      onStatus: () => undefined,
    });
    open.push(outbox);
    outbox.start();
    outbox.submit({
      campaignId: 'n',
      channel: 'sms',
      sendAt: Date.now(),
      quietHours: null,
      messages: messages('n', 1),
    });
    await sleep(500);
    expect(outbox.status('n')?.counts.scheduled).toBe(1);
    expect(outbox.status('n')?.held).toMatch(/Set the Twilio account SID/);
    messaging.config.configure({
      accountSid: SID,
      authToken: 'token-0123456789abcdef',
      smsFrom: '+12015550100',
      baseUrl: fake.baseUrl,
      ratePerSecond: 50,
    });
    await until(() => fake?.posts.length === 1, 10_000);
  });

  it('holds an email campaign whose SMTP login is refused, with the reason, and sends it once the password is fixed', async () => {
    const peer = await startSmtpPeer({ login: { user: 'shop', password: 'right' } });
    const dataDir = mkdtempSync(join(tmpdir(), 'outbox-'));
    const messaging = new MessagingService(dataDir);
    const smtp = {
      host: '127.0.0.1',
      port: peer.port,
      security: 'none' as const,
      user: 'shop',
      from: 'news@shop.example',
      ratePerSecond: 20,
    };
    messaging.email.configure({ ...smtp, password: 'wrong' });
    const outbox = new OutboxService({
      dataDir,
      providers: () => messaging.providers,
      log: quiet,
      onOutcomes: () => undefined,
      onStatus: () => undefined,
    });
    open.push(outbox);
    outbox.start();
    try {
      outbox.submit({
        campaignId: 'e',
        channel: 'email',
        sendAt: Date.now(),
        quietHours: null,
        messages: Array.from({ length: 4 }, (_, i) => ({
          messageId: `e:${i}`,
          to: `reader${i}@example.com`,
          email: {
            subject: 'Spring',
            text: `Hello ${i}`,
            html: `<p>Hello ${i}</p>`,
            unsubscribeUrl: `https://links.shop.example/u/token${i}`,
          },
        })),
      });
      await until(() => outbox.status('e')?.held !== undefined);
      const held = outbox.status('e');
      // One clear reason on the campaign; not one failure per recipient, and nothing sent.
      expect(held?.held).toMatch(/refused the login for "shop"/);
      expect(held?.counts).toMatchObject({ scheduled: 4, failed: 0, sent: 0 });
      expect(peer.received).toHaveLength(0);
      // The marketer fixes the password; saving the settings lets the held campaign go at once.
      messaging.email.configure({ ...smtp, password: 'right' });
      outbox.settingsChanged(['email']);
      await until(() => peer.received.length === 4);
      await until(() => outbox.status('e')?.state === 'done');
      expect(outbox.status('e')).toMatchObject({ counts: { sent: 4, failed: 0 } });
      expect(outbox.status('e')?.held).toBeUndefined();
      expect(new Set(peer.received.map((m) => m.to[0])).size).toBe(4);
    } finally {
      messaging.close();
      await peer.close();
    }
  });

  it('holds an SMS campaign when Twilio refuses the auth token, nothing marked failed, and sends once fixed', async () => {
    fake = await startFakeTwilio();
    const dataDir = mkdtempSync(join(tmpdir(), 'outbox-'));
    const { outbox } = outboxOn(dataDir, fake.baseUrl);
    fake.refuseAuth = true;
    outbox.submit({
      campaignId: 'a',
      channel: 'sms',
      sendAt: Date.now(),
      quietHours: null,
      messages: messages('a', 6),
    });
    await until(() => outbox.status('a')?.held !== undefined);
    await sleep(300);
    expect(outbox.status('a')?.held).toMatch(/Twilio refused the account SID or auth token/);
    expect(outbox.status('a')?.counts).toMatchObject({ scheduled: 6, sending: 0, failed: 0 });
    fake.refuseAuth = false;
    outbox.settingsChanged(['sms']);
    await until(() => fake?.posts.length === 6);
    expect([...postsPerBody(fake).values()].every((n) => n === 1)).toBe(true);
    await until(() => outbox.status('a')?.counts.sent === 6);
  });

  it('reports a message found mid-send after a crash as unknown and never resends it', async () => {
    fake = await startFakeTwilio();
    const dataDir = mkdtempSync(join(tmpdir(), 'outbox-'));
    // The state a kill -9 leaves between "sending" being fsynced and the provider's answer.
    const sending = {
      message: { messageId: 'k:0', to: '+12015551000', body: 'k message 0' },
      campaignId: 'k',
      channel: 'sms',
      sendAt: 0,
      zones: [],
      fallbackZone: null,
      zoneSource: 'none',
      state: 'sending',
      seq: 2,
    };
    const campaign = {
      campaignId: 'k',
      channel: 'sms',
      schedule: { sendAt: 0, quietHours: null },
      state: 'active',
      seq: 1,
    };
    const dir = join(dataDir, 'outbox');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'outbox.log'),
      `${JSON.stringify({ c: campaign })}\n${JSON.stringify({ m: sending })}\n{"m":{"torn`,
    );
    const { outbox } = outboxOn(dataDir, fake.baseUrl);
    expect(outbox.outcomes(0, 10).outcomes).toEqual([
      expect.objectContaining({ messageId: 'k:0', state: 'unknown', error: UNKNOWN_AFTER_CRASH }),
    ]);
    await sleep(800);
    expect(fake.posts).toHaveLength(0);
    expect(outbox.status('k')?.counts.unknown).toBe(1);
  });
});
