// The messaging-provider interface and the sending loop every adapter shares: throttled to the
// account's rate, retried on rate limits and server errors with backoff (honouring Retry-After).
import type { MessagingChannel, OutgoingMessage, SendResult } from '../shared/messaging';

/** One attempt's outcome, as an adapter classifies the provider's answer. */
export type AttemptOutcome =
  | { kind: 'sent'; providerId: string; status: string }
  /**
   * `ambiguous`: the request may have reached the provider (a network error or timeout after it was
   * sent), so a retry could send the message twice unless the provider honours idempotency keys.
   */
  | { kind: 'retry'; error: string; retryAfterMs?: number; ambiguous?: boolean }
  | { kind: 'failed'; error: string; status?: string };

/**
 * A failed attempt's `status` when the provider refused the account's login (SMTP 535, Twilio 401):
 * nothing was sent, and every other message would fail the same way until the settings are fixed,
 * so the outbox holds them rather than failing each.
 */
export const LOGIN_REFUSED = 'auth';

export interface MessagingProvider {
  readonly name: string;
  /**
   * True when the provider drops a second request carrying the same `idempotencyKey`: then a
   * message interrupted mid-send may be sent again safely. Twilio's Messages API has no such key.
   */
  readonly idempotent?: boolean;
  /**
   * Logs in once before a batch (when the provider has a session to open): throws an Error whose
   * message names the problem — a refused password, an unreachable server — so it is said once,
   * not once per recipient.
   */
  verify?(): Promise<void>;
  /** One request to the provider; never throws for a provider or network failure. */
  attempt(message: OutgoingMessage, channel: MessagingChannel): Promise<AttemptOutcome>;
  /** Asks for a sent message's delivery status, when the provider can tell; never throws. */
  status?(providerId: string): Promise<StatusAnswer>;
}

/** The provider's answer to a delivery-status request (see `delivery.ts` for what follows). */
export type StatusAnswer =
  | { kind: 'status'; status: string; errorCode?: number; errorMessage?: string }
  /** Try again later (rate limited, a server or network error). */
  | { kind: 'retry'; error: string; retryAfterMs?: number }
  /** The provider does not know the message (404) or refuses to tell (401/403): stop asking. */
  | { kind: 'gone'; error: string };

export interface SendOptions {
  /** Requests started per second. */
  ratePerSecond: number;
  /** Attempts per message, the first included. */
  maxAttempts?: number;
  /** First backoff; doubles on each retry (with jitter), capped at `maxBackoffMs`. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** Requests in flight at once. */
  concurrency?: number;
  onResult?: (result: SendResult, done: number) => void;
  sleep?: (ms: number) => Promise<void>;
  /**
   * The throttle's clock, when calls in a row share one rate (a campaign sent in chunks): the
   * earliest time the next request may start. Left out, each call starts its own.
   */
  pacer?: { nextStart: number };
  /** The throttle's clock (tests). */
  now?: () => number;
}

/**
 * How far behind its schedule a send may catch up. A request that starts late (a batch boundary, a
 * slow answer, a busy event loop) lets the next ones follow sooner until the send is back on its
 * schedule, so a campaign's average is the configured rate rather than a little under it; no more
 * than this is made up, so no second ever sees more than the rate and a quarter of it.
 */
export const CATCH_UP_MS = 250;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Sends every message; results come back in the order of `messages`. */
export async function sendAll(
  provider: MessagingProvider,
  channel: MessagingChannel,
  messages: readonly OutgoingMessage[],
  options: SendOptions,
): Promise<SendResult[]> {
  const sleep = options.sleep ?? defaultSleep;
  const interval = 1000 / Math.max(0.1, options.ratePerSecond);
  const maxAttempts = options.maxAttempts ?? 5;
  const base = options.baseBackoffMs ?? 500;
  const cap = options.maxBackoffMs ?? 30_000;
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const results: SendResult[] = new Array(messages.length);
  const clock = options.now ?? Date.now;
  const pacer = options.pacer ?? { nextStart: clock() };
  let done = 0;

  // Every request, retries included, takes a slot: the account's rate limit counts them all.
  const takeSlot = async () => {
    const now = clock();
    const slot = Math.max(now - CATCH_UP_MS, pacer.nextStart);
    pacer.nextStart = slot + interval;
    if (slot > now) await sleep(slot - now);
  };

  const sendOne = async (message: OutgoingMessage): Promise<SendResult> => {
    let lastError = 'Not sent';
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      await takeSlot();
      const outcome = await provider.attempt(message, channel);
      if (outcome.kind === 'sent') {
        return {
          messageId: message.messageId,
          ok: true,
          providerId: outcome.providerId,
          status: outcome.status,
        };
      }
      if (outcome.kind === 'failed') {
        const failed: SendResult = { messageId: message.messageId, ok: false, error: outcome.error };
        if (outcome.status) failed.status = outcome.status;
        return failed;
      }
      lastError = outcome.error;
      if (attempt < maxAttempts) {
        const backoff = Math.min(cap, base * 2 ** (attempt - 1) * (0.5 + Math.random() / 2));
        await sleep(Math.min(cap, Math.max(outcome.retryAfterMs ?? 0, backoff)));
      }
    }
    return {
      messageId: message.messageId,
      ok: false,
      error: `${lastError} (gave up after ${maxAttempts} attempts)`,
    };
  };

  let next = 0;
  const worker = async () => {
    while (next < messages.length) {
      const index = next++;
      const message = messages[index];
      if (!message) continue;
      const result = await sendOne(message);
      results[index] = result;
      done += 1;
      options.onResult?.(result, done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, messages.length) }, worker));
  return results;
}

/** `Retry-After` in seconds or as an HTTP date, in milliseconds from now. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
