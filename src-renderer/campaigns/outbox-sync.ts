// The store catches up with the main-process outbox: every message outcome (scheduled, sent,
// failed, unknown, delivery status) is applied once, in order, pulled from the last `seq` applied.
import type { Bridge } from '../../src-main/shared/bridge';
import type { MessageOutcome } from '../../src-main/shared/scheduling';
import type { StitchDb } from '../db';
import type { MessageRow } from '../db/types';
import { recordMessagesSent } from '../stitching/messages';
import { flagBounces } from './prepare';

const SEQ_KEY = 'outbox.appliedSeq';
const PULL_LIMIT = 1000;

/** Applies outcomes to the message rows; an outcome older than the row's last one is skipped. */
export async function applyOutboxOutcomes(db: StitchDb, outcomes: readonly MessageOutcome[]): Promise<void> {
  if (outcomes.length === 0) return;
  await db.transaction('rw', [db.messages, db.events, db.contacts, db.campaigns], async () => {
    const rows = await db.messages.bulkGet(outcomes.map((o) => o.messageId));
    const campaigns = new Set<string>();
    // Newly sent ones are recorded together, after the loop (timeline entry and stats, in bulk).
    const sent: { message: MessageRow; at: number }[] = [];
    for (const [i, outcome] of outcomes.entries()) {
      const row = rows[i];
      if (!row || row.campaignId !== outcome.campaignId || (row.outboxSeq ?? 0) >= outcome.seq) continue;
      campaigns.add(row.campaignId);
      const next: MessageRow = { ...row, outboxSeq: outcome.seq, scheduledAt: outcome.sendAt };
      if (outcome.providerId) next.providerId = outcome.providerId;
      if (outcome.providerStatus) next.providerStatus = outcome.providerStatus;
      if (outcome.errorCode !== undefined) next.providerErrorCode = outcome.errorCode;
      if (outcome.error) next.error = outcome.error;
      if (outcome.state === 'sent') {
        if (row.status === 'sent') await db.messages.put(next);
        // Sent: the contact's timeline entry and stats, once.
        else sent.push({ message: next, at: outcome.sentAt ?? Date.now() });
        continue;
      }
      if (row.status === 'sent') {
        await db.messages.put(next);
        continue;
      }
      if (outcome.state === 'scheduled' || outcome.state === 'sending') next.status = 'scheduled';
      else if (outcome.state === 'cancelled') {
        // Back to prepared: the user may schedule it again.
        next.status = 'prepared';
        delete next.scheduledAt;
      } else next.status = outcome.state;
      await db.messages.put(next);
      // An email refused for good (SMTP 5xx) flags the address, as a direct send does.
      if (next.status === 'failed') await flagBounces(db, [next], Date.now());
    }
    await recordMessagesSent(db, sent);
    for (const campaignId of campaigns) await settleCampaign(db, campaignId);
  });
}

/** A campaign with nothing left waiting in the outbox is sent (when anything went) or prepared. */
async function settleCampaign(db: StitchDb, campaignId: string): Promise<void> {
  const messages = await db.messages.where('campaignId').equals(campaignId).toArray();
  if (messages.some((m) => m.status === 'scheduled')) {
    await db.campaigns.update(campaignId, { status: 'sending' });
    return;
  }
  const sent = messages.filter((m) => m.status === 'sent');
  if (sent.length === 0) {
    await db.campaigns.update(campaignId, { status: 'prepared' });
    return;
  }
  const sentAt = Math.max(...sent.map((m) => m.sentAt ?? 0));
  await db.campaigns.update(campaignId, { status: 'sent', sentAt });
}

/** Pulls every outcome after the last applied one until there are none; safe to call at any time. */
export async function pullOutboxOutcomes(db: StitchDb, bridge: Bridge): Promise<number> {
  let applied = 0;
  for (;;) {
    const since = Number((await db.meta.get(SEQ_KEY))?.value ?? 0);
    const { outcomes } = await bridge.invoke('outbox.outcomes', { since, limit: PULL_LIMIT });
    if (outcomes.length === 0) return applied;
    await applyOutboxOutcomes(db, outcomes);
    await db.meta.put({ key: SEQ_KEY, value: outcomes[outcomes.length - 1]?.seq ?? since });
    applied += outcomes.length;
    if (outcomes.length < PULL_LIMIT) return applied;
  }
}

/**
 * Catches up once, then on every pushed change: a push only says something changed, and the pull
 * from the last applied `seq` fetches it, so nothing missed while disconnected is lost.
 */
export function followOutbox(db: StitchDb, bridge: Bridge, onError: (error: Error) => void): () => void {
  let running: Promise<void> | null = null;
  let again = false;
  const pull = () => {
    if (running) {
      again = true;
      return;
    }
    running = pullOutboxOutcomes(db, bridge)
      .then(() => undefined, onError)
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          pull();
        }
      });
  };
  pull();
  return bridge.on('outbox.outcomes', pull);
}
