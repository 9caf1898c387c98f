// Row types of the stitched store (Dexie tables). Times are epoch milliseconds throughout.
// Stitching is modelled as identity rows with validity intervals; event rows are never rewritten.
import type { Channel, ClickSource } from '../../src-main/shared/channels';
import type { IdentifierKind } from '../../src-main/shared/erasure';
import type { EventSource, EventType } from '../../src-main/shared/events';
import type { CampaignSchedule } from '../../src-main/shared/scheduling';
import type { GoalDefinition } from '../goals/model';
import type { SegmentGroup } from '../segments/model';
import type { Evidence, TapFact } from '../stitching/evidence';

export type { Channel };

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
  /** The email address was refused for good (an SMTP 5xx, a hard bounce): not emailed again. */
  emailBounce?: EmailBounce;
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

export interface EmailBounce {
  at: number;
  /** The server's answer, e.g. "Hard bounce, SMTP 550: 5.1.1 No such user". */
  reason: string;
  /** The address that bounced: a new address clears the flag. */
  address: string;
  campaignId?: string;
}

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
export type LinkSource = ClickSource | 'form' | 'identify' | 'manual' | 'import';
export type LinkFlag = 'sharedDevice' | 'forwarded' | 'confirmed';

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
  /** Automatic click links: how sure the engine is, and why (src-renderer/stitching/evidence.ts). */
  confidence?: number;
  evidence?: Evidence[];
  /** The link this one closed when it opened (a shared device), reopened if this one is demoted. */
  closedLinkId?: string;
}

/**
 * A live visitor link (`kind: 'visitor'`, not revoked) reduced to what a segment count needs: the
 * browser, its contact and the span. Derived from `identities` by `spanOf` (db/link-spans.ts) and
 * written beside every link write, so one read maps any number of browsers to their contacts.
 */
export interface LinkSpanRow {
  /** The link's id in `identities`. */
  id: string;
  visitorId: string;
  contactId: string;
  from: number;
  to: number | null;
}

/**
 * A click link the evidence does not support (yet): a second browser on a forwarded message, a
 * desktop on an SMS link… Kept apart from `identities`, so timelines, stats, audiences and reports
 * never see it, until new evidence promotes it or the marketer confirms it.
 */
export interface TentativeLinkRow {
  /** The id the link has (or would have) in `identities`. */
  id: string;
  visitorId: string;
  contactId: string;
  messageId: string;
  campaignId: string;
  /** The link_click whose token the browser presented. */
  causeEventId: string;
  /** Click time. */
  at: number;
  confidence: number;
  evidence: Evidence[];
  /** `rejected`: the marketer said it is not this contact's; never promoted automatically. */
  status: 'tentative' | 'confirmed' | 'rejected';
  decidedAt?: number;
  updatedAt: number;
}

/** A network a browser was on, and how many separate times it was seen arriving there. */
export interface NetworkSeen {
  /** Truncated IP (a /24 or /48). */
  ip: string;
  seen: number;
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
  /**
   * Networks (truncated IPs) it was seen on, most recent last, at most 8: evidence for its links.
   * When full, the network it came back to least often leaves first, so a phone whose carrier hands
   * it a new address every few minutes still remembers home.
   */
  networks?: NetworkSeen[];
  /** Messages whose click tokens it presented (at most 50), re-scored when its evidence changes. */
  tapped?: string[];
  /** Kinds of identifier it submitted that match no contact: someone else, if the recipient has one on record. */
  unknownIdentifiers?: ('email' | 'phone' | 'userId')[];
  /** 1 while an open, unrevoked link points to a contact (IndexedDB cannot index booleans). */
  stitched: 0 | 1;
  bot: boolean;
  /** The latest click token this browser presented that did not link it, and why. */
  tokenRefused?: { reason: 'reused' | 'expired'; at: number; campaignId?: string };
}

export type TokenUse = 'claimed' | 'reused' | 'expired';

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
  /**
   * On a page view presenting a click token (rule 1): `claimed` by the first browser to present it in
   * time (only that one may link by it), `reused` by another browser, `expired` after the setting.
   */
  tokenUse?: TokenUse;
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
  email?: EmailSettings;
  preparedAt?: number;
  sentAt?: number;
  /** Set when the last Prepare resolved a saved segment. */
  audienceSnapshot?: AudienceSnapshot;
  /** The schedule last handed to the outbox (send time, quiet hours in each recipient's zone). */
  schedule?: CampaignSchedule;
  /** Recipients and SMS segments at the last Prepare. */
  recipients?: number;
  segments?: number;
  [field: string]: unknown;
}

export type CampaignAudience =
  | { kind: 'all' }
  | { kind: 'tag'; tag: string }
  | { kind: 'list'; list: string }
  /** A saved segment, resolved (and frozen into the messages) at Prepare. */
  | { kind: 'segment'; segmentId: string }
  /** Conditions built in the campaign itself (not saved as a segment), resolved likewise at Prepare. */
  | { kind: 'conditions'; definition: SegmentGroup };

