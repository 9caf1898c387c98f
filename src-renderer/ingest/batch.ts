// Applies one batch of journal records to the store in a single Dexie transaction that also
// records the new offset: exactly-once, idempotent on messageId, skipping already-applied offsets.
// Reads are prefetched per batch (bulkGet/anyOf) and writes are bulk, so cost per event stays small.

import Dexie from 'dexie';
import type { IdentifierToHash } from '../../src-main/shared/erasure';
import type { JournalRecord } from '../../src-main/shared/events';
import type { Settings } from '../../src-main/shared/settings';
import { appliedOffset, appliedOffsetRow, type StitchDb } from '../db';
import { withConsent } from '../db/consent';
import { dropSpans, syncSpans } from '../db/link-spans';
import { addWholeBrowser, computeContactStats, coversAll } from '../db/stats';
import type { ContactRow, ContactStats, EventRow, IdentityRow, SessionRow, VisitorRow } from '../db/types';
import {
  formContactId,
  recordPreview,
  recordTap,
  rescoreMessages,
  stitchByIdentity,
} from '../stitching/auto';
import type { CountryCode } from '../stitching/identifiers';
import { linkAt } from '../stitching/rules';
import { hashIdentifiers, hasLegacySuppressions, legacyHash } from '../stitching/suppression';
import { BatchState, loadContacts } from './batch-state';
import { identifiersOf, type Parsed, parseRecord, str } from './parse';
import { placeInSession, touchVisitor } from './sessions';

export interface IngestSettings {
  stitching: Settings['stitching'];
  /** Country for phone numbers written without `+` (default US). */
  defaultCountry?: CountryCode;
}

/** The ingest's settings from the app's (the default phone country lives under stitching). */
export function ingestSettingsOf(settings: Settings): IngestSettings {
  return { ...settings, defaultCountry: settings.stitching.defaultCountry as CountryCode };
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
  // Whether anyone is erased is remembered from the store's last batch rather than read in a
  // transaction of its own (a round trip a one-event batch felt: a stitch on disk 1-3 ms); the
  // batch's transaction reads it again and asks for hashes when an erasure landed meanwhile.
  let hashes: BatchHashes = erasuresSeen.has(db) ? await hashBatch(parsed) : undefined;
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

const identifierKey = ({ kind, value }: IdentifierToHash): string => `${kind}:${value}`;

/** Keyed hashes of a batch's identifiers, fetched in one call; undefined when nothing is erased. */
type BatchHashes = Map<string, { id: IdentifierToHash; hash: string }> | undefined;

async function hashBatch(parsed: readonly Parsed[]): Promise<NonNullable<BatchHashes>> {
  const ids = [...new Map(parsed.flatMap(identifiersOf).map((id) => [identifierKey(id), id])).values()];
  const hashes = await hashIdentifiers(ids);
  return new Map(ids.map((id, i) => [identifierKey(id), { id, hash: hashes[i] ?? '' }]));
}

/** Stores that held an erasure suppression at their last batch: their batches are hashed up front. */
const erasuresSeen = new WeakSet<StitchDb>();

/** Thrown inside the transaction when an erasure landed after the batch was hashed without need. */
class HashesNeeded extends Error {}

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
  return db.transaction('rw', [...stitchingTables(db), db.meta, db.suppressions], async () => {
    const [applied, suppressions] = await Promise.all([appliedOffset(db), db.suppressions.count()]);
    if (suppressions > 0) erasuresSeen.add(db);
    else erasuresSeen.delete(db);
    const fresh = parsed.filter((p) => p.record.offset > applied);
    if (fresh.length === 0) {
      // Nothing to apply (all seen, or all redaction records): the offset still moves past them.
      if (lastOffset <= applied) {
        return { appliedOffset: applied, stored: 0, skipped: records.length, erasedOffsets: [] };
      }
      await db.meta.put(appliedOffsetRow(lastOffset));
      return { appliedOffset: lastOffset, stored: 0, skipped: records.length, erasedOffsets: [] };
    }

    if (!hashes && suppressions > 0) throw new HashesNeeded();
    const isErased = await erasedCheck(db, hashes);
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
    await rescoreMessages(db, state, settings);
    // The offset goes with the writes, not after them: the transaction makes them one either way.
    await Promise.all([writeBatch(db, state), db.meta.put(appliedOffsetRow(lastOffset))]);
    return {
      appliedOffset: lastOffset,
      stored: state.newEvents.length,
      skipped: records.length - keep.length,
      erasedOffsets,
    };
  });
}

/**
 * The tables stitching writes: a batch's (which adds its offset and reads erasures), and
 * `reweighLinks`', whose caller's transaction must hold them all.
 */
export const stitchingTables = (db: StitchDb) => [
  db.events,
  db.visitors,
  db.sessions,
  db.identities,
  db.linkSpans,
  db.contacts,
  db.messages,
  db.campaigns,
  db.tentativeLinks,
];

