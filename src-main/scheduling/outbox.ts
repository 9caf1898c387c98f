// The outbox: scheduled messages held in the main process until their planned time, sent through
// the channel's provider at its rate, each at most once, then polled for delivery status. It runs
// whether or not a window is open; outcomes are pushed and can be pulled by a renderer that missed them.
import { afterAnswer, type PollTiming, startPolling } from '../messaging/delivery';
import { LOGIN_REFUSED, type MessagingProvider, sendAll } from '../messaging/provider';
import {
  type ChannelProvider,
  MessagingNotConfiguredError,
  type ProviderRegistry,
} from '../messaging/providers';
import type { MessagingChannel, OutgoingMessage, SendResult } from '../shared/messaging';
import type {
  CampaignOutboxStatus,
  MessageOutcome,
  OutboxState,
  PlannedTime,
  SchedulePlanRequest,
  ScheduleSubmitRequest,
  ScheduleSubmitResult,
} from '../shared/scheduling';
import type { Logger } from '../util/log';
import { type OutboxCampaign, type OutboxMessage, OutboxStore } from './outbox-store';
import { nextAllowed, planEach, planSendTimes } from './plan';

/** A campaign id the outbox does not hold, or one that can no longer take the request. */
export class OutboxRequestError extends Error {
  constructor(
    readonly status: 404 | 409,
    message: string,
  ) {
    super(message);
  }
}

export const UNKNOWN_AFTER_CRASH =
  'The app stopped while this message was being sent: it may have gone out. Check the provider’s ' +
  'message log before sending it again; it is not resent automatically.';
const UNKNOWN_AFTER_NETWORK =
  'The connection failed after the request left: it may have gone out. Check the provider’s message log.';

export interface OutboxOptions {
  dataDir: string;
  providers: () => ProviderRegistry;
  log: Logger;
  onOutcomes: (outcomes: MessageOutcome[]) => void;
  onStatus: (status: CampaignOutboxStatus) => void;
  /** Delivery polling pace; tests shorten it. */
  pollTiming?: PollTiming;
  /** Status requests per second, across all messages: polite to the provider's API. */
  pollsPerSecond?: number;
  /** How long a refused login or unreachable server holds a channel before the next try. */
  loginRetryMs?: number;
  now?: () => number;
}

const IDLE_TICK_MS = 1_000;
/** Changes told together in one push (see emitOutcomes). */
const PUSH_GATHER_MS = 50;
const NOT_CONFIGURED_RETRY_MS = 5_000;
/** A refused login or unreachable server is tried again this often: settings fixed, sending resumes. */
const LOGIN_RETRY_MS = 30_000;

/** Why a channel's messages wait (missing settings, a refused login), and until when nothing is tried. */
interface ChannelBlock {
  until: number;
  reason: string;
}

export class OutboxService {
  private readonly store: OutboxStore;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private closed = false;
  private readonly blocked = new Map<MessagingChannel, ChannelBlock>();
  /** Providers whose login succeeded (a provider object is one set of settings). */
  private readonly verified = new WeakSet<MessagingProvider>();
  /** One rate clock per channel, so back-to-back batches keep the account's pace between them. */
  private readonly pacers = new Map<MessagingChannel, { nextStart: number }>();
  private lastPollAt = 0;
  private readonly unpushed = new Set<string>();
  private pushTimer: NodeJS.Timeout | undefined;
  private readonly loginRetryMs: number;

  constructor(private readonly options: OutboxOptions) {
    this.now = options.now ?? Date.now;
    this.loginRetryMs = options.loginRetryMs ?? LOGIN_RETRY_MS;
    this.store = new OutboxStore(options.dataDir);
    this.recoverInterrupted();
  }

  /** Messages found `sending` were interrupted mid-request: unknown, unless resending is safe. */
  private recoverInterrupted(): void {
    const changed: OutboxMessage[] = [];
    for (const m of this.store.messages.values()) {
      if (m.state !== 'sending') continue;
      if (m.idempotent) changed.push({ ...m, state: 'scheduled' });
      else changed.push({ ...m, state: 'unknown', error: UNKNOWN_AFTER_CRASH });
    }
    if (changed.length > 0) {
      this.options.log.warn(`outbox: ${changed.length} message(s) were mid-send when the app stopped`);
      this.store.commit({ messages: changed });
    }
  }

  start(): void {
    this.schedule(0);
  }

  close(): void {
    if (this.closed) return;
    if (this.pushTimer) this.pushOutcomes();
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.store.close();
  }