/** Which segment a Prepare resolved, and when: the report says who the messages went to. */
export interface AudienceSnapshot {
  /** null: the campaign's own conditions (`segmentName` then says "custom conditions"). */
  segmentId: string | null;
  segmentName: string;
  resolvedAt: number;
  /** Contacts in the segment at that moment (before consent and number checks). */
  matched: number;
}

/** A saved segment: dynamic, resolved again whenever it is counted or a campaign is prepared. */
export interface SegmentRow {
  id: string;
  name: string;
  definition: SegmentGroup;
  createdAt: number;
  updatedAt: number;
}

/** A conversion goal (see src-renderer/goals/model.ts). */
export type GoalRow = GoalDefinition & {
  id: string;
  name: string;
  createdAt: number;
};

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

export interface EmailSettings {
  /** May hold merge fields; no tracked links (a subject is not clickable). */
  subject: string;
  /** The preview line inboxes show after the subject (hidden in the body). */
  preheader?: string;
  /** The HTML part: merge fields (values HTML-escaped) and plain URLs, tracked ones swapped per recipient. */
  html: string;
  /** The plain-text part, with the same merge fields and links. */
  text: string;
  /**
   * Off by default. A 1×1 image per recipient reports "opens" — unreliable: Apple Mail Privacy
   * Protection and image proxies fetch every image, and many apps block images.
   */
  openTracking?: boolean;
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
  /** Recipient address in E.164 (WhatsApp without the `whatsapp:` prefix), or an email address. */
  to?: string;
  /** The exact text the recipient gets (session/SMS), or the rendered template body. */
  text?: string;
  /** WhatsApp template: the value of each `{{n}}`, by position. */
  templateVariables?: string[];
  /**
   * Email: the subject, the HTML body and preheader as filled in for the recipient (the document,
   * pixel and footer around them are rebuilt by `campaigns/email.ts` `storedEmailHtml`, so 10,000
   * rows do not each store the same markup), and the one-click unsubscribe URL. `text` is the
   * plain-text part.
   */
  subject?: string;
  htmlBody?: string;
  preheader?: string;
  unsubscribeUrl?: string;
  /** Email with open tracking: the recipient's open pixel (`<link base>/o/<token>.gif`). */
  openUrl?: string;
  /**
   * `scheduled`: handed to the main-process outbox, waiting for its send time; `unknown`: the send
   * was interrupted (a crash, a lost connection) and may or may not have gone out.
   */
  status: 'pending' | 'prepared' | 'scheduled' | 'sent' | 'failed' | 'unknown';
  sentAt?: number;
  /** Outbox: when it is planned to go out (quiet hours in the recipient's zone applied). */
  scheduledAt?: number;
  /** Outbox: the `seq` of the last outcome applied, so an older one never overwrites a newer one. */
  outboxSeq?: number;
  /** Provider's message id and last known status (`queued`, `delivered`, `undelivered`…). */
  providerId?: string;
  providerStatus?: string;
  /** The provider's error code for an undelivered/failed message (Twilio `ErrorCode`, e.g. 30003). */
  providerErrorCode?: number;
  error?: string;
  /** Each distinct browser's first presentation of this message's click tokens, in time order. */
  taps?: (TapFact & { clickEventId: string; sessionStart?: number })[];
  /** A chat app previewed the link (an SMS link pasted into a chat): evidence it was forwarded. */
  /** The first chat preview: when, by which app, and from which network (truncated IP). */
  foreignPreview?: { at: number; agent: string; network?: string };
  /** Opened by more than one browser, or previewed in a chat: its links are weighed as forwarded. */
  forwarded?: boolean;
  forwardedAt?: number;
}

export type AuditAction = 'stitch' | 'unstitch' | 'merge' | 'undo' | 'erase' | 'confirm' | 'reject';

/** Before-images of what an action changed, enough to restore it exactly. */
export interface UndoPayload {
  /** Identity rows as they were (null = the action created it). */
  identities: { id: string; before: IdentityRow | null }[];
  /** Contact `mergedInto` values as they were. */
  contacts: { id: string; mergedInto: string | null }[];
  /** Tentative links as they were (a confirm or reject changes their status). */
  tentative?: { id: string; before: TentativeLinkRow }[];
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

export type SuppressionKind = IdentifierKind;

/** An erased identifier, kept only as a keyed hash of `kind:value`, so replays cannot bring it back. */
export interface SuppressionRow {
  hash: string;
  kind: SuppressionKind;
  createdAt: number;
  /** `hmac-sha256` (keyed by the main process); absent on older rows: plain SHA-256, still honoured. */
  scheme?: 'hmac-sha256';
}

export interface MetaRow {
  key: string;
  value: unknown;
}
