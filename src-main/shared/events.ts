// The event model (DESIGN §5): Segment-spec shaped events plus Stitchdesk's own kinds, and the
// journal record that wraps each accepted event. Types only.

export type SegmentEventType = 'track' | 'identify' | 'page' | 'screen' | 'group' | 'alias';
/** `redacted` replaces an erased person's record in the journal, at the same offset (journal/README.md). */
export type OwnEventType =
  | 'link_click'
  | 'link_preview'
  | 'message_sent'
  | 'form_submit'
  | 'email_unsubscribe'
  | 'email_open'
  | 'redacted';
export type EventType = SegmentEventType | OwnEventType;

export interface PageContext {
  url?: string;
  path?: string;
  referrer?: string;
  title?: string;
  search?: string;
}

export interface EventContext {
  page?: PageContext;
  userAgent?: string;
  /** Truncated by the collector: last octet (IPv4) or last 80 bits (IPv6) zeroed. */
  ip?: string;
  /** Session id kept by the tracking script (30 minutes of inactivity). */
  sessionId?: string;
  /** One-time click token the tracking script found in the landing URL. */
  clickToken?: string;
  library?: { name: string; version: string };
  campaign?: Record<string, string>;
  [key: string]: unknown;
}

export interface TrackedEvent {
  messageId: string;
  type: EventType;
  anonymousId?: string;
  userId?: string;
  previousId?: string;
  event?: string;
  properties?: Record<string, unknown>;
  traits?: Record<string, unknown>;
  context?: EventContext;
  timestamp?: string;
  sentAt?: string;
}

/** Properties of a `link_click` / `link_preview` event journalled by `GET /r/<code>`. */
export interface LinkClickProperties {
  campaignId: string;
  linkId: string;
  /** The recipient's message id (`<campaignId>:<recipient index>`). */
  recipientMessageId: string;
  destination: string;
  /** Present on clicks only: the one-time token appended to the redirect. */
  clickToken?: string;
  method: string;
  [key: string]: unknown;
}

/** Properties of an `email_open` event journalled by `GET /o/<token>.gif` (unreliable: proxies fetch images). */
export interface EmailOpenProperties {
  campaignId: string;
  recipientMessageId: string;
  [key: string]: unknown;
}

/** Properties of an `email_unsubscribe` event journalled by `POST /u/<token>` (RFC 8058 one-click). */
export interface UnsubscribeProperties {
  campaignId: string;
  /** The recipient's message id (`<campaignId>:<recipient index>`). */
  recipientMessageId: string;
  /** `one-click` (a mail client's POST) or `page` (the footer link's confirmation page). */
  via: 'one-click' | 'page';
  [key: string]: unknown;
}

export type EventSource = 'tracker' | 'segment' | 'redirect' | 'app';

/** One event as stored in the journal. */
export interface JournalRecord {
  offset: number;
  receivedAt: string;
  source: EventSource;
  siteId?: string;
  event: TrackedEvent;
}

/**
 * Body of `POST /collect`, sent by the tracking script as `text/plain` JSON (no CORS preflight).
 *
 * Conventions the stitching engine relies on:
 * - every event carries `anonymousId` = the browser's visitor id, `context.sessionId`,
 *   `context.page` (url, path, referrer, title), `context.userAgent`, `timestamp` and a unique
 *   `messageId`;
 * - page views are `type: 'page'`; the landing page view after a tracked-link redirect carries
 *   `context.clickToken` (the one-time token the script read, then removed from the URL);
 * - form submissions are `type: 'form_submit'` with `traits` holding only `email` and/or `phone`
 *   (never passwords, card numbers or hidden fields) and `properties` `{ formId?, formAction? }`;
 * - `ps('identify', traits)` sends `type: 'identify'` (traits may hold email, phone, userId →
 *   `userId`); `ps('track', name, props)` sends `type: 'track'` with `event: name`.
 */
export interface CollectPayload {
  siteId: string;
  sentAt: string;
  batch: TrackedEvent[];
}

/** Segment HTTP Tracking API `POST /v1/batch` body. */
export interface SegmentBatchPayload {
  batch: TrackedEvent[];
  sentAt?: string;
  context?: EventContext;
}
