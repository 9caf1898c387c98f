// Delivery-status polling: the state machine on its own (final statuses, backoff, retry-after,
// forgotten messages, the deadline) and the Twilio adapter's status GET against the local stand-in.
import { afterEach, describe, expect, it } from 'vitest';
import { afterAnswer, type PollTiming, startPolling } from '../../../src-main/messaging/delivery';
import { TwilioProvider } from '../../../src-main/messaging/twilio';
import { type FakeTwilio, startFakeTwilio } from '../../support/fake-twilio';

const SID = `AC${'0123456789abcdef'.repeat(2)}`;
const timing: PollTiming = { delays: [1_000, 5_000, 20_000], deadlineMs: 60_000 };
const T0 = 1_000_000;

describe('delivery polling state machine', () => {
  it('polls queued → sent → delivered at growing gaps, then stops', () => {
    let poll = startPolling('queued', T0, timing);
    expect(poll).toMatchObject({ status: 'queued', polls: 0, nextPollAt: T0 + 1_000, final: false });
    poll = afterAnswer(poll, { kind: 'status', status: 'sent' }, T0 + 1_000, T0, timing);
    expect(poll).toMatchObject({ status: 'sent', polls: 1, nextPollAt: T0 + 6_000, final: false });
    poll = afterAnswer(poll, { kind: 'status', status: 'sent' }, T0 + 6_000, T0, timing);
    expect(poll.nextPollAt).toBe(T0 + 26_000);
    // The last gap repeats.
    poll = afterAnswer(poll, { kind: 'status', status: 'sent' }, T0 + 26_000, T0, timing);
    expect(poll.nextPollAt).toBe(T0 + 46_000);
    poll = afterAnswer(poll, { kind: 'status', status: 'delivered' }, T0 + 46_000, T0, timing);
    expect(poll).toMatchObject({ status: 'delivered', polls: 4, nextPollAt: null, final: true });
    // A final state ignores later answers.
    expect(afterAnswer(poll, { kind: 'status', status: 'sent' }, T0 + 50_000, T0, timing)).toBe(poll);
  });

  it('keeps the error code of an undelivered or failed message', () => {
    const poll = afterAnswer(
      startPolling('sent', T0, timing),
      {
        kind: 'status',
        status: 'undelivered',
        errorCode: 30003,
        errorMessage: 'Unreachable destination handset',
      },
      T0 + 1_000,
      T0,
      timing,
    );
    expect(poll).toMatchObject({ status: 'undelivered', errorCode: 30003, final: true });
    expect(poll.error).toBe('Unreachable destination handset');
    expect(startPolling('failed', T0, timing)).toMatchObject({ final: true, nextPollAt: null });
  });

  it('waits at least Retry-After on a rate limit, stops on a forgotten message and at the deadline', () => {
    const start = startPolling('queued', T0, timing);
    const limited = afterAnswer(
      start,
      { kind: 'retry', error: 'HTTP 429', retryAfterMs: 9_000 },
      T0 + 1_000,
      T0,
      timing,
    );
    expect(limited).toMatchObject({ status: 'queued', polls: 1, nextPollAt: T0 + 10_000, final: false });
    const gone = afterAnswer(
      start,
      { kind: 'gone', error: 'Twilio 20404: not found' },
      T0 + 1_000,
      T0,
      timing,
    );
    expect(gone).toMatchObject({ final: true, stoppedBecause: 'gone', status: 'queued' });
    // The next gap would end past the 60 s deadline.
    const late = afterAnswer(start, { kind: 'status', status: 'sent' }, T0 + 58_000, T0, timing);
    expect(late).toMatchObject({ final: true, stoppedBecause: 'deadline', status: 'sent', nextPollAt: null });
  });
});

describe('Twilio status GET', () => {
  let fake: FakeTwilio | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it('reads Messages/<sid>.json: the status walk, error codes, and 404 as gone', async () => {
    fake = await startFakeTwilio();
    const twilio = new TwilioProvider({
      accountSid: SID,
      authToken: 'token-0123456789abcdef',
      smsFrom: '+12015550199',
      baseUrl: fake.baseUrl,
    });
    const ok = await twilio.attempt({ messageId: 'c:0', to: '+12015550100', body: 'hi' }, 'sms');
    const bad = await twilio.attempt({ messageId: 'c:1', to: '+12015550199', body: 'hi' }, 'sms');
    if (ok.kind !== 'sent' || bad.kind !== 'sent') throw new Error('not sent');
    expect(await twilio.status(ok.providerId)).toEqual({ kind: 'status', status: 'sent' });
    expect(await twilio.status(ok.providerId)).toEqual({ kind: 'status', status: 'delivered' });
    await twilio.status(bad.providerId);
    expect(await twilio.status(bad.providerId)).toEqual({
      kind: 'status',
      status: 'undelivered',
      errorCode: 30003,
      errorMessage: 'Unreachable destination handset',
    });
    expect(await twilio.status('SMnope')).toMatchObject({
      kind: 'gone',
      error: expect.stringContaining('20404'),
    });
    expect(fake.statusGets.get(ok.providerId)).toBe(2);
  });
});
