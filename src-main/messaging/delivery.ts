// Delivery-status polling as a pure state machine: a sent message is asked about at growing
// intervals (a polite rate) until the provider reports a final status, forgets it, or a deadline passes.
import type { StatusAnswer } from './provider';

/** Statuses after which a message's status never changes (Twilio's, plus WhatsApp's `read`). */
export const FINAL_STATUSES: ReadonlySet<string> = new Set([
  'delivered',
  'undelivered',
  'failed',
  'read',
  'canceled',
]);

/** The gap before each poll, by poll number; the last one repeats. */
export const DEFAULT_POLL_DELAYS_MS: readonly number[] = [
  2_000, 5_000, 15_000, 30_000, 60_000, 120_000, 300_000, 900_000, 1_800_000,
];
/** Past this age a message's status is left as last known: carriers rarely report after a day. */
export const DEFAULT_POLL_DEADLINE_MS = 72 * 3_600_000;

export interface DeliveryPoll {
  /** The provider's last known status. */
  status: string;
  errorCode?: number;
  error?: string;
  /** Polls made so far (answered or not). */
  polls: number;
  /** When to ask next; null once final. */
  nextPollAt: number | null;
  /** Final: a final status, the provider forgot the message, or the deadline passed. */
  final: boolean;
  /** Why polling stopped without a final status. */
  stoppedBecause?: 'gone' | 'deadline';
}

export interface PollTiming {
  delays: readonly number[];
  deadlineMs: number;
}

const DEFAULT_TIMING: PollTiming = { delays: DEFAULT_POLL_DELAYS_MS, deadlineMs: DEFAULT_POLL_DEADLINE_MS };

const delayFor = (polls: number, timing: PollTiming): number =>
  timing.delays[Math.min(polls, timing.delays.length - 1)] ?? 60_000;

/** The poll state of a message the provider just accepted with `status`, at `sentAt`. */
export function startPolling(
  status: string,
  sentAt: number,
  timing: PollTiming = DEFAULT_TIMING,
): DeliveryPoll {
  if (FINAL_STATUSES.has(status)) return { status, polls: 0, nextPollAt: null, final: true };
  return { status, polls: 0, nextPollAt: sentAt + delayFor(0, timing), final: false };
}

/** The state after the provider answered a poll at `now`, for a message sent at `sentAt`. */
export function afterAnswer(
  poll: DeliveryPoll,
  answer: StatusAnswer,
  now: number,
  sentAt: number,
  timing: PollTiming = DEFAULT_TIMING,
): DeliveryPoll {
  if (poll.final) return poll;
  const polls = poll.polls + 1;
  if (answer.kind === 'gone') {
    return { ...poll, polls, nextPollAt: null, final: true, stoppedBecause: 'gone', error: answer.error };
  }
  const next: DeliveryPoll = { ...poll, polls };
  if (answer.kind === 'status') {
    next.status = answer.status;
    if (answer.errorCode !== undefined) next.errorCode = answer.errorCode;
    if (answer.errorMessage !== undefined) next.error = answer.errorMessage;
    if (FINAL_STATUSES.has(answer.status)) return { ...next, nextPollAt: null, final: true };
  }
  const wait = Math.max(delayFor(polls, timing), answer.kind === 'retry' ? (answer.retryAfterMs ?? 0) : 0);
  if (now + wait - sentAt > timing.deadlineMs) {
    return { ...next, nextPollAt: null, final: true, stoppedBecause: 'deadline' };
  }
  return { ...next, nextPollAt: now + wait };
}
