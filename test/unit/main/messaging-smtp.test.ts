// The SMTP sender against a real in-process SMTP server (smtp-server): what it receives (parsed with
// mailparser), a refused login, 4xx answers retried, 5xx answers as hard bounces, and the size limit.
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EmailConfigStore } from '../../../src-main/messaging/email-config';
import { sendAll } from '../../../src-main/messaging/provider';
import { MessagingService } from '../../../src-main/messaging/service';
import { composeEml, SmtpConnectError, SmtpProvider } from '../../../src-main/messaging/smtp';
import type { OutgoingMessage } from '../../../src-main/shared/messaging';
import { type SmtpPeer, type SmtpPeerOptions, startSmtpPeer } from '../../support/smtp-peer';

let peer: SmtpPeer | undefined;
afterEach(async () => {
  await peer?.close();
  peer = undefined;
});

const LOGIN = { user: 'mailer', password: 'correct horse battery' };

async function peerWith(opts: SmtpPeerOptions = {}): Promise<SmtpPeer> {
  peer = await startSmtpPeer({ login: LOGIN, ...opts });
  return peer;
}

const config = (port: number, password = LOGIN.password) => ({
  host: '127.0.0.1',
  port,
  security: 'none' as const,
  user: LOGIN.user,
  password,
  from: 'news@shop.example',
  fromName: 'Shop News',
});

const email = (i: number, to = `ana${i}@example.com`, html = '<p>Hi Ana</p>'): OutgoingMessage => ({
  messageId: `c1:${i}`,
  to,
  email: {
    subject: `Spring offer ${i}`,
    html,
    text: 'Hi Ana',
    unsubscribeUrl: `https://go.shop.example/u/token-${i}`,
  },
});

const noSleep = async () => undefined;

describe('SmtpProvider', () => {
  it('delivers subject, both parts and the one-click List-Unsubscribe headers (RFC 8058)', async () => {
    const server = await peerWith();
    const provider = new SmtpProvider(config(server.port));
    await provider.verify();
    const outcome = await provider.attempt(email(0), 'email');
    provider.close();
    expect(outcome.kind).toBe('sent');
    const mail = server.received[0];
    expect(mail?.to).toEqual(['ana0@example.com']);
    expect(mail?.from).toBe('news@shop.example');
    expect(mail?.parsed.subject).toBe('Spring offer 0');
    expect(mail?.parsed.text?.trim()).toBe('Hi Ana');
    expect(mail?.parsed.html).toContain('<p>Hi Ana</p>');
    const raw = mail?.raw.toString() ?? '';
    expect(raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r$/m);
    expect(raw).toMatch(/^List-Unsubscribe: <https:\/\/go\.shop\.example\/u\/token-0>/m);
  });

  it('names a refused login once, before any message is tried', async () => {
    const server = await peerWith();
    const provider = new SmtpProvider(config(server.port, 'wrong password'));
    const refused = await provider.verify().catch((error: unknown) => error);
    provider.close();
    expect(refused).toBeInstanceOf(SmtpConnectError);
    expect((refused as SmtpConnectError).problem).toBe('auth');
    expect((refused as Error).message).toMatch(/refused the login for "mailer".*535/);
    expect(server.received).toHaveLength(0);
  });

  it('retries a 4xx answer and delivers on the next attempt', async () => {
    const server = await peerWith({
      onRcpt: (_address, attempt) =>
        attempt === 1 ? { code: 451, message: '4.7.1 Greylisted, try again' } : null,
    });
    const provider = new SmtpProvider(config(server.port));
    const [result] = await sendAll(provider, 'email', [email(1)], { ratePerSecond: 100, sleep: noSleep });
    provider.close();
    expect(result?.ok).toBe(true);
    expect(server.attempts.get('ana1@example.com')).toBe(2);
    expect(server.received).toHaveLength(1);
  });

  it('gives up after the attempts allowed when every answer is 4xx', async () => {
    const server = await peerWith({ onRcpt: () => ({ code: 452, message: '4.2.2 Mailbox full' }) });
    const provider = new SmtpProvider(config(server.port));
    const [result] = await sendAll(provider, 'email', [email(2)], {
      ratePerSecond: 100,
      maxAttempts: 3,
      sleep: noSleep,
    });
    provider.close();
    expect(result?.ok).toBe(false);
    expect(result?.error).toMatch(/SMTP 452 \(temporary\).*gave up after 3 attempts/);
    expect(server.attempts.get('ana2@example.com')).toBe(3);
  });

  it('takes a 5xx answer as a hard bounce of that recipient only, without retrying', async () => {
    const server = await peerWith({
      onRcpt: (address) =>
        address === 'gone@example.com' ? { code: 550, message: '5.1.1 No such user' } : null,
    });
    const provider = new SmtpProvider(config(server.port));
    const results = await sendAll(provider, 'email', [email(3), email(4, 'gone@example.com'), email(5)], {
      ratePerSecond: 100,
      sleep: noSleep,
    });
    provider.close();
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(results[1]?.status).toBe('bounced');
    expect(results[1]?.error).toMatch(/Hard bounce, SMTP 550.*No such user/);
    expect(server.attempts.get('gone@example.com')).toBe(1);
  });

  it('says a message is over the size the server accepts, and does not call it a bounce', async () => {
    const server = await peerWith({ size: 20_000 });
    const provider = new SmtpProvider(config(server.port));
    const big = `<p>${'x'.repeat(60_000)}</p>`;
    const [small, large] = await sendAll(provider, 'email', [email(6), email(7, 'ana7@example.com', big)], {
      ratePerSecond: 100,
      sleep: noSleep,
    });
    provider.close();
    expect(small?.ok).toBe(true);
    expect(large?.ok).toBe(false);
    expect(large?.status).toBe('too_large');
    expect(large?.error).toMatch(/larger than the SMTP server accepts.*552/);
    expect(server.received).toHaveLength(1);
  });

  it('composes the same message as an .eml file', async () => {
    const eml = await composeEml({ from: 'news@shop.example' }, email(8));
    expect(eml).toMatch(/^Subject: Spring offer 8\r$/m);
    expect(eml).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r$/m);
    expect(eml).toMatch(/^To: ana8@example.com\r$/m);
  });
});

