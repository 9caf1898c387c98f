// The Twilio adapter against a local HTTP server speaking Twilio's documented shapes: form-encoded
// requests with Basic auth, 201 with sid/status, 429 with Retry-After, a hard 400 per recipient.
import { mkdtempSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MessagingConfigStore } from '../../../src-main/messaging/config';
import { parseRetryAfter, sendAll } from '../../../src-main/messaging/provider';
import { MessagingService } from '../../../src-main/messaging/service';
import { TwilioProvider } from '../../../src-main/messaging/twilio';
import type { MessagingProgress } from '../../../src-main/shared/messaging';

const SID = `AC${'0123456789abcdef'.repeat(2)}`;
const TOKEN = 'auth-token-0123456789abcdef';

interface Received {
  method: string;
  path: string;
  authorization: string;
  contentType: string;
  form: URLSearchParams;
  at: number;
}

type Reply = (req: Received, res: ServerResponse) => void;

let server: Server | undefined;

async function fakeTwilio(reply: Reply): Promise<{ baseUrl: string; received: Received[] }> {
  const received: Received[] = [];
  server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    req.on('end', () => {
      const entry: Received = {
        method: req.method ?? '',
        path: req.url ?? '',
        authorization: req.headers.authorization ?? '',
        contentType: req.headers['content-type'] ?? '',
        form: new URLSearchParams(body),
        at: Date.now(),
      };
      received.push(entry);
      reply(entry, res);
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}`, received };
}

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

const created = (req: Received, res: ServerResponse, n: number) =>
  json(res, 201, {
    sid: `SM${String(n).padStart(32, '0')}`,
    status: 'queued',
    to: req.form.get('To'),
    from: req.form.get('From'),
    body: req.form.get('Body'),
  });

/** An SMS sender on the fake Twilio at `baseUrl`. */
const smsProvider = (baseUrl: string) =>
  new TwilioProvider({ accountSid: SID, authToken: TOKEN, smsFrom: '+12015550199', baseUrl });

describe('Twilio adapter', () => {
  it('posts a form-encoded SMS with Basic auth and reads the 201 answer', async () => {
    const twilio = await fakeTwilio((req, res) => created(req, res, 1));
    const provider = smsProvider(twilio.baseUrl);
    const results = await sendAll(
      provider,
      'sms',
      [{ messageId: 'c1:0', to: '+12015550123', body: 'Hi Ana: https://go.test/r/AAAAAAAAAAAAAAAA' }],
      { ratePerSecond: 100 },
    );
    expect(results).toEqual([
      { messageId: 'c1:0', ok: true, providerId: `SM${'0'.repeat(31)}1`, status: 'queued' },
    ]);
    const [request] = twilio.received;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe(`/2010-04-01/Accounts/${SID}/Messages.json`);
    expect(request?.authorization).toBe(`Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`);
    expect(request?.contentType).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(request?.form ?? [])).toEqual({
      To: '+12015550123',
      From: '+12015550199',
      Body: 'Hi Ana: https://go.test/r/AAAAAAAAAAAAAAAA',
    });
  });

  it('sends WhatsApp templates to whatsapp: addresses with ContentSid and ContentVariables', async () => {
    const twilio = await fakeTwilio((req, res) => created(req, res, 2));
    const provider = new TwilioProvider({
      accountSid: SID,
      authToken: TOKEN,
      whatsappFrom: '+14155238886',
      baseUrl: twilio.baseUrl,
    });
    const contentSid = `HX${'a'.repeat(32)}`;
    await sendAll(
      provider,
      'whatsapp',
      [
        {
          messageId: 'c2:0',
          to: '+447400123456',
          template: { contentSid, variables: { '1': 'Ana', '2': 'AbCdEfGhIjKlMnOp' } },
        },
      ],
      { ratePerSecond: 100 },
    );
    expect(Object.fromEntries(twilio.received[0]?.form ?? [])).toEqual({
      To: 'whatsapp:+447400123456',
      From: 'whatsapp:+14155238886',
      ContentSid: contentSid,
      ContentVariables: '{"1":"Ana","2":"AbCdEfGhIjKlMnOp"}',
    });
  });

  it('waits as long as Retry-After says after a 429, then succeeds', async () => {
    let calls = 0;
    const twilio = await fakeTwilio((req, res) => {
      calls += 1;
      if (calls === 1) {
        json(res, 429, { code: 20429, message: 'Too Many Requests', status: 429 }, { 'retry-after': '1' });
      } else created(req, res, 3);
    });
    const provider = smsProvider(twilio.baseUrl);
    const results = await sendAll(provider, 'sms', [{ messageId: 'c1:0', to: '+12015550123', body: 'x' }], {
      ratePerSecond: 100,
      baseBackoffMs: 10,
    });
    expect(results[0]).toMatchObject({ ok: true, status: 'queued' });
    expect(twilio.received).toHaveLength(2);
    const [first, second] = twilio.received;
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it('records a hard 400 for its recipient and sends the others', async () => {
    let n = 0;
    const twilio = await fakeTwilio((req, res) => {
      n += 1;
      if (req.form.get('To') === '+12015550124') {
        json(res, 400, {
          code: 21211,
          message: "The 'To' number +12015550124 is not a valid phone number.",
          status: 400,
        });
      } else created(req, res, n);
    });
    const provider = smsProvider(twilio.baseUrl);
    const results = await sendAll(
      provider,
      'sms',
      ['+12015550123', '+12015550124', '+12015550125'].map((to, i) => ({
        messageId: `c1:${i}`,
        to,
        body: 'x',
      })),
      { ratePerSecond: 100 },
    );
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(results[1]).toEqual({
      messageId: 'c1:1',
      ok: false,
      status: 'failed',
      error: "Twilio 21211: The 'To' number +12015550124 is not a valid phone number.",
    });
    // A hard failure is not retried.
    expect(twilio.received.filter((r) => r.form.get('To') === '+12015550124')).toHaveLength(1);
  });

  it('retries 5xx answers with backoff and gives up after the last attempt', async () => {
    const twilio = await fakeTwilio((_req, res) =>
      json(res, 503, { code: 20503, message: 'Service unavailable', status: 503 }),
    );
    const provider = smsProvider(twilio.baseUrl);
    const [result] = await sendAll(provider, 'sms', [{ messageId: 'c1:0', to: '+12015550123', body: 'x' }], {
      ratePerSecond: 100,
      maxAttempts: 3,
      baseBackoffMs: 5,
    });
    expect(twilio.received).toHaveLength(3);
    expect(result).toMatchObject({
      ok: false,
      error: expect.stringMatching(/Twilio 20503: Service unavailable \(gave up after 3 attempts\)/),
    });
  });

  it('throttles to the configured messages per second', async () => {
    const twilio = await fakeTwilio((req, res) => created(req, res, 1));
    const provider = smsProvider(twilio.baseUrl);
    await sendAll(
      provider,
      'sms',
      Array.from({ length: 5 }, (_, i) => ({ messageId: `c1:${i}`, to: '+12015550123', body: 'x' })),
      { ratePerSecond: 10 },
    );
    const times = twilio.received.map((r) => r.at);
    expect((times[4] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(380);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});

describe('messaging configuration and service', () => {
  it('stores credentials owner-only, never returns the token, and sends with them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'messaging-'));
    const twilio = await fakeTwilio((req, res) => created(req, res, 9));
    const service = new MessagingService(dir);
    expect(service.config.status().configured).toBe(false);
    await expect(service.send({ campaignId: 'c1', channel: 'sms', messages: [] })).rejects.toThrow(
      /Set the Twilio/,
    );

    const status = service.config.configure({
      accountSid: SID,
      authToken: TOKEN,
      smsFrom: '+12015550199',
      baseUrl: twilio.baseUrl,
      ratePerSecond: 50,
    });
    expect(status).toEqual({
      configured: true,
      accountSid: `AC${'•'.repeat(28)}cdef`,
      from: { sms: '+12015550199', whatsapp: null, messagingServiceSid: null },
      baseUrl: twilio.baseUrl,
      ratePerSecond: 50,
    });
    expect(JSON.stringify(status)).not.toContain(TOKEN);
    if (process.platform !== 'win32') expect(statSync(join(dir, 'messaging.json')).mode & 0o777).toBe(0o600);
    // The stored token never follows a changed API address: it must be typed again.
    expect(() =>
      new MessagingConfigStore(dir).configure({ accountSid: SID, baseUrl: 'https://collector.evil.example' }),
    ).toThrow(/auth token again/);
    // A later change without a token keeps the stored one.
    new MessagingConfigStore(dir).configure({
      accountSid: SID,
      smsFrom: '+12015550198',
      baseUrl: twilio.baseUrl,
    });

    const progress: MessagingProgress[] = [];
    const reloaded = new MessagingService(dir);
    const results = await reloaded.send(
      { campaignId: 'c1', channel: 'sms', messages: [{ messageId: 'c1:0', to: '+12015550123', body: 'Hi' }] },
      (p) => progress.push(p),
    );
    expect(results[0]?.ok).toBe(true);
    expect(twilio.received[0]?.authorization).toBe(
      `Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`,
    );
    expect(twilio.received[0]?.form.get('From')).toBe('+12015550198');
    expect(progress).toEqual([{ campaignId: 'c1', done: 1, total: 1, failed: 0 }]);
    await expect(
      reloaded.send({
        campaignId: 'c1',
        channel: 'whatsapp',
        messages: [{ messageId: 'c1:0', to: '+12015550123', body: 'Hi' }],
      }),
    ).rejects.toThrow(/No WhatsApp sender/);
  });
});