/**
 * Weighs again the click links a change by hand was evidence for (a link confirmed, rejected, made,
 * removed, a merge, or the undo of one): every message the touched browsers opened and the
 * messages of the touched contacts, as a replay of the journal would weigh them with the change in
 * place. The links are a function of the evidence, so weighing again after an undo puts back what
 * weighing after the change moved; the marketer's own decisions are never re-weighed.
 */
export async function reweighLinks(
  db: StitchDb,
  settings: IngestSettings,
  touched: { visitorIds: Iterable<string>; contactIds: Iterable<string> },
): Promise<void> {
  await db.transaction('rw', stitchingTables(db), async () => {
    const state = new BatchState();
    for (const visitor of await db.visitors.bulkGet(unique([...touched.visitorIds]))) {
      if (!visitor) continue;
      state.visitors.set(visitor.id, visitor);
      state.rescoreTappedBy(visitor.id);
    }
    for (const id of touched.contactIds) state.rescoreRecipients.add(id);
    await rescoreMessages(db, state, settings);
    await writeBatch(db, state);
  });
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
    p.event.type === 'form_submit' || p.event.type === 'identify' || p.event.type === 'alias'
      ? [formContactId(p)]
      : [],
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
    ...batch.map((p) => p.unsubscribe?.recipientMessageId),
    ...batch.map((p) => p.emailOpen?.recipientMessageId),
    ...clicks.map((c) => c.recipientMessageId),
  ]);
  const [sessions, messages] = await Promise.all([
    db.sessions.bulkGet(sessionIds),
    db.messages.bulkGet(messageIds),
  ]);
  for (const session of sessions) if (session) state.sessions.set(session.id, session);
  for (const message of messages) if (message) state.messages.set(message.id, message);

  const campaignIds = unique([...state.messages.values()].map((m) => m.campaignId));
  const campaigns = campaignIds.length ? await db.campaigns.bulkGet(campaignIds) : [];
  for (const campaign of campaigns) if (campaign) state.campaigns.set(campaign.id, campaign);

  // Contacts behind links and messages, then the contacts they (and those found by email, phone or
  // user id) were merged into.
  await loadContacts(db.contacts, state, [
    ...links.map((l) => l.contactId),
    ...[...state.messages.values()].map((m) => m.contactId),
  ]);
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
    // A link this batch made brings its browser's counters whole, this event's included.
    if (link && !state.createdLinks.has(link.id)) {
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
  if (p.unsubscribe) applyUnsubscribe(state, p, row);
  if (p.emailOpen) applyEmailOpen(state, p, row);
  state.newEvents.push(row);

  if (event.type === 'link_preview') recordPreview(state, p);
  if (p.bot || !visitor || !session) return;
  if (p.presentedToken) recordTap(state, p, row, visitor, session, settings);
  if (event.type === 'form_submit' || event.type === 'identify' || event.type === 'alias') {
    stitchByIdentity(state, p, visitor, session, settings);
  }
}

/** An open pixel fetch: on the recipient's timeline as a hint only (no stats, no stitching). */
function applyEmailOpen(state: BatchState, p: Parsed, row: EventRow): void {
  const props = p.emailOpen;
  if (!props) return;
  row.campaignId = props.campaignId;
  row.recipientMessageId = props.recipientMessageId;
  row.channel = 'email';
  const message = state.messages.get(props.recipientMessageId);
  if (message && state.contacts.has(message.contactId)) row.contactId = state.rootOf(message.contactId);
}

/**
 * A one-click unsubscribe: the recipient's email consent is revoked at once, recorded with when and
 * from which campaign, and the event joins their timeline. The contact is written with the batch's
 * stat changes (a zero delta marks it changed).
 */
function applyUnsubscribe(state: BatchState, p: Parsed, row: EventRow): void {
  const props = p.unsubscribe;
  if (!props) return;
  row.campaignId = props.campaignId;
  row.recipientMessageId = props.recipientMessageId;
  row.channel = 'email';
  const message = state.messages.get(props.recipientMessageId);
  if (!message || !state.contacts.has(message.contactId)) return;
  const contactId = state.rootOf(message.contactId);
  const contact = state.contacts.get(contactId);
  if (!contact) return;
  row.contactId = contactId;
  const campaign = state.campaigns.get(props.campaignId);
  const how = props.via === 'page' ? 'the unsubscribe page' : 'one-click unsubscribe';
  state.contacts.set(
    contactId,
    withConsent(contact, 'email', false, {
      at: p.time,
      source: `Unsubscribed by ${how} in email campaign ${campaign?.name ?? props.campaignId}`,
    }),
  );
  // Not activity (stats stay as they are): the empty delta only has the contact written.
  state.delta(contactId);
}

/** Traits as stored: an erased (suppressed) email or phone is not kept. */
function storedTraits(traits: Record<string, unknown>, p: Parsed): Record<string, unknown> {
  const kept = { ...traits };
  if (p.erasedTraits && !p.email) delete kept.email;
  if (p.erasedTraits && !p.phone) delete kept.phone;
  return kept;
}

