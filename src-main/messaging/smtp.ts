// The SMTP adapter (nodemailer): one email per attempt over a pooled connection, the SMTP answer
// classified — 4xx and network trouble retried, a 5xx refusal a hard bounce, size and login refusals named.
import net from 'node:net';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import type { MessagingChannel, OutgoingMessage, SmtpSecurity } from '../shared/messaging';
import { type AttemptOutcome, LOGIN_REFUSED, type MessagingProvider } from './provider';

export interface SmtpConfig {
  host: string;
  port: number;
  security: SmtpSecurity;
  user?: string;
  password?: string;
  from: string;
  fromName?: string;
}

/** The server would not take the login, or could not be reached: nothing can be sent until it is fixed. */
export class SmtpConnectError extends Error {
  constructor(
    readonly problem: 'auth' | 'connection',
    message: string,
  ) {
    super(message);
  }
}

const TIMEOUT_MS = 30_000;

/** nodemailer's error fields (`code` is its own: EAUTH, EENVELOPE, EMESSAGE, ECONNECTION…). */
interface SmtpError {
  message?: string;
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
}

/**
 * Opens the TCP connection for nodemailer with Nagle's algorithm off. SMTP is a conversation of
 * small commands (MAIL, RCPT, DATA, the end-of-data dot): with Nagle on, each small write after
 * the first waits for the server's delayed ACK (~40 ms on Linux), so one email took 44 ms over
 * loopback and four connections topped out near 90 a second; with it off, 3 ms. nodemailer has
 * no option for it; `getSocket` is its documented hook for bringing a socket (implicit TLS and
 * STARTTLS are still negotiated by nodemailer over it).
 */
export function connectNoDelay(
  config: Pick<SmtpConfig, 'host' | 'port'>,
  callback: (error: Error | null, socketOptions?: { connection: net.Socket }) => void,
): void {
  const socket = net.connect({ host: config.host, port: config.port, noDelay: true });
  let settled = false;
  const fail = (error: Error) => {
    if (settled) return;
    settled = true;
    socket.destroy();
    callback(error);
  };
  socket.setTimeout(TIMEOUT_MS, () =>
    fail(Object.assign(new Error('Connection timeout'), { code: 'ETIMEDOUT' })),
  );
  socket.once('error', fail);
  socket.once('connect', () => {
    if (settled) return;
    settled = true;
    socket.setTimeout(0);
    socket.removeListener('error', fail);
    socket.setKeepAlive(true);
    callback(null, { connection: socket });
  });
}

function transportOptions(config: SmtpConfig, connections: number) {
  return {
    getSocket: (_options: unknown, callback: (error: Error | null, socketOptions?: unknown) => void) =>
      connectNoDelay(config, callback),
    host: config.host,
    port: config.port,
    secure: config.security === 'tls',
    requireTLS: config.security === 'starttls',
    // `none` is for a relay on this machine or network: no upgrade even when offered.
    ignoreTLS: config.security === 'none',
    ...(config.user ? { auth: { user: config.user, pass: config.password ?? '' } } : {}),
    pool: true,
    maxConnections: connections,
    maxMessages: Number.POSITIVE_INFINITY,
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
  };
}

/** The mail for one message: From from the settings, List-Unsubscribe with one-click (RFC 8058). */
export function mailFor(
  config: Pick<SmtpConfig, 'from' | 'fromName'>,
  message: OutgoingMessage,
): SendMailOptions {
  const email = message.email;
  const mail: SendMailOptions = {
    from: config.fromName ? { name: config.fromName, address: config.from } : config.from,
    to: message.to,
    subject: email?.subject ?? '',
    text: email?.text ?? message.body ?? '',
  };
  if (email?.html) mail.html = email.html;
  if (email?.unsubscribeUrl) {
    mail.list = { unsubscribe: { url: email.unsubscribeUrl, comment: 'Unsubscribe' } };
    mail.headers = { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
  }
  return mail;
}

/** The message as an RFC 5322 file (`.eml`), composed exactly as it would be sent. */
export async function composeEml(
  config: Pick<SmtpConfig, 'from' | 'fromName'>,
  message: OutgoingMessage,
): Promise<string> {
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  const info = await composer.sendMail(mailFor(config, message));
  return Buffer.isBuffer(info.message) ? info.message.toString('utf8') : String(info.message);
}

/** Size of the message's parts, for the error when a server refuses it as too large. */
const approxKb = (message: OutgoingMessage): number =>
  Math.ceil(
    (Buffer.byteLength(message.email?.html ?? '') +
      Buffer.byteLength(message.email?.text ?? message.body ?? '')) /
      1024,
  );

/** Classifies one SMTP failure. Exported for the tests that drive a real server into each answer. */
export function classifySmtpError(error: SmtpError, message: OutgoingMessage): AttemptOutcome {
  const answer = (error.response ?? error.message ?? 'unknown error').trim();
  const code = error.responseCode;
  if (error.code === 'EAUTH' || code === 535 || code === 534 || code === 530) {
    return {
      kind: 'failed',
      status: LOGIN_REFUSED,
      error: `The SMTP server refused the login: ${answer}`,
    };
  }
  if (code === 552 || /size/i.test(answer)) {
    return {
      kind: 'failed',
      status: 'too_large',
      error: `The message (about ${approxKb(message)} KB) is larger than the SMTP server accepts: ${answer}`,
    };
  }
  if (code !== undefined && code >= 400 && code < 500) {
    return { kind: 'retry', error: `SMTP ${code} (temporary): ${answer}` };
  }
  if (code !== undefined && code >= 500) {
    return { kind: 'failed', status: 'bounced', error: `Hard bounce, SMTP ${code}: ${answer}` };
  }
  if (error.code === 'EENVELOPE' && !code) {
    return { kind: 'failed', status: 'invalid', error: `Not a deliverable address: ${answer}` };
  }
  // No SMTP answer at all (connection refused, reset, timeout): worth another try.
  return { kind: 'retry', error: `SMTP connection problem: ${answer}` };
}

export class SmtpProvider implements MessagingProvider {
  readonly name = 'SMTP';
  private readonly transport: Transporter;

  constructor(
    private readonly config: SmtpConfig,
    connections = 4,
  ) {
    this.transport = nodemailer.createTransport(transportOptions(config, connections));
  }

  /** Connects and logs in once, so a wrong password or host is one clear error, not one per recipient. */
  async verify(): Promise<void> {
    try {
      await this.transport.verify();
    } catch (raw) {
      const error = raw as SmtpError;
      const answer = (error.response ?? error.message ?? 'unknown error').trim();
      if (error.code === 'EAUTH' || error.responseCode === 535 || error.responseCode === 530) {
        throw new SmtpConnectError(
          'auth',
          `The SMTP server refused the login for "${this.config.user ?? ''}": ${answer}`,
        );
      }
      throw new SmtpConnectError(
        'connection',
        `Could not reach the SMTP server ${this.config.host}:${this.config.port}: ${answer}`,
      );
    }
  }

  async attempt(message: OutgoingMessage, _channel: MessagingChannel): Promise<AttemptOutcome> {
    try {
      const info = await this.transport.sendMail(mailFor(this.config, message));
      const refused = info.rejected?.length ? info.rejected : [];
      if (refused.length > 0) {
        return {
          kind: 'failed',
          status: 'bounced',
          error: `Hard bounce: ${info.response ?? 'recipient refused'}`,
        };
      }
      return { kind: 'sent', providerId: String(info.messageId ?? ''), status: 'accepted' };
    } catch (raw) {
      return classifySmtpError(raw as SmtpError, message);
    }
  }

  close(): void {
    this.transport.close();
  }
}
