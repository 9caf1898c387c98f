// Applies one batch of journal records to the store in a single Dexie transaction that also
// records the new offset: exactly-once, idempotent on messageId, skipping already-applied offsets.
// Reads are prefetched per batch (bulkGet/anyOf) and writes are bulk, so cost per event stays small.

import Dexie from 'dexie';
import type { IdentifierToHash } from '../../src-main/shared/erasure';
import type { JournalRecord, LinkClickProperties, TrackedEvent } from '../../src-main/shared/events';
import type { Settings } from '../../src-main/shared/settings';
import { appliedOffset, appliedOffsetRow, type StitchDb } from '../db';
import { newContact } from '../db/contacts';
import { computeContactStats, emptyStats } from '../db/stats';
import type {
  CampaignRow,
  ContactRow,
  ContactStats,
  EventRow,
  IdentityRow,
  MessageRow,
  SessionRow,
  VisitorRow,
} from '../db/types';
import { describeDevice } from '../stitching/device';
import {
  type CountryCode,
  isJunkIdentifier,
  normalizeEmail,
  normalizePhone,
  normalizeUserId,
} from '../stitching/identifiers';
import {
  countTokenVisitor,
  judgeTokenPresentation,
  type LinkRequest,
  linkAt,
  linkVisitor,
  openLinkOf,
} from '../stitching/rules';
import { hashIdentifiers, hasLegacySuppressions, legacyHash } from '../stitching/suppression';
import { isBotUserAgent } from './bots';

export interface IngestSettings {
  stitching: Settings['stitching'];
  /** Country for phone numbers written without `+` (default US). */
  defaultCountry?: CountryCode;
}

export interface IngestResult {
  /** The store's applied offset after the batch. */
  appliedOffset: number;
  /** Events written. */
  stored: number;
  /** Records skipped: already applied, duplicate messageId, or suppressed by an erasure. */
  skipped: number;
  /**
   * Offsets of records that named an erased person (dropped, or stored without her email/phone):
   * new copies of her events, which the journal should redact as well.
   */
  erasedOffsets: number[];
}

/** Inactivity that ends a session (by event time). */
export const SESSION_GAP_MS = 30 * 60 * 1000;

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
interface Parsed {
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
  bot: boolean;
  /** Identifiers whose suppression drops the whole event (visitor, userId, message). */
  dropIf: IdentifierToHash[];
  /** An erased person's email or phone was taken out of this event. */
  erasedTraits?: boolean;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);