  /** Send times only (the send-file path): nothing is stored. */
  plan(request: SchedulePlanRequest): PlannedTime[] {
    return planSendTimes(request);
  }

  /**
   * The provider settings of these channels were saved: whatever held their messages (a refused
   * password, missing settings) is tried again now rather than at the next retry.
   */
  settingsChanged(channels: readonly MessagingChannel[]): void {
    const held = channels.filter((channel) => this.blocked.delete(channel));
    if (held.length === 0) return;
    for (const campaign of this.store.campaigns.values()) {
      if (held.includes(campaign.channel)) this.emitStatus(campaign.campaignId);
    }
    this.schedule(0);
  }

  /** Plans and stores the messages durably, then acknowledges; ids already held are left as they are. */
  submit(request: ScheduleSubmitRequest): ScheduleSubmitResult {
    // A cancelled campaign can be scheduled again: its cancelled messages are taken afresh.
    const held = this.store.campaigns.get(request.campaignId);
    const existing = held?.state === 'cancelled' ? undefined : held;
    const fresh = request.messages.filter((m) => {
      const known = this.store.messages.get(m.messageId);
      return !known || known.state === 'cancelled';
    });
    const plans = planEach({ sendAt: request.sendAt, quietHours: request.quietHours, messages: fresh });
    const planned = plans.map((p) => p.planned);
    const messages = fresh.map((input, i): OutboxMessage => {
      const { planned: plan, fallback } = plans[i] as (typeof plans)[number];
      const { timeZone: _zone, regionPhone: _region, ...message } = input;
      return {
        message,
        campaignId: request.campaignId,
        channel: request.channel,
        sendAt: plan.sendAt,
        zones: plan.zones,
        fallbackZone: fallback,
        zoneSource: plan.zoneSource,
        state: 'scheduled',
        seq: 0,
      };
    });
    const campaign: OutboxCampaign = existing ?? {
      campaignId: request.campaignId,
      channel: request.channel,
      schedule: { sendAt: request.sendAt, quietHours: request.quietHours },
      state: 'active',
      seq: 0,
    };
    this.store.commit({ campaigns: existing ? [] : [campaign], messages });
    this.emitOutcomes(messages.map((m) => m.message.messageId));
    this.emitStatus(request.campaignId);
    this.schedule(0);
    return { accepted: messages.length, planned };
  }

  status(campaignId: string): CampaignOutboxStatus | null {
    const campaign = this.store.campaigns.get(campaignId);
    if (!campaign) return null;
    const counts: Record<OutboxState, number> = {
      scheduled: 0,
      sending: 0,
      sent: 0,
      failed: 0,
      unknown: 0,
      cancelled: 0,
    };
    let nextSendAt: number | null = null;
    for (const m of this.store.messages.values()) {
      if (m.campaignId !== campaignId) continue;
      counts[m.state] += 1;
      if (m.state === 'scheduled' && (nextSendAt === null || m.sendAt < nextSendAt)) nextSendAt = m.sendAt;
    }
    const waiting = counts.scheduled + counts.sending > 0;
    const status: CampaignOutboxStatus = {
      campaignId,
      state: campaign.state === 'active' && !waiting ? 'done' : campaign.state,
      channel: campaign.channel,
      schedule: campaign.schedule,
      counts,
      nextSendAt,
    };
    const block = this.blocked.get(campaign.channel);
    if (waiting && block && block.until > this.now()) status.held = block.reason;
    return status;
  }

  pause(campaignId: string): CampaignOutboxStatus {
    return this.setCampaignState(campaignId, 'paused');
  }

  resume(campaignId: string): CampaignOutboxStatus {
    return this.setCampaignState(campaignId, 'active');
  }

  /** Stops the campaign for good: every message not yet sent is cancelled (in-flight ones finish). */
  cancel(campaignId: string): CampaignOutboxStatus {
    const status = this.setCampaignState(campaignId, 'cancelled');
    const cancelled = [...this.store.messages.values()]
      .filter((m) => m.campaignId === campaignId && m.state === 'scheduled')
      .map((m): OutboxMessage => ({ ...m, state: 'cancelled' }));
    this.store.commit({ messages: cancelled });
    this.emitOutcomes(cancelled.map((m) => m.message.messageId));
    return this.emitStatus(campaignId) ?? status;
  }

  private setCampaignState(campaignId: string, state: OutboxCampaign['state']): CampaignOutboxStatus {
    const campaign = this.store.campaigns.get(campaignId);
    if (!campaign) throw new OutboxRequestError(404, `No scheduled sending for campaign ${campaignId}`);
    if (campaign.state === 'cancelled' && state !== 'cancelled') {
      throw new OutboxRequestError(409, 'This campaign’s sending was cancelled');
    }
    if (campaign.state !== state) this.store.commit({ campaigns: [{ ...campaign, state }] });
    this.schedule(0);
    return this.emitStatus(campaignId) as CampaignOutboxStatus;
  }

