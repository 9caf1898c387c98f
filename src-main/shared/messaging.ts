// Sending through a messaging provider (Twilio for SMS/WhatsApp, SMTP for email): credentials, a
// send request and per-recipient outcomes, as they cross the bridge. Types only.

import type { Channel } from './channels';

/** The channels a messaging provider sends: Twilio SMS/WhatsApp, SMTP email. */
export type MessagingChannel = Channel;

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

/** An email's parts, rendered per recipient by the renderer; main adds From and the headers. */
export interface OutgoingEmail {
  subject: string;
  html: string;
  /** The plain-text alternative. */
  text: string;
  /** The recipient's one-click unsubscribe URL (`<link base>/u/<token>`), for `List-Unsubscribe`. */
  unsubscribeUrl: string;
}

export interface OutgoingMessage {
  /** `<campaignId>:<index>`. */
  messageId: string;
  /** E.164 (SMS, WhatsApp) or an email address (email). */
  to: string;
  body?: string;
  template?: OutgoingTemplate;
  /** Sent as the provider's idempotency key by providers that support one (not Twilio). */
  idempotencyKey?: string;
  email?: OutgoingEmail;
}

export interface MessagingSendRequest {
  campaignId: string;
  channel: MessagingChannel;
  messages: OutgoingMessage[];
}

export interface SendResult {
  messageId: string;
  ok: boolean;
  /** The provider's message id (Twilio `SM…`/`MM…`, the SMTP Message-ID). */
  providerId?: string;
  /**
   * The provider's status (`queued`, `accepted`, `sent`…). Email: `bounced` is a permanent (5xx)
   * refusal of the recipient — a hard bounce that flags the address; `too_large` and `auth` are not.
   */
  status?: string;
  error?: string;
}

export interface MessagingProgress {
  campaignId: string;
  done: number;
  total: number;
  failed: number;
}

export type SmtpSecurity = 'tls' | 'starttls' | 'none';

export interface EmailConfigInput {
  host: string;
  port: number;
  /** `tls`: TLS from the start (port 465); `starttls`: upgrade required (587); `none`: plain (local relays). */
  security: SmtpSecurity;
  /** Empty: no login (a local relay). */
  user?: string;
  /** Write-only: stored in the data dir (0600), never returned to the renderer. */
  password?: string;
  /** The From address. */
  from: string;
  fromName?: string;
  /** Messages per second the server allows. */
  ratePerSecond?: number;
}

export interface EmailStatus {
  configured: boolean;
  host: string | null;
  port: number | null;
  security: SmtpSecurity;
  user: string | null;
  /** Whether a password is stored (never the password). */
  hasPassword: boolean;
  from: string | null;
  fromName: string | null;
  ratePerSecond: number;
}