function parseRecord(record: JournalRecord, settings: IngestSettings): Parsed {
  const { event } = record;
  const userAgent = event.context?.userAgent;
  const parsed: Parsed = {
    record,
    event,
    time: eventTime(record),
    bot: userAgent ? isBotUserAgent(userAgent) : false,
    dropIf: [],
  };
  if (event.anonymousId && !isJunkIdentifier(event.anonymousId)) {
    parsed.visitorId = event.anonymousId;
    parsed.dropIf.push({ kind: 'visitor', value: event.anonymousId });
  }
  if (event.type === 'link_click' || event.type === 'link_preview') {
    const props = event.properties as LinkClickProperties | undefined;
    if (props?.recipientMessageId) {
      parsed.click = props;
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
function identifiersOf(p: Parsed): IdentifierToHash[] {
  const found = [...p.dropIf];
  if (p.email) found.push({ kind: 'email', value: p.email });
  if (p.phone) found.push({ kind: 'phone', value: p.phone });
  return found;
}

const identifierKey = ({ kind, value }: IdentifierToHash): string => `${kind}:${value}`;

/** Keyed hashes of a batch's identifiers, fetched in one call; undefined when nothing is erased. */
type BatchHashes = Map<string, { id: IdentifierToHash; hash: string }> | undefined;

async function hashBatch(parsed: readonly Parsed[]): Promise<NonNullable<BatchHashes>> {
  const ids = [...new Map(parsed.flatMap(identifiersOf).map((id) => [identifierKey(id), id])).values()];
  const hashes = await hashIdentifiers(ids);
  return new Map(ids.map((id, i) => [identifierKey(id), { id, hash: hashes[i] ?? '' }]));
}

/** Thrown inside the transaction when an erasure landed after the batch was hashed without need. */
class HashesNeeded extends Error {}

/** Everything one batch reads, loaded up front, plus what it changes. */
class BatchState {
  readonly visitors = new Map<string, VisitorRow>();
  readonly sessions = new Map<string, SessionRow>();
  readonly linksByVisitor = new Map<string, IdentityRow[]>();
  readonly clicksByToken = new Map<string, EventRow>();
  /** Click token → the visitor that claimed it (the first to present it in time). */
  readonly tokenClaims = new Map<string, string>();
  readonly messages = new Map<string, MessageRow>();
  readonly campaigns = new Map<string, CampaignRow>();
  readonly contacts = new Map<string, ContactRow>();
  readonly contactByEmail = new Map<string, ContactRow>();
  readonly contactByPhone = new Map<string, ContactRow>();
  readonly contactByUserId = new Map<string, ContactRow>();

  readonly newEvents: EventRow[] = [];
  readonly dirtyVisitors = new Set<string>();
  readonly dirtySessions = new Set<string>();
  readonly dirtyLinks = new Map<string, IdentityRow>();
  readonly dirtyMessages = new Set<string>();
  readonly newContacts: ContactRow[] = [];
  /** Contacts (roots) whose links changed: stats recomputed from the interval model after writing. */
  readonly recompute = new Set<string>();
  /** Contacts (roots) whose stats only grew by this batch's events. */
  readonly deltas = new Map<string, ContactStats>();

  rootOf = (contactId: string): string => {
    let id = contactId;
    for (let hops = 0; hops < 32; hops++) {
      const next = this.contacts.get(id)?.mergedInto;
      if (!next) return id;
      id = next;
    }
    return id;
  };

  delta(contactId: string): ContactStats {
    const root = this.rootOf(contactId);
    let delta = this.deltas.get(root);
    if (!delta) {
      delta = emptyStats();
      this.deltas.set(root, delta);
    }
    return delta;
  }

  rememberContact(contact: ContactRow): void {
    this.contacts.set(contact.id, contact);
    if (contact.email) this.contactByEmail.set(contact.email, contact);
    if (contact.phone) this.contactByPhone.set(contact.phone, contact);
    if (contact.whatsapp && !this.contactByPhone.has(contact.whatsapp)) {
      this.contactByPhone.set(contact.whatsapp, contact);
    }
    if (contact.userId) this.contactByUserId.set(contact.userId, contact);
  }
}

const unique = <T>(values: Iterable<T | undefined>): T[] => [
  ...new Set([...values].filter((v): v is T => v !== undefined)),
];

/** Applies `records` (in offset order) and records the new offset, all in one transaction. */
export async function ingestBatch(
  db: StitchDb,
  records: readonly JournalRecord[],
  settings: IngestSettings,
): Promise<IngestResult> {
  if (records.length === 0) {
    return { appliedOffset: await appliedOffset(db), stored: 0, skipped: 0, erasedOffsets: [] };
  }
  // Redaction records (an erasure in the journal) hold nothing to apply; only their offset counts.
  const parsed = records.filter((r) => r.event.type !== 'redacted').map((r) => parseRecord(r, settings));
  // Most workspaces never erase anyone: then nothing is hashed and the main process is not asked.
  let hashes: BatchHashes = (await db.suppressions.count()) > 0 ? await hashBatch(parsed) : undefined;
  for (let attempt = 0; ; attempt++) {
    try {
      try {
        // Optimistic: events are added without first looking each messageId up.
        return await applyBatch(db, records, parsed, settings, hashes, false);
      } catch (error) {
        // A messageId already stored (an event re-sent under a new offset) fails the whole transaction,
        // which leaves nothing behind; the batch is then applied again, skipping known ids.
        if (!isDuplicateKey(error)) throw error;
        return await applyBatch(db, records, parsed, settings, hashes, true);
      }
    } catch (error) {
      if (!(error instanceof HashesNeeded) || attempt > 0) throw error;
      hashes = await hashBatch(parsed);
    }
  }
}

function isDuplicateKey(error: unknown): boolean {
  if (error instanceof Dexie.BulkError) return error.failures.some((f) => f.name === 'ConstraintError');
  return error instanceof Dexie.ConstraintError;
}

async function applyBatch(
  db: StitchDb,
  records: readonly JournalRecord[],
  parsed: Parsed[],
  settings: IngestSettings,
  hashes: BatchHashes,
  checkExisting: boolean,
): Promise<IngestResult> {
  const lastOffset = records.reduce((max, r) => Math.max(max, r.offset), -1);
  return db.transaction(
    'rw',
    [
      db.events,
      db.visitors,
      db.sessions,
      db.identities,
      db.contacts,
      db.messages,
      db.campaigns,
      db.meta,
      db.suppressions,
    ],
    async () => {
      const applied = await appliedOffset(db);
      const fresh = parsed.filter((p) => p.record.offset > applied);
      if (fresh.length === 0) {
        // Nothing to apply (all seen, or all redaction records): the offset still moves past them.
        if (lastOffset <= applied) {
          return { appliedOffset: applied, stored: 0, skipped: records.length, erasedOffsets: [] };
        }
        await db.meta.put(appliedOffsetRow(lastOffset));
        return { appliedOffset: lastOffset, stored: 0, skipped: records.length, erasedOffsets: [] };
      }

      if (!hashes && (await db.suppressions.count()) > 0) throw new HashesNeeded();
      const isErased = await erasedCheck(db, hashes);
      // Point lookups issued together, not an anyOf cursor: IndexedDB pipelines parallel gets,
      // while a cursor pays one round trip per key.
      const existing = checkExisting ? await db.events.bulkGet(fresh.map((p) => p.event.messageId)) : [];
      const seenIds = new Set(existing.flatMap((row) => (row ? [row.id] : [])));
      const keep: Parsed[] = [];
      const erasedOffsets: number[] = [];
      for (const p of fresh) {
        if (seenIds.has(p.event.messageId)) continue;
        seenIds.add(p.event.messageId);
        if (p.dropIf.some(isErased)) {
          erasedOffsets.push(p.record.offset);
          continue;
        }
        // An erased person's email or phone is neither stored nor used to link or create anyone.
        if (p.email && isErased({ kind: 'email', value: p.email })) {
          delete p.email;
          p.erasedTraits = true;
        }
        if (p.phone && isErased({ kind: 'phone', value: p.phone })) {
          delete p.phone;
          p.erasedTraits = true;
        }
        if (p.erasedTraits) erasedOffsets.push(p.record.offset);
        keep.push(p);
      }

      const state = new BatchState();
      await prefetch(db, state, keep);
      for (const p of keep) applyEvent(state, p, settings);
      await writeBatch(db, state);
      await db.meta.put(appliedOffsetRow(lastOffset));
      return {
        appliedOffset: lastOffset,
        stored: state.newEvents.length,
        skipped: records.length - keep.length,
        erasedOffsets,
      };
    },
  );
}

/**
 * Reads, inside the batch's transaction, which of the batch's identifiers are erased: by keyed hash,
 * and by the plain SHA-256 of rows written before hashes were keyed while any of those remain.
 */
async function erasedCheck(db: StitchDb, hashes: BatchHashes): Promise<(id: IdentifierToHash) => boolean> {
  if (!hashes || hashes.size === 0) return () => false;
  const legacy = await hasLegacySuppressions(db);
  const candidates = (id: IdentifierToHash): string[] => {
    const keyed = hashes.get(identifierKey(id))?.hash ?? '';
    return legacy ? [keyed, legacyHash(id.kind, id.value)] : [keyed];
  };
  const all = unique([...hashes.values()].flatMap(({ id }) => candidates(id)));
  const rows = await db.suppressions.bulkGet(all);
  const suppressed = new Set(rows.flatMap((row) => (row ? [row.hash] : [])));
  return (id) => candidates(id).some((hash) => suppressed.has(hash));
}

async function prefetch(db: StitchDb, state: BatchState, batch: Parsed[]): Promise<void> {
  const visitorIds = unique(batch.map((p) => p.visitorId));
  const batchTokens = new Set(batch.map((p) => p.click?.clickToken));
  const tokens = unique(batch.map((p) => p.presentedToken)).filter((t) => !batchTokens.has(t));
  const emails = unique(batch.map((p) => p.email));
  const phones = unique(batch.map((p) => p.phone));
  const userIds = unique(batch.map((p) => p.userId));
  // Contacts a form may already have created (a replay into a rebuilt store finds them again).
  const formContactIds = batch.flatMap((p) =>
    p.event.type === 'form_submit' || p.event.type === 'identify' ? [formContactId(p)] : [],
  );

  const [visitors, links, clicks, byEmail, byPhone, byWhatsapp, byUserId, formContacts] = await Promise.all([
    db.visitors.bulkGet(visitorIds),
    Promise.all(
      visitorIds.map((id) => db.identities.where('[kind+value]').equals(['visitor', id]).toArray()),
    ).then((perVisitor) => perVisitor.flat()),
    tokens.length ? db.events.where('clickToken').anyOf(tokens).toArray() : Promise.resolve([]),
    emails.length ? db.contacts.where('email').anyOf(emails).toArray() : Promise.resolve([]),
    phones.length ? db.contacts.where('phone').anyOf(phones).toArray() : Promise.resolve([]),
    phones.length ? db.contacts.where('whatsapp').anyOf(phones).toArray() : Promise.resolve([]),
    userIds.length ? db.contacts.where('userId').anyOf(userIds).toArray() : Promise.resolve([]),
    db.contacts.bulkGet(formContactIds),
  ]);
  for (const visitor of visitors) if (visitor) state.visitors.set(visitor.id, visitor);
  for (const link of links) {
    const list = state.linksByVisitor.get(link.value) ?? [];
    list.push(link);
    state.linksByVisitor.set(link.value, list);
  }
  for (const row of clicks) {
    if (!row.clickToken) continue;
    if (row.type === 'link_click') state.clicksByToken.set(row.clickToken, row);
    else if (row.tokenUse === 'claimed' && row.visitorId)
      state.tokenClaims.set(row.clickToken, row.visitorId);
  }
  for (const contact of [...byUserId, ...byEmail, ...byPhone, ...byWhatsapp]) state.rememberContact(contact);
  for (const contact of formContacts) if (contact) state.contacts.set(contact.id, contact);

  const sessionIds = unique(visitors.map((v) => v?.lastSessionId));
  const messageIds = unique([
    ...batch.map((p) => p.click?.recipientMessageId),
    ...clicks.map((c) => c.recipientMessageId),
  ]);
  const [sessions, messages] = await Promise.all([
    db.sessions.bulkGet(sessionIds),
    db.messages.bulkGet(messageIds),
  ]);
  for (const session of sessions) if (session) state.sessions.set(session.id, session);
  for (const message of messages) if (message) state.messages.set(message.id, message);

  const campaignIds = unique([...state.messages.values()].map((m) => m.campaignId));
  const campaigns = await db.campaigns.bulkGet(campaignIds);
  for (const campaign of campaigns) if (campaign) state.campaigns.set(campaign.id, campaign);

  // Contacts behind links and messages, then the contacts they were merged into.
  let wanted = unique([
    ...links.map((l) => l.contactId),
    ...[...state.messages.values()].map((m) => m.contactId),
  ]);
  for (let round = 0; wanted.length > 0 && round < 32; round++) {
    const rows = await db.contacts.bulkGet(wanted.filter((id) => !state.contacts.has(id)));
    for (const row of rows) if (row) state.rememberContact(row);
    wanted = unique(rows.map((row) => row?.mergedInto)).filter((id) => !state.contacts.has(id));
  }
}

function applyEvent(state: BatchState, p: Parsed, settings: IngestSettings): void {
  const { event, record } = p;
  const page = event.context?.page;
  const row: EventRow = {
    id: event.messageId,
    offset: record.offset,
    type: event.type,
    timestamp: p.time,
    receivedAt: Date.parse(record.receivedAt) || p.time,
    source: record.source,
  };
  if (record.siteId) row.siteId = record.siteId;
  if (event.event) row.name = event.event;
  if (p.userId) row.userId = p.userId;
  if (page?.url) row.url = page.url;
  if (page?.path) row.path = page.path;
  if (page?.title) row.title = page.title;
  if (page?.referrer) row.referrer = page.referrer;
  if (event.context?.userAgent) row.userAgent = event.context.userAgent;
  if (event.properties) row.properties = event.properties;
  if (event.traits) row.traits = storedTraits(event.traits, p);
  if (p.bot) row.bot = true;
  if (p.presentedToken) row.clickToken = p.presentedToken;

  let visitor: VisitorRow | undefined;
  let session: SessionRow | undefined;
  if (p.visitorId) {
    visitor = touchVisitor(state, p, row);
    const placed = placeInSession(state, visitor, p, row);
    session = placed.session;
    row.visitorId = visitor.id;
    row.sessionId = session.id;
    const link = p.bot ? undefined : linkAt(state.linksByVisitor.get(visitor.id), p.time);
    if (link) {
      const delta = state.delta(link.contactId);
      delta.lastSeen = Math.max(delta.lastSeen, p.time);
      if (event.type === 'page') delta.pageViews += 1;
      if (placed.isNew) delta.sessions += 1;
    }
  }

  if (p.click) {
    const message = state.messages.get(p.click.recipientMessageId);
    row.campaignId = p.click.campaignId;
    row.recipientMessageId = p.click.recipientMessageId;
    const channel = state.campaigns.get(p.click.campaignId)?.channel ?? message?.channel;
    if (channel) row.channel = channel;
    if (event.type === 'link_click') {
      const token = str(p.click.clickToken);
      if (token) {
        row.clickToken = token;
        state.clicksByToken.set(token, row);
      }
      // A click is the contact's own event; a preview or a crawler's fetch is not theirs.
      if (!p.bot && message && state.contacts.has(message.contactId)) {
        row.contactId = message.contactId;
        const delta = state.delta(message.contactId);
        delta.clicks += 1;
        delta.lastSeen = Math.max(delta.lastSeen, p.time);
      }
    }
  }
  state.newEvents.push(row);

  if (p.bot || !visitor || !session) return;
  if (p.presentedToken) stitchByClickToken(state, p, row, visitor, session, settings);
  if (event.type === 'form_submit' || event.type === 'identify') {
    stitchByIdentity(state, p, visitor, session, settings);
  }
}

/** Traits as stored: an erased (suppressed) email or phone is not kept. */
function storedTraits(traits: Record<string, unknown>, p: Parsed): Record<string, unknown> {
  const kept = { ...traits };
  if (p.erasedTraits && !p.email) delete kept.email;
  if (p.erasedTraits && !p.phone) delete kept.phone;
  return kept;
}

function touchVisitor(state: BatchState, p: Parsed, row: EventRow): VisitorRow {
  const id = p.visitorId as string;
  let visitor = state.visitors.get(id);
  if (!visitor) {
    visitor = {
      id,
      firstSeen: p.time,
      lastSeen: p.time,
      events: 0,
      pageViews: 0,
      sessions: 0,
      device: 'unknown',
      stitched: openLinkOf(state.linksByVisitor.get(id)) ? 1 : 0,
      bot: p.bot,
    };
    if (row.siteId) visitor.siteId = row.siteId;
    state.visitors.set(id, visitor);
  }
  visitor.firstSeen = Math.min(visitor.firstSeen, p.time);
  visitor.lastSeen = Math.max(visitor.lastSeen, p.time);
  visitor.events += 1;
  if (p.event.type === 'page') visitor.pageViews += 1;
  if (p.bot) visitor.bot = true;
  if (row.userAgent && row.userAgent !== visitor.userAgent) {
    const device = describeDevice(row.userAgent);
    visitor.userAgent = row.userAgent;
    visitor.device = device.device;
    if (device.browser) visitor.browser = device.browser;
    if (device.os) visitor.os = device.os;
  }
  state.dirtyVisitors.add(id);
  return visitor;
}

/** Extends the visitor's latest session when the event is within 30 minutes of it; else opens one. */
function placeInSession(
  state: BatchState,
  visitor: VisitorRow,
  p: Parsed,
  row: EventRow,
): { session: SessionRow; isNew: boolean } {
  const latest = visitor.lastSessionId ? state.sessions.get(visitor.lastSessionId) : undefined;
  const isPage = p.event.type === 'page';
  if (latest && p.time >= latest.start - SESSION_GAP_MS && p.time <= latest.end + SESSION_GAP_MS) {
    latest.start = Math.min(latest.start, p.time);
    latest.end = Math.max(latest.end, p.time);
    latest.events += 1;
    if (isPage) latest.pageViews += 1;
    state.dirtySessions.add(latest.id);
    return { session: latest, isNew: false };
  }
  const session: SessionRow = {
    id: `session:${visitor.id}:${row.id}`,
    visitorId: visitor.id,
    start: p.time,
    end: p.time,
    events: 1,
    pageViews: isPage ? 1 : 0,
  };
  if (row.siteId) session.siteId = row.siteId;
  if (row.path) session.landingPath = row.path;
  if (row.referrer) session.referrer = row.referrer;
  state.sessions.set(session.id, session);
  state.dirtySessions.add(session.id);
  visitor.sessions += 1;
  if (!latest || p.time > latest.end) visitor.lastSessionId = session.id;
  return { session, isNew: true };
}

/**
 * Rule 1 (+3, 4): a page view presenting a click token links its visitor to the message's contact,
 * if the token is still this visitor's to use (one-time, unexpired).
 */
function stitchByClickToken(
  state: BatchState,
  p: Parsed,
  row: EventRow,
  visitor: VisitorRow,
  session: SessionRow,
  settings: IngestSettings,
): void {
  const token = p.presentedToken as string;
  const click = state.clicksByToken.get(token);
  const message = click?.recipientMessageId ? state.messages.get(click.recipientMessageId) : undefined;
  if (!click || !message || !state.contacts.has(message.contactId)) return;
  if (!tokenStillUsable(state, token, row, visitor, click, message, settings)) return;
  const verdict = countTokenVisitor(message, visitor.id, settings.stitching.forwardThreshold, p.time);
  state.dirtyMessages.add(message.id);
  if (verdict !== 'link') return;
  const channel = state.campaigns.get(message.campaignId)?.channel ?? message.channel;
  applyLink(state, settings, {
    visitor,
    contactId: message.contactId,
    at: Math.min(click.timestamp, p.time),
    sessionStart: session.start,
    source: channel === 'whatsapp' ? 'whatsapp_click' : 'sms_click',
    causeEventId: click.id,
    campaignId: message.campaignId,
    messageId: message.id,
  });
}

/** Records how a presentation of `token` was judged; false when it may not link (reused, expired). */
function tokenStillUsable(
  state: BatchState,
  token: string,
  row: EventRow,
  visitor: VisitorRow,
  click: EventRow,
  message: MessageRow,
  settings: IngestSettings,
): boolean {
  const use = judgeTokenPresentation(
    state.tokenClaims.get(token),
    visitor.id,
    click.timestamp,
    row.timestamp,
    settings.stitching.clickTokenTtlHours,
  );
  if (use === 'again') return true;
  if (use === 'claim') {
    state.tokenClaims.set(token, visitor.id);
    row.tokenUse = 'claimed';
    return true;
  }
  row.tokenUse = use;
  visitor.tokenRefused = { reason: use, at: row.timestamp, campaignId: message.campaignId };
  state.dirtyVisitors.add(visitor.id);
  return false;
}

/** Rule 2: a form or identify call naming a known email/phone/userId links the visitor. */
function stitchByIdentity(
  state: BatchState,
  p: Parsed,
  visitor: VisitorRow,
  session: SessionRow,
  settings: IngestSettings,
): void {
  if (!p.email && !p.phone && !p.userId) return;
  let contact =
    (p.userId ? state.contactByUserId.get(p.userId) : undefined) ??
    (p.email ? state.contactByEmail.get(p.email) : undefined) ??
    (p.phone ? state.contactByPhone.get(p.phone) : undefined) ??
    state.contacts.get(formContactId(p));
  if (!contact) {
    if (!settings.stitching.createContactsFromForms) return;
    const input: Parameters<typeof newContact>[0] = { id: formContactId(p) };
    if (p.email) input.email = p.email;
    if (p.phone) input.phone = p.phone;
    if (p.userId) input.userId = p.userId;
    contact = newContact(input, p.time);
    state.rememberContact(contact);
    state.newContacts.push(contact);
  }
  applyLink(state, settings, {
    visitor,
    contactId: contact.id,
    at: p.time,
    sessionStart: session.start,
    source: p.event.type === 'form_submit' ? 'form' : 'identify',
    causeEventId: p.event.messageId,
  });
}

/** Deterministic, so replaying the journal never creates the same person twice. */
const formContactId = (p: Parsed): string => `contact:${p.event.messageId}`;

function applyLink(state: BatchState, settings: IngestSettings, request: LinkRequest): void {
  const links = state.linksByVisitor.get(request.visitor.id) ?? [];
  const decision = linkVisitor(links, request, settings.stitching.lookback, state.rootOf);
  if (decision.changed.length === 0) return;
  for (const changed of decision.changed) {
    const index = links.findIndex((l) => l.id === changed.id);
    if (index >= 0) links[index] = changed;
    else links.push(changed);
    state.dirtyLinks.set(changed.id, changed);
    state.recompute.add(state.rootOf(changed.contactId));
  }
  state.linksByVisitor.set(request.visitor.id, links);
  request.visitor.stitched = openLinkOf(links) ? 1 : 0;
  state.dirtyVisitors.add(request.visitor.id);
}

async function writeBatch(db: StitchDb, state: BatchState): Promise<void> {
  const pick = <T>(map: Map<string, T>, ids: Iterable<string>): T[] =>
    [...ids].flatMap((id) => {
      const row = map.get(id);
      return row ? [row] : [];
    });
  await Promise.all([
    db.events.bulkAdd(state.newEvents),
    db.visitors.bulkPut(pick(state.visitors, state.dirtyVisitors)),
    db.sessions.bulkPut(pick(state.sessions, state.dirtySessions)),
    db.identities.bulkPut([...state.dirtyLinks.values()]),
    db.messages.bulkPut(pick(state.messages, state.dirtyMessages)),
    db.contacts.bulkAdd(state.newContacts),
  ]);

  // Contacts whose links changed get their stats recounted, all at once.
  const recounted = await Promise.all(
    [...state.recompute].map(async (id): Promise<ContactRow | undefined> => {
      const contact = state.contacts.get(id);
      return contact ? { ...contact, stats: await computeContactStats(db, id) } : undefined;
    }),
  );
  const changed = recounted.filter((row): row is ContactRow => row !== undefined);
  for (const [id, delta] of state.deltas) {
    const contact = state.contacts.get(id);
    if (!contact || state.recompute.has(id)) continue;
    const stats = { ...contact.stats };
    stats.lastSeen = Math.max(stats.lastSeen, delta.lastSeen);
    stats.pageViews += delta.pageViews;
    stats.sessions += delta.sessions;
    stats.clicks += delta.clicks;
    changed.push({ ...contact, stats });
  }
  if (changed.length) await db.contacts.bulkPut(changed);
}
