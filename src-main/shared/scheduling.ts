// Scheduled sends through the main-process outbox: a campaign's schedule (send time, quiet hours),
// the messages handed over, and each message's outcome as it crosses the bridge. Types only.

import type { MessagingChannel, OutgoingMessage } from './messaging';

/** Local wall-clock times `HH:MM` (24 h); a window that wraps midnight (21:00–08:00) is allowed. */
export interface QuietHours {
  start: string;
  end: string;
}

export interface CampaignSchedule {
  /** Earliest send time, epoch ms (the sender's chosen date and time). */
  sendAt: number;
  /** Applied in each recipient's own time zone; null sends at `sendAt` wherever they are. */
  quietHours: QuietHours | null;
}

export interface ScheduledMessageInput extends OutgoingMessage {
  /** IANA zone from the contact (`custom.timezone`), overriding the phone number's region. */
  timeZone?: string;
  /** E.164 whose region gives the zone when `to` is no phone number (an email's recipient). */
  regionPhone?: string;
}

/** Where a recipient's zone came from: the contact's own field, the number's country, or none known. */
export type ZoneSource = 'contact' | 'phone' | 'none';

export interface PlannedTime {
  messageId: string;
  /** When the message may go out: `sendAt`, or the end of the recipient's quiet hours. */
  sendAt: number;
  /** The zone(s) quiet hours were applied in (a multi-zone country: all of them, see README). */
  zones: string[];
  zoneSource: ZoneSource;
}

export interface SchedulePlanRequest extends CampaignSchedule {
  messages: { messageId: string; to: string; timeZone?: string; regionPhone?: string }[];
}

export interface ScheduleSubmitRequest extends CampaignSchedule {
  campaignId: string;
  channel: MessagingChannel;
  messages: ScheduledMessageInput[];
}

export interface ScheduleSubmitResult {
  /** Messages newly taken into the outbox (already-held message ids are ignored). */
  accepted: number;
  planned: PlannedTime[];
}

/**
 * One message's life in the outbox. `sending` is written durably before the provider request; a
 * message still `sending` after a crash becomes `unknown` (it may or may not have gone out; it is
 * never resent automatically by a provider without idempotency keys).
 */
export type OutboxState = 'scheduled' | 'sending' | 'sent' | 'failed' | 'unknown' | 'cancelled';

export interface MessageOutcome {
  /** Increases with every change the outbox records: the renderer pulls everything after its last. */
  seq: number;
  messageId: string;
  campaignId: string;
  state: OutboxState;
  sendAt: number;
  sentAt?: number;
  providerId?: string;
  /** The provider's last known status (`queued`, `sent`, `delivered`, `undelivered`, `failed`…). */
  providerStatus?: string;
  /** Provider error code for undelivered/failed messages (Twilio `ErrorCode`). */
  errorCode?: number;
  error?: string;
  /** True once the provider reported a final status, or polling gave up. */
  deliveryFinal?: boolean;
}

export type CampaignOutboxState = 'active' | 'paused' | 'cancelled' | 'done';

export interface CampaignOutboxStatus {
  campaignId: string;
  state: CampaignOutboxState;
  channel: MessagingChannel;
  schedule: CampaignSchedule;
  counts: Record<OutboxState, number>;
  /** The earliest planned time among messages still waiting (null when none wait). */
  nextSendAt: number | null;
  /**
   * Why waiting messages are not being sent although due: the provider refused the login, could not
   * be reached, or is not set up. Sending resumes by itself once that is fixed.
   */
  held?: string;
}