  /**
   * Erasure: every message to one of these numbers or with one of these ids loses its number and
   * text (on disk too: the log is folded into a new snapshot); one still waiting is cancelled.
   */
  redact(request: { phones: readonly string[]; messageIds: readonly string[] }): number {
    const phones = new Set(request.phones);
    const ids = new Set(request.messageIds);
    const erased = [...this.store.messages.values()]
      .filter((m) => ids.has(m.message.messageId) || phones.has(m.message.to))
      .map(
        (m): OutboxMessage => ({
          ...m,
          message: { messageId: m.message.messageId, to: '' },
          state: m.state === 'scheduled' ? 'cancelled' : m.state,
        }),
      );
    if (erased.length === 0) return 0;
    this.store.commit({ messages: erased });
    this.store.compact();
    this.emitOutcomes(erased.map((m) => m.message.messageId));
    return erased.length;
  }

  /** Every outcome changed after `since`, oldest change first, at most `limit`. */
  outcomes(since: number, limit: number): { outcomes: MessageOutcome[]; lastSeq: number } {
    // Only what is on disk: after a crash the seq numbers of undone changes are given out again.
    const changed = [...this.store.messages.values()]
      .filter((m) => m.seq > since && this.store.isDurable(m.seq))
      .sort((a, b) => a.seq - b.seq)
      .slice(0, limit);
    return { outcomes: changed.map(outcomeOf), lastSeq: this.store.seq };
  }

  /**
   * Tells of changed messages, gathered for a moment: a send changes each message twice within
   * milliseconds, and every push makes the window pull and apply outcomes in one transaction, so one
   * push per change (2,000 for 1,000 emails) kept the renderer busy on the cores the sending shares.
   */
  private emitOutcomes(ids: readonly string[]): void {
    if (ids.length === 0 || this.closed) return;
    for (const id of ids) this.unpushed.add(id);
    if (this.pushTimer) return;
    this.pushTimer = setTimeout(() => this.pushOutcomes(), PUSH_GATHER_MS);
    this.pushTimer.unref();
  }

  private pushOutcomes(): void {
    this.pushTimer = undefined;
    const ids = [...this.unpushed];
    this.unpushed.clear();
    const outcomes = ids.flatMap((id) => {
      const m = this.store.messages.get(id);
      // A newer change not yet on disk is told when its own commit lands.
      return m && this.store.isDurable(m.seq) ? [outcomeOf(m)] : [];
    });
    if (outcomes.length > 0) this.options.onOutcomes(outcomes);
  }

  private emitStatus(campaignId: string): CampaignOutboxStatus | null {
    const status = this.status(campaignId);
    if (status) this.options.onStatus(status);
    return status;
  }

