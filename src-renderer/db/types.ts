// Row types of the stitched store (Dexie tables). Times are epoch milliseconds throughout.
// Stitching is modelled as identity rows with validity intervals; event rows are never rewritten.
import type { EventSource, EventType } from '../../src-main/shared/events';

export type Channel = 'sms' | 'whatsapp';

/** Per-contact counters kept current on ingest and on every stitch change, so lists can sort by them. */
export interface ContactStats {
  /** Latest event time of the contact's own clicks and its linked visitors' events (0 = never). */
  lastSeen: number;
  pageViews: number;
  sessions: number;
  clicks: number;
  messages: number;
  /** Distinct browsers (visitors) linked to the contact. */
  visitors: number;
}

export interface ContactRow {
  id: string;
  firstName: string;
  lastName: string;
  /** Lower-case. */
  email?: string;
  /** E.164. */
  phone?: string;
  /** What the phone number is, as libphonenumber-js tells from its metadata (set by imports). */
  phoneType?: PhoneType;
  /** E.164. */
  whatsapp?: string;
  /** The website's own user id, when an `identify` call named one. */
  userId?: string;
  tags: string[];
  lists: string[];
  consent: { sms: boolean; whatsapp: boolean; email: boolean };
  /** Where and when each consent answer came from (an import, a bulk action, an edit); absent on older rows. */
  consentRecords?: Partial<Record<ConsentChannel, ConsentRecord>>;
  custom: Record<string, string>;
  createdAt: number;
  updatedAt: number;
  /** Set when this contact was merged into another; queries follow it. Undo clears it. */
  mergedInto?: string;
  stats: ContactStats;
  /** Lower-case "first last" for name sort and prefix search (see `contactSearchKeys`). */
  nameKey: string;
  /** Lower-case "last first", so a search by last name is also a prefix search. */
  lastNameKey: string;
  /** Reversed digits of phone and WhatsApp numbers: "ends with these digits" becomes a prefix search. */
  phoneTails: string[];
}

export type ConsentChannel = 'sms' | 'whatsapp' | 'email';

/** A consent answer as recorded: proof of opt-in is the source and the time, not only the yes. */
export interface ConsentRecord {
  granted: boolean;
  /** When the contact gave (or withdrew) it, as the user stated; else when it was recorded. */
  at: number;
  /** In the user's words or the app's: "Import of spring.csv: shop signup form", "Bulk action". */
  source: string;
}

export type PhoneType = 'mobile' | 'fixed-line' | 'fixed-or-mobile' | 'toll-free' | 'voip' | 'other';

export type IdentityKind = 'visitor' | 'email' | 'phone' | 'userId';
export type LinkSource = 'sms_click' | 'whatsapp_click' | 'form' | 'identify' | 'manual' | 'import';
export type LinkFlag = 'sharedDevice' | 'forwarded';

/** A link from an identifier (usually a visitor) to a contact, valid over `[from, to)`. */
export interface IdentityRow {
  id: string;
  kind: IdentityKind;
  value: string;
  contactId: string;
  from: number;
  /** null = still open. */
  to: number | null;
  source: LinkSource;
  /** The event that caused the link (the link_click for click stitches, the form/identify event). */
  causeEventId?: string;
  campaignId?: string;
  messageId?: string;
  createdAt: number;
  /** Set when a user unstitched the link; a revoked link is ignored and never re-created automatically. */
  revokedAt: number | null;
  flags: LinkFlag[];
}

export interface VisitorRow {
  /** The browser's anonymousId. */
  id: string;
  siteId?: string;
  firstSeen: number;
  lastSeen: number;
  events: number;
  pageViews: number;
  sessions: number;
  userAgent?: string;
  browser?: string;
  os?: string;
  device: DeviceType;
  lastSessionId?: string;
  /** 1 while an open, unrevoked link points to a contact (IndexedDB cannot index booleans). */
  stitched: 0 | 1;
  bot: boolean;
}

export type DeviceType = 'mobile' | 'tablet' | 'desktop' | 'unknown';

/** Derived: events of one visitor with gaps under 30 minutes (by event time). */
export interface SessionRow {
  id: string;
  visitorId: string;
  siteId?: string;
  start: number;
  end: number;
  events: number;
  pageViews: number;
  landingPath?: string;
  referrer?: string;
}

