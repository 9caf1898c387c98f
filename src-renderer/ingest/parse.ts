// Parses one journal record for ingest, outside the transaction: event time, identifiers
// normalised, and the identifiers an erasure may have suppressed listed (hashed per batch, in main).
import type { IdentifierToHash } from '../../src-main/shared/erasure';
import type {
  EmailOpenProperties,
  JournalRecord,
  LinkClickProperties,
  TrackedEvent,
  UnsubscribeProperties,
} from '../../src-main/shared/events';
import { isJunkIdentifier, normalizeEmail, normalizePhone, normalizeUserId } from '../stitching/identifiers';
import type { IngestSettings } from './batch';
import { isBotUserAgent } from './bots';

/** Event time as Segment computes it: receivedAt corrected for client clock skew when possible. */
export function eventTime(record: JournalRecord): number {
  const received = Date.parse(record.receivedAt);
  const sent = record.event.sentAt ? Date.parse(record.event.sentAt) : Number.NaN;
  const stamped = record.event.timestamp ? Date.parse(record.event.timestamp) : Number.NaN;
  if (Number.isFinite(received) && Number.isFinite(sent) && Number.isFinite(stamped)) {
    return received - (sent - stamped);
  }
  if (Number.isFinite(stamped)) return stamped;
  return Number.isFinite(received) ? received : 0;
}

/** One record, parsed outside the transaction (pure CPU and hashing, which IndexedDB cannot wait for). */
export interface Parsed {
  record: JournalRecord;
  event: TrackedEvent;
  time: number;
  visitorId?: string;
  userId?: string;
  email?: string;
  phone?: string;
  /** Click token a page view presented. */
  presentedToken?: string;
  click?: LinkClickProperties;
  /** A recipient's one-click unsubscribe (`POST /u/<token>`). */
  unsubscribe?: UnsubscribeProperties;
  /** An email's open pixel was fetched (by the recipient's mail app, or a proxy: unreliable). */
  emailOpen?: EmailOpenProperties;
  /** Truncated IP the collector recorded (evidence: same network as a known browser). */
  ip?: string;
  bot: boolean;
  /** Identifiers whose suppression drops the whole event (visitor, userId, message). */
  dropIf: IdentifierToHash[];
  /** An erased person's email or phone was taken out of this event. */
  erasedTraits?: boolean;
}

export const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value ? value : undefined;

export function parseRecord(record: JournalRecord, settings: IngestSettings): Parsed {
  const { event } = record;
  const userAgent = event.context?.userAgent;
  const parsed: Parsed = {
    record,
    event,
    time: eventTime(record),
    bot: userAgent ? isBotUserAgent(userAgent) : false,
    dropIf: [],
  };
  const ip = event.context?.ip;
  if (typeof ip === 'string' && ip) parsed.ip = ip;
  // Segment's alias says `previousId` (the browser's anonymous id) is the user `userId`: it is
  // that browser's event, and links it as an identify call would.
  const browserId =
    event.type === 'alias' && event.previousId && !isJunkIdentifier(event.previousId)
      ? event.previousId
      : event.anonymousId;
  if (browserId && !isJunkIdentifier(browserId)) {
    parsed.visitorId = browserId;
    parsed.dropIf.push({ kind: 'visitor', value: browserId });
  }
  if (event.type === 'link_click' || event.type === 'link_preview') {
    const props = event.properties as LinkClickProperties | undefined;
    if (props?.recipientMessageId) {
      parsed.click = props;
      parsed.dropIf.push({ kind: 'message', value: props.recipientMessageId });
    }
  }
  if (event.type === 'email_open') {
    const props = event.properties as EmailOpenProperties | undefined;
    if (props?.recipientMessageId) {
      parsed.emailOpen = props;
      parsed.dropIf.push({ kind: 'message', value: props.recipientMessageId });
    }
  }
  if (event.type === 'email_unsubscribe') {
    const props = event.properties as UnsubscribeProperties | undefined;
    if (props?.recipientMessageId) {
      parsed.unsubscribe = props;
      parsed.dropIf.push({ kind: 'message', value: props.recipientMessageId });
    }
  }
  if (event.type === 'page' && event.context?.clickToken) parsed.presentedToken = event.context.clickToken;
  const traits = event.traits ?? {};
  const userId = normalizeUserId(event.userId ?? traits.userId);
  if (userId) {
    parsed.userId = userId;
    parsed.dropIf.push({ kind: 'userId', value: userId });
  }
  if (event.type === 'form_submit' || event.type === 'identify') {
    const email = normalizeEmail(traits.email);
    const phone = normalizePhone(traits.phone, settings.defaultCountry);
    if (email) parsed.email = email;
    if (phone) parsed.phone = phone;
  }
  return parsed;
}

/** Every identifier an erasure may have suppressed in a record: those that drop it, its email, its phone. */
export function identifiersOf(p: Parsed): IdentifierToHash[] {
  const found = [...p.dropIf];
  if (p.email) found.push({ kind: 'email', value: p.email });
  if (p.phone) found.push({ kind: 'phone', value: p.phone });
  return found;
}
