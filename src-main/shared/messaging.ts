// Sending through a messaging provider (Twilio): credentials, a send request and per-recipient
// outcomes, as they cross the bridge. Types only.

import type { Channel } from './channels';

/** The channels a messaging provider (Twilio) sends. */
export type MessagingChannel = Extract<Channel, 'sms' | 'whatsapp'>;

export interface MessagingConfigInput {
  accountSid: string;
  /** Write-only: stored in the data dir (0600), never returned to the renderer. */
  authToken?: string;
  /** Sender for SMS, E.164 (or leave empty and use a Messaging Service). */
  smsFrom?: string;
  /** Sender for WhatsApp, E.164 (without the `whatsapp:` prefix). */
  whatsappFrom?: string;
  messagingServiceSid?: string;
  /** Provider API base URL; default https://api.twilio.com. */
  baseUrl?: string;
  /** Messages per second the provider allows this account. */
  ratePerSecond?: number;
}

export interface MessagingStatus {
  configured: boolean;
  /** `AC…` with all but the last 4 characters masked. */
  accountSid: string | null;
  from: { sms: string | null; whatsapp: string | null; messagingServiceSid: string | null };
  baseUrl: string;
  ratePerSecond: number;
}

export interface OutgoingTemplate {
  /** Twilio Content SID (`HX…`) of the approved template. */
  contentSid: string;
  /** `ContentVariables`: `{ "1": "Ana", "2": "<link code>" }`. */
  variables: Record<string, string>;
}

export interface OutgoingMessage {
  /** `<campaignId>:<index>`. */
  messageId: string;
  /** E.164. */
  to: string;
  body?: string;
  template?: OutgoingTemplate;
  /** Sent as the provider's idempotency key by providers that support one (not Twilio). */
  idempotencyKey?: string;
}

export interface MessagingSendRequest {
  campaignId: string;
  channel: MessagingChannel;
  messages: OutgoingMessage[];
}

export interface SendResult {
  messageId: string;
  ok: boolean;
  /** The provider's message id (Twilio `SM…`/`MM…`). */
  providerId?: string;
  /** The provider's status (`queued`, `accepted`, `sent`…). */
  status?: string;
  error?: string;
}

export interface MessagingProgress {
  campaignId: string;
  done: number;
  total: number;
  failed: number;
}