export interface EventRow {
  /** The event's messageId (idempotency key). */
  id: string;
  /** Journal offset; absent for events the app wrote itself (message_sent). */
  offset?: number;
  type: EventType;
  /** `track` event name. */
  name?: string;
  /** Event time (client clock corrected for skew), the timeline's order. */
  timestamp: number;
  receivedAt: number;
  source: EventSource;
  siteId?: string;
  /** The browser (anonymousId) for tracker/Segment events. */
  visitorId?: string;
  sessionId?: string;
  /** Owner of "own" events (sends, clicks): set without any visitor link. */
  contactId?: string;
  campaignId?: string;
  /** The recipient's message id (`<campaignId>:<index>`). */
  recipientMessageId?: string;
  channel?: Channel;
  clickToken?: string;
  userId?: string;
  url?: string;
  path?: string;
  title?: string;
  referrer?: string;
  userAgent?: string;
  properties?: Record<string, unknown>;
  traits?: Record<string, unknown>;
  bot?: boolean;
}

export interface CampaignRow {
  id: string;
  name: string;
  channel: Channel;
  createdAt: number;
  status?: 'draft' | 'prepared' | 'sending' | 'sent';
  /** Hidden from the campaign list; kept with its messages and report. */
  archived?: boolean;
  /** Who receives it: everyone, one tag or one list (see `src-renderer/campaigns/audience.ts`). */
  audience?: CampaignAudience;
  /** The composer's text with merge fields and plain URLs (SMS and WhatsApp session messages). */
  body?: string;
  /** Per detected URL: tracked (replaced by each recipient's short link) or left as typed. */
  links?: CampaignLink[];
  utm?: CampaignUtm;
  /** SMS: append "Reply STOP to opt out". */
  optOutFooter?: boolean;
  whatsapp?: WhatsAppSettings;
  preparedAt?: number;
  sentAt?: number;
  /** Recipients and SMS segments at the last Prepare. */
  recipients?: number;
  segments?: number;
  [field: string]: unknown;
}

export type CampaignAudience =
  | { kind: 'all' }
  | { kind: 'tag'; tag: string }
  | { kind: 'list'; list: string };

export interface CampaignLink {
  /** Stable id registered with the main process (`l1`, `l2`… in order of first appearance). */
  linkId: string;
  /** The URL as typed in the text. */
  url: string;
  tracked: boolean;
}

export interface CampaignUtm {
  enabled: boolean;
  source: string;
  medium: string;
  campaign: string;
}

export interface WhatsAppSettings {
  mode: 'template' | 'session';
  templateName: string;
  /** Twilio Content SID of the approved template, for API sending. */
  contentSid?: string;
  /** Template body with `{{1}}`…`{{n}}` placeholders (as approved by WhatsApp). */
  templateBody: string;
  /** Merge field each placeholder takes, by position (`first_name`, `custom.city`…). */
  variables: string[];
  /** Where the URL button leads (tracked): its URL is `<link base>/r/{{1}}`, the recipient's code the suffix. */
  buttonDestination?: string;
}

export interface MessageRow {
  /** `<campaignId>:<recipient index>`. */
  id: string;
  campaignId: string;
  contactId: string;
  channel: Channel;
  linkUrl?: string;
  code?: string;
  /** Every tracked link of the message (the first is also `linkUrl`/`code`). */
  links?: { linkId: string; url: string; code: string }[];
  /** Recipient address in E.164 (WhatsApp without the `whatsapp:` prefix). */
  to?: string;
  /** The exact text the recipient gets (session/SMS), or the rendered template body. */
  text?: string;
  /** WhatsApp template: the value of each `{{n}}`, by position. */
  templateVariables?: string[];
  status: 'pending' | 'prepared' | 'sent' | 'failed';
  sentAt?: number;
  /** Provider's message id and last known status (`queued`, `delivered`, `undelivered`…). */
  providerId?: string;
  providerStatus?: string;
  error?: string;
  /** Distinct visitors that presented this message's click tokens, in order (forward detection). */
  tokenVisitors?: string[];
  /** More than K distinct visitors presented its tokens: auto-stitching stopped for it. */
  forwarded?: boolean;
  forwardedAt?: number;
}

export type AuditAction = 'stitch' | 'unstitch' | 'merge' | 'undo' | 'erase';

/** Before-images of what an action changed, enough to restore it exactly. */
export interface UndoPayload {
  /** Identity rows as they were (null = the action created it). */
  identities: { id: string; before: IdentityRow | null }[];
  /** Contact `mergedInto` values as they were. */
  contacts: { id: string; mergedInto: string | null }[];
}

export interface AuditRow {
  id?: number;
  at: number;
  action: AuditAction;
  contactId: string;
  details: Record<string, unknown>;
  undo: UndoPayload | null;
  /** Set on the original row when it has been undone. */
  undoneAt?: number;
}

export type SuppressionKind = 'email' | 'phone' | 'userId' | 'visitor' | 'message';

/** An erased identifier, kept only as SHA-256 of `kind:value`, so replays cannot bring it back. */
export interface SuppressionRow {
  hash: string;
  kind: SuppressionKind;
  createdAt: number;
}

export interface MetaRow {
  key: string;
  value: unknown;
}