  private schedule(delay: number): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), Math.max(0, delay));
    // Headless mode's server and Electron's app keep the process alive; the outbox alone should not.
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.running || this.closed) return;
    this.running = true;
    let again = IDLE_TICK_MS;
    try {
      const sent = await this.sendDue();
      const polled = await this.pollDue();
      if (sent || polled) again = 0;
      else again = Math.min(IDLE_TICK_MS, Math.max(50, this.nextDueIn()));
    } catch (error) {
      this.options.log.error(`outbox: ${(error as Error).message}`);
    } finally {
      this.running = false;
    }
    this.schedule(again);
  }

  private nextDueIn(): number {
    const now = this.now();
    let next = Number.POSITIVE_INFINITY;
    for (const m of this.store.messages.values()) {
      if (m.state === 'scheduled' && this.store.campaigns.get(m.campaignId)?.state === 'active') {
        next = Math.min(next, m.sendAt - now);
      }
      if (m.poll && !m.poll.final && m.poll.nextPollAt !== null)
        next = Math.min(next, m.poll.nextPollAt - now);
    }
    return next;
  }

  /** Sends one batch of due messages of one channel; false when nothing was due. */
  private async sendDue(): Promise<boolean> {
    const now = this.now();
    let channel: MessagingChannel | undefined;
    const due: OutboxMessage[] = [];
    const deferred: OutboxMessage[] = [];
    let limit = 1;
    let chosen: ChannelProvider | undefined;
    const candidates = [...this.store.messages.values()]
      .filter((m) => m.state === 'scheduled' && m.sendAt <= now)
      .sort((a, b) => a.sendAt - b.sendAt);
    for (const m of candidates) {
      const campaign = this.store.campaigns.get(m.campaignId);
      if (campaign?.state !== 'active') continue;
      if ((this.blocked.get(m.channel)?.until ?? 0) > now) continue;
      if (channel === undefined) {
        try {
          chosen = this.options.providers().resolve(m.channel);
        } catch (error) {
          if (!(error instanceof MessagingNotConfiguredError)) throw error;
          this.block(m.channel, error.message, NOT_CONFIGURED_RETRY_MS);
          continue;
        }
        channel = m.channel;
        // A batch of about two seconds of sending (each batch ends waiting for its slowest answer;
        // pause and cancel still stop it between two requests, see `guarded`).
        limit = Math.max(1, Math.min(200, Math.ceil(chosen.ratePerSecond * 2)));
      }
      if (m.channel !== channel) continue;
      // Quiet hours may have begun since it was planned (a long send at a slow rate): wait again.
      const quiet = campaign.schedule.quietHours;
      if (quiet && m.zones.length > 0) {
        const allowed = nextAllowed(now, m.zones, quiet, m.fallbackZone);
        if (allowed > now) {
          deferred.push({ ...m, sendAt: allowed });
          continue;
        }
      }
      due.push(m);
      if (due.length >= limit) break;
    }
    if (deferred.length > 0) {
      this.store.commit({ messages: deferred });
      this.emitOutcomes(deferred.map((m) => m.message.messageId));
    }
    if (!chosen || channel === undefined || due.length === 0) return false;
    const { provider, ratePerSecond, concurrency } = chosen;
    const idempotent = provider.idempotent === true;
    if (provider.verify && !this.verified.has(provider)) {
      try {
        await provider.verify();
        this.verified.add(provider);
        this.blocked.delete(channel);
      } catch (error) {
        this.block(channel, (error as Error).message, this.loginRetryMs, due);
        return false;
      }
    }
    const sendingChannel = channel;

    const ambiguous = new Set<string>();
    const skipped = new Set<string>();
    const guarded: MessagingProvider = {
      name: provider.name,
      attempt: async (message, ch) => {
        const current = this.store.messages.get(message.messageId);
        if (current?.state === 'scheduled' && (this.blocked.get(sendingChannel)?.until ?? 0) > this.now()) {
          // The login was refused earlier in this batch: the rest wait with it.
          skipped.add(message.messageId);
          return { kind: 'failed', error: 'Held' };
        }
        if (current?.state === 'scheduled') {
          // Paused or cancelled since the batch began: this one is not sent.
          if (this.store.campaigns.get(current.campaignId)?.state !== 'active') {
            skipped.add(message.messageId);
            return { kind: 'failed', error: 'Paused or cancelled' };
          }
          // Durable right before its first request: after a crash it is known to be possibly out.
          // (Grouped: the requests in flight together share one fdatasync.)
          await this.store.commitSoon({ messages: [{ ...current, state: 'sending', idempotent }] });
          this.emitOutcomes([message.messageId]);
        } else if (current?.state !== 'sending') {
          skipped.add(message.messageId);
          return { kind: 'failed', error: 'No longer waiting' };
        }
        const outcome = await provider.attempt(message, ch);
        if (outcome.kind === 'failed' && outcome.status === LOGIN_REFUSED) {
          // Refused at login, so not sent: it waits again, with the campaign held for the reason.
          const sending = this.store.messages.get(message.messageId) as OutboxMessage;
          const back: OutboxMessage = { ...sending, state: 'scheduled' };
          delete back.idempotent;
          await this.store.commitSoon({ messages: [back] });
          this.emitOutcomes([message.messageId]);
          skipped.add(message.messageId);
          this.verified.delete(provider);
          this.block(sendingChannel, outcome.error, this.loginRetryMs);
          return outcome;
        }
        if (outcome.kind === 'retry' && outcome.ambiguous && !idempotent) {
          // Retrying could send it twice: stop here and report it as unknown.
          ambiguous.add(message.messageId);
          return { kind: 'failed', error: outcome.error };
        }
        return outcome;
      },
    };
    const outgoing = due.map((m): OutgoingMessage => {
      const message = { ...m.message };
      if (idempotent) message.idempotencyKey = `stitchdesk:${m.message.messageId}`;
      return message;
    });
    // Each answer is recorded (fsynced, in groups) as it comes: after a crash only the requests
    // truly in flight are unknown. Its outcome is told once it is on disk.
    const finish = (result: SendResult): void => {
      if (skipped.has(result.messageId)) return;
      const m = this.store.messages.get(result.messageId) as OutboxMessage;
      const next: OutboxMessage = { ...m };
      delete next.idempotent;
      if (result.ok) {
        const sentAt = this.now();
        next.state = 'sent';
        next.sentAt = sentAt;
        if (result.providerId) next.providerId = result.providerId;
        next.providerStatus = result.status ?? 'queued';
        if (provider.status && result.providerId) {
          next.poll = startPolling(next.providerStatus, sentAt, this.options.pollTiming);
        }
      } else if (ambiguous.has(result.messageId)) {
        next.state = 'unknown';
        next.error = `${UNKNOWN_AFTER_NETWORK} (${result.error ?? ''})`;
      } else {
        next.state = 'failed';
        next.error = result.error ?? 'Failed';
        if (result.status) next.providerStatus = result.status;
      }
      this.store.commitSoon({ messages: [next] }).then(
        () => this.emitOutcomes([result.messageId]),
        (error: Error) => this.options.log.error(`outbox: recording an answer failed: ${error.message}`),
      );
    };
    let pacer = this.pacers.get(channel);
    if (!pacer) {
      pacer = { nextStart: this.now() };
      this.pacers.set(channel, pacer);
    }
    await sendAll(guarded, channel, outgoing, {
      ratePerSecond,
      pacer,
      ...(concurrency ? { concurrency } : {}),
      onResult: finish,
    });
    await this.store.settled();
    for (const id of new Set(due.map((m) => m.campaignId))) this.emitStatus(id);
    return true;
  }

  /** Holds a channel's messages for a while, with the reason logged and shown on their campaigns. */
  private block(
    channel: MessagingChannel,
    reason: string,
    forMs: number,
    affected: readonly OutboxMessage[] = [],
  ): void {
    const first = !this.blocked.has(channel) || this.blocked.get(channel)?.reason !== reason;
    this.blocked.set(channel, { until: this.now() + forMs, reason });
    if (first) this.options.log.warn(`outbox: ${channel} messages wait: ${reason}`);
    for (const id of new Set(affected.map((m) => m.campaignId))) this.emitStatus(id);
  }

  /** Asks the provider about delivered-or-not for due messages, at most `pollsPerSecond`. */
  private async pollDue(): Promise<boolean> {
    const now = this.now();
    const perSecond = this.options.pollsPerSecond ?? 1;
    const interval = 1000 / perSecond;
    if (now - this.lastPollAt < interval) return false;
    const due = [...this.store.messages.values()]
      .filter((m) => m.poll && !m.poll.final && m.poll.nextPollAt !== null && m.poll.nextPollAt <= now)
      .sort((a, b) => (a.poll?.nextPollAt ?? 0) - (b.poll?.nextPollAt ?? 0));
    const m = due[0];
    if (!m?.poll || !m.providerId) return false;
    let provider: MessagingProvider;
    try {
      provider = this.options.providers().resolve(m.channel).provider;
    } catch (error) {
      if (!(error instanceof MessagingNotConfiguredError)) throw error;
      return false;
    }
    if (!provider.status) return false;
    this.lastPollAt = now;
    const answer = await provider.status(m.providerId);
    const current = this.store.messages.get(m.message.messageId) as OutboxMessage;
    const poll = afterAnswer(
      current.poll ?? m.poll,
      answer,
      this.now(),
      current.sentAt ?? now,
      this.options.pollTiming,
    );
    const next: OutboxMessage = { ...current, poll, providerStatus: poll.status };
    if (poll.errorCode !== undefined) next.errorCode = poll.errorCode;
    if (poll.error !== undefined && answer.kind === 'status') next.error = poll.error;
    this.store.commit({ messages: [next] });
    this.emitOutcomes([m.message.messageId]);
    return due.length > 1;
  }
}

function outcomeOf(m: OutboxMessage): MessageOutcome {
  const outcome: MessageOutcome = {
    seq: m.seq,
    messageId: m.message.messageId,
    campaignId: m.campaignId,
    state: m.state,
    sendAt: m.sendAt,
  };
  if (m.sentAt !== undefined) outcome.sentAt = m.sentAt;
  if (m.providerId !== undefined) outcome.providerId = m.providerId;
  if (m.providerStatus !== undefined) outcome.providerStatus = m.providerStatus;
  if (m.errorCode !== undefined) outcome.errorCode = m.errorCode;
  if (m.error !== undefined) outcome.error = m.error;
  if (m.poll) outcome.deliveryFinal = m.poll.final;
  return outcome;
}