describe('MessagingService email', () => {
  it('keeps the SMTP password write-only and sends at the configured rate', async () => {
    const server = await peerWith();
    const dir = mkdtempSync(join(tmpdir(), 'sd-smtp-'));
    const service = new MessagingService(dir);
    const status = service.email.configure({ ...config(server.port), ratePerSecond: 20 });
    expect(status).toMatchObject({ configured: true, hasPassword: true, user: 'mailer' });
    expect(JSON.stringify(status)).not.toContain(LOGIN.password);
    if (process.platform !== 'win32') expect(statSync(join(dir, 'smtp.json')).mode & 0o777).toBe(0o600);
    // Re-saved without the password: kept, since server and login did not change.
    const { password: _omitted, ...withoutPassword } = config(server.port);
    expect(service.email.configure(withoutPassword).hasPassword).toBe(true);
    expect(new EmailConfigStore(dir).smtpConfig()?.password).toBe(LOGIN.password);

    const messages = Array.from({ length: 10 }, (_, i) => email(i));
    const started = Date.now();
    // Sent in two chunks, as the send panel does: the rate holds across them (one clock, one login).
    const first = await service.send({ campaignId: 'c1', channel: 'email', messages: messages.slice(0, 5) });
    const second = await service.send({ campaignId: 'c1', channel: 'email', messages: messages.slice(5) });
    const took = Date.now() - started;
    service.close();
    expect([...first, ...second].every((r) => r.ok)).toBe(true);
    expect(server.received).toHaveLength(10);
    // 10 messages at 20 per second: the tenth starts no sooner than 9 intervals after the first.
    expect(took).toBeGreaterThanOrEqual(9 * 50 - 5);
    expect(readFileSync(join(dir, 'smtp.json'), 'utf8')).toContain('"host": "127.0.0.1"');
  });

  it('refuses to send with a wrong password as one clear error', async () => {
    const server = await peerWith();
    const service = new MessagingService(mkdtempSync(join(tmpdir(), 'sd-smtp-')));
    service.email.configure(config(server.port, 'nope'));
    await expect(service.send({ campaignId: 'c1', channel: 'email', messages: [email(0)] })).rejects.toThrow(
      /refused the login/,
    );
    service.close();
    expect(server.received).toHaveLength(0);
  });
});