/** Up to this many events a batch's writes are issued at once (see writeBatch). */
const SMALL_BATCH = 50;

async function writeBatch(db: StitchDb, state: BatchState): Promise<void> {
  const pick = <T>(map: Map<string, T>, ids: Iterable<string>): T[] =>
    [...ids].flatMap((id) => {
      const row = map.get(id);
      return row ? [row] : [];
    });
  // Each write as a step run in this order. A big batch runs them one table after another: with
  // every table's requests in flight at once Chromium's IndexedDB took longer over the same rows
  // (100,000 events in batches of 500 on disk: 63-65 s at once, 53-54 s in turn). A small batch
  // waits on round trips instead, so its steps go at once (a one-event stitch: 21 ms at once, 27
  // ms in turn).
  const steps: (() => Promise<unknown>)[] = [
    () => db.events.bulkAdd(state.newEvents),
    () => db.identities.bulkDelete([...state.deletedLinks]),
    () => dropSpans(db, [...state.deletedLinks]),
    () => db.tentativeLinks.bulkDelete([...state.deletedTentative]),
    () => db.tentativeLinks.bulkPut(pick(state.tentative, state.dirtyTentative)),
    () => db.visitors.bulkPut(pick(state.visitors, state.dirtyVisitors)),
    () => db.sessions.bulkPut(pick(state.sessions, state.dirtySessions)),
    () => db.identities.bulkPut([...state.dirtyLinks.values()]),
    () => syncSpans(db, [...state.dirtyLinks.values()]),
    () => db.messages.bulkPut(pick(state.messages, state.dirtyMessages)),
    () => db.contacts.bulkAdd(state.newContacts),
  ];
  if (state.newEvents.length > SMALL_BATCH) for (const step of steps) await step();
  else await Promise.all(steps.map((step) => step()));

  // Contacts whose links changed get their stats recounted, all at once, unless the batch only
  // linked them new browsers over their whole history: then those browsers' counters are added.
  // A root the batch never read (a contact merged into one it did) is read now, not skipped.
  await loadContacts(db.contacts, state, [...state.recompute, ...state.deltas.keys()]);
  const recounted = await Promise.all(
    [...state.recompute].map(async (id): Promise<ContactRow | undefined> => {
      const contact = state.contacts.get(id);
      if (!contact) return undefined;
      return {
        ...contact,
        stats: addedUp(state, contact) ?? (await computeContactStats(db, id, state.visitors)),
      };
    }),
  );
  const changed = recounted.filter((row): row is ContactRow => row !== undefined);
  for (const [id, delta] of state.deltas) {
    const contact = state.contacts.get(id);
    if (!contact || state.recompute.has(id)) continue;
    changed.push({ ...contact, stats: withDelta(contact.stats, delta) });
  }
  if (changed.length) await db.contacts.bulkPut(changed);
}

/** Stats grown by a batch's events through the links the contact had before it. */
function withDelta(before: ContactStats, delta: ContactStats | undefined): ContactStats {
  const stats = { ...before };
  if (!delta) return stats;
  stats.lastSeen = Math.max(stats.lastSeen, delta.lastSeen);
  stats.pageViews += delta.pageViews;
  stats.sessions += delta.sessions;
  stats.clicks += delta.clicks;
  return stats;
}

/**
 * A contact's stats without reading the store, when all the batch did to its links was make new
 * ones over browsers' whole histories (an identify, a form, a first tap: most stitches): the stats
 * it had, this batch's events through its older links, and each new browser's counters, which
 * ingest keeps exact. Anything else (a link taken back, closed, narrowed, or a second link of the
 * same browser) is counted afresh. The recount's reads were 8% of a 100,000-event ingest on disk.
 */
function addedUp(state: BatchState, contact: ContactRow): ContactStats | undefined {
  if (state.linksTakenBack) return undefined;
  const root = contact.id;
  const added: IdentityRow[] = [];
  for (const link of state.dirtyLinks.values()) {
    if (state.rootOf(link.contactId) !== root) continue;
    if (!state.createdLinks.has(link.id) || link.kind !== 'visitor') return undefined;
    added.push(link);
  }
  const stats = withDelta(contact.stats, state.deltas.get(root));
  const browsers = new Set<string>();
  for (const link of added) {
    const visitor = state.visitors.get(link.value);
    if (!coversAll(link, visitor) || browsers.has(visitor.id)) return undefined;
    const alsoLinked = (state.linksByVisitor.get(visitor.id) ?? []).some(
      (l) => l.id !== link.id && l.revokedAt === null && state.rootOf(l.contactId) === root,
    );
    if (alsoLinked) return undefined;
    browsers.add(visitor.id);
    addWholeBrowser(stats, visitor);
    stats.visitors += 1;
  }
  return stats;
}
