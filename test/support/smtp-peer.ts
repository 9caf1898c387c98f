// A real SMTP server in this process (the `smtp-server` package) for tests: optional login and size
// limit, per-recipient answers on demand, and every message it accepts parsed with `mailparser`.
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: Buffer;
  parsed: ParsedMail;
  at: number;
}

/** An SMTP answer for one recipient: `{ code: 451 }` refuses it for now, `{ code: 550 }` for good. */
export type RcptAnswer = { code: number; message: string } | null;

export interface SmtpPeerOptions {
  /** Required login; without it any client may send. */
  login?: { user: string; password: string };
  /** Largest message accepted, in bytes (advertised with SIZE; larger ones get 552). */
  size?: number;
  /** Called for each RCPT TO with the number of times this address was tried so far (1 = first). */
  onRcpt?: (address: string, attempt: number) => RcptAnswer;
}

export interface SmtpPeer {
  port: number;
  received: ReceivedMail[];
  /** RCPT TO attempts per address, accepted or not. */
  attempts: Map<string, number>;
  close(): Promise<void>;
}

const smtpError = (code: number, message: string): Error =>
  Object.assign(new Error(message), { responseCode: code });

export async function startSmtpPeer(opts: SmtpPeerOptions = {}): Promise<SmtpPeer> {
  const received: ReceivedMail[] = [];
  const attempts = new Map<string, number>();
  const server = new SMTPServer({
    // Plain SMTP on loopback: no STARTTLS offered (the built-in test certificate is not trusted).
    disabledCommands: opts.login ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    allowInsecureAuth: true,
    authOptional: !opts.login,
    logger: false,
    ...(opts.size ? { size: opts.size, rejectOversized: true } : {}),
    onAuth(auth, _session, callback) {
      if (opts.login && auth.username === opts.login.user && auth.password === opts.login.password) {
        callback(null, { user: auth.username });
      } else {
        callback(smtpError(535, '5.7.8 Authentication credentials invalid'));
      }
    },
    onRcptTo(address, _session, callback) {
      const attempt = (attempts.get(address.address) ?? 0) + 1;
      attempts.set(address.address, attempt);
      const answer = opts.onRcpt?.(address.address, attempt) ?? null;
      callback(answer ? smtpError(answer.code, answer.message) : null);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          callback(smtpError(552, '5.3.4 Error: message exceeds fixed maximum message size'));
          return;
        }
        const raw = Buffer.concat(chunks);
        simpleParser(raw)
          .then((parsed) => {
            const from = session.envelope.mailFrom;
            received.push({
              from: from ? from.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
              raw,
              parsed,
              at: Date.now(),
            });
            callback(null);
          })
          .catch((error: Error) => callback(smtpError(451, `4.3.0 ${error.message}`)));
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    received,
    attempts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
