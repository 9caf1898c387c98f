// Rule 7: erasing a contact removes the person, their links, their events and what was derived from
// them, remembers keyed hashes of their identifiers so neither a replay nor a new event brings them
// back, and has the main process replace their records in the journal by redaction records.
import type { Bridge } from '../../src-main/shared/bridge';
import type { RedactionRequest } from '../../src-main/shared/erasure';
import type { StitchDb } from '../db';
import { dropSpans } from '../db/link-spans';
import { mergedFamily } from '../db/stats';
import type { IdentityRow, SuppressionKind, SuppressionRow } from '../db/types';
import { hashIdentifiers, KEYED_SCHEME } from './suppression';

export interface ErasureReport {
  contacts: number;
  events: number;
  visitors: number;
  auditId: number;
  /** Journal records replaced by redaction records. */
  journalRecords: number;
}

/** The store is erased but the journal still holds the person's records (the cause says why). */
export class JournalNotRedactedError extends Error {
  override name = 'JournalNotRedactedError';
}

const INF = Number.POSITIVE_INFINITY;
const NEG_INF = Number.NEGATIVE_INFINITY;

/** Erases a contact and every contact merged into it, from the store and from the journal. */
export async function eraseContact(
  db: StitchDb,
  bridge: Pick<Bridge, 'invoke'>,
  contactId: string,
  at = Date.now(),
): Promise<ErasureReport> {
  const { report } = await eraseFromStore(db, contactId, at);
  return { ...report, journalRecords: await finishPendingRedaction(db, bridge) };
}

/**
 * What the journal still has to remove, kept in the store (`meta`) from the erasure's own
 * transaction until the journal confirms, so a failed or interrupted redaction is retried (by the
 * next erasure, or the ingest loop) rather than forgotten. It holds the identifiers in clear: they
 * are what the journal must find; the row goes as soon as it has.
 */
const PENDING_REDACTION = 'pendingRedaction';

/**
 * Has the journal redact everything erased so far (one pass over it for any number of people);
 * returns how many records were replaced, 0 when nothing was pending.
 */
export async function finishPendingRedaction(db: StitchDb, bridge: Pick<Bridge, 'invoke'>): Promise<number> {
  const pending = pendingRedactionOf(await db.meta.get(PENDING_REDACTION));
  if (!pending) return 0;
  let records: number;
  try {
    records = (await bridge.invoke('journal.redact', pending)).records;
  } catch (error) {
    throw new JournalNotRedactedError(
      `The contact was erased from the store, but their records are still in the journal (retried later): ${
        error instanceof Error ? error.message : String(error)
      }`,
      { cause: error },
    );
  }
  // An erasure that landed meanwhile added to the row: then it stays for the next pass.
  await db.transaction('rw', db.meta, async () => {
    const now = pendingRedactionOf(await db.meta.get(PENDING_REDACTION));
    if (now && JSON.stringify(now) === JSON.stringify(pending)) await db.meta.delete(PENDING_REDACTION);
  });
  return records;
}

/** A rebuilt store takes over the journal redaction still owed, with everything else the journal lacks. */
export async function carryPendingRedaction(source: StitchDb, target: StitchDb): Promise<void> {
  const row = await source.meta.get(PENDING_REDACTION);
  if (row) await target.meta.put(row);
}

function pendingRedactionOf(row: { value: unknown } | undefined): RedactionRequest | undefined {
  const value = row?.value as Partial<Record<keyof RedactionRequest, unknown>> | undefined;
  const lists = ['emails', 'phones', 'visitorIds', 'userIds', 'messageIds'] as const;
  if (!value || !lists.every((k) => Array.isArray(value[k]))) return undefined;
  const strings = (k: (typeof lists)[number]) => (value[k] as unknown[]).filter((v) => typeof v === 'string');
  return {
    emails: strings('emails'),
    phones: strings('phones'),
    visitorIds: strings('visitorIds'),
    userIds: strings('userIds'),
    messageIds: strings('messageIds'),
  };
}

/** The union of several erasures' identifiers, for one journal pass. */
export function mergeRedactions(requests: readonly RedactionRequest[]): RedactionRequest {
  const all = (pick: (r: RedactionRequest) => string[]) => [...new Set(requests.flatMap(pick))];
  return {
    emails: all((r) => r.emails),
    phones: all((r) => r.phones),
    visitorIds: all((r) => r.visitorIds),
    userIds: all((r) => r.userIds),
    messageIds: all((r) => r.messageIds),
  };
}

/** The store half of an erasure; what the journal half must remove is added to the pending redaction. */
export async function eraseFromStore(
  db: StitchDb,
  contactId: string,
  at = Date.now(),
): Promise<{ report: Omit<ErasureReport, 'journalRecords'>; redaction: RedactionRequest }> {
  // Hashing is a bridge call, so identifiers are gathered and hashed before the transaction.
  const family = await mergedFamily(db.contacts, contactId);
  const contacts = (await db.contacts.bulkGet(family)).filter((c) => c !== undefined);
  if (contacts.length === 0) throw new Error(`No contact ${contactId}`);
  const links = await db.identities.where('contactId').anyOf(family).toArray();
  const messages = await db.messages.where('contactId').anyOf(family).toArray();
  const visitorLinks = links.filter((l) => l.kind === 'visitor' && l.revokedAt === null);
  const visitorIds = [...new Set(visitorLinks.map((l) => l.value))];
  // A browser also linked to someone else (a shared device) is not hers alone: only her intervals go.
  const othersOnVisitor = await db.identities
    .where('[kind+value]')
    .anyOf(visitorIds.map((v) => ['visitor', v]))
    .filter((l) => !family.includes(l.contactId) && l.revokedAt === null)
    .toArray();
  const shared = new Set(othersOnVisitor.map((l) => l.value));
  const exclusive = visitorIds.filter((v) => !shared.has(v));

  const identifiers: [SuppressionKind, string | undefined][] = [
    ...contacts.flatMap((c): [SuppressionKind, string | undefined][] => [
      ['email', c.email],
      ['phone', c.phone],
      ['phone', c.whatsapp],
      ['userId', c.userId],
    ]),
    ...links
      .filter((l) => l.kind !== 'visitor')
      .map((l): [SuppressionKind, string] => [l.kind as SuppressionKind, l.value]),
    ...exclusive.map((v): [SuppressionKind, string] => ['visitor', v]),
    ...messages.map((m): [SuppressionKind, string] => ['message', m.id]),
  ];
  const present = identifiers.filter((entry): entry is [SuppressionKind, string] => !!entry[1]);
  const hashes = await hashIdentifiers(present.map(([kind, value]) => ({ kind, value })));
  const suppressions: SuppressionRow[] = present.map(([kind], i) => ({
    kind,
    hash: hashes[i] ?? '',
    createdAt: at,
    scheme: KEYED_SCHEME,
  }));
  const valuesOf = (kind: SuppressionKind) => [
    ...new Set(present.filter(([k]) => k === kind).map(([, value]) => value)),
  ];
  const redaction: RedactionRequest = {
    emails: valuesOf('email'),
    phones: valuesOf('phone'),
    visitorIds: valuesOf('visitor'),
    userIds: valuesOf('userId'),
    messageIds: valuesOf('message'),
  };

  // The store first: from its commit on, suppression keeps any later copy of her events out.
  const erased = await db.transaction(
    'rw',
    [
      db.contacts,
      db.identities,
      db.linkSpans,
      db.events,
      db.visitors,
      db.sessions,
      db.messages,
      db.audit,
      db.suppressions,
      db.meta,
    ],
    async () => {
      let events = 0;
      for (const visitorId of exclusive) {
        events += await db.events
          .where('[visitorId+timestamp]')
          .between([visitorId, NEG_INF], [visitorId, INF])
          .delete();
        await db.sessions.where('[visitorId+start]').between([visitorId, NEG_INF], [visitorId, INF]).delete();
        await db.visitors.delete(visitorId);
      }
      for (const link of visitorLinks.filter((l) => shared.has(l.value))) {
        events += await db.events
          .where('[visitorId+timestamp]')
          .between([link.value, link.from], [link.value, link.to ?? INF], true, false)
          .delete();
      }
      for (const visitorId of shared) await summariseVisitor(db, visitorId);
      for (const id of family) {
        events += await db.events.where('[contactId+timestamp]').between([id, NEG_INF], [id, INF]).delete();
      }
      // Previews and crawler clicks of her messages (and email opens or unsubscribes that came
      // before her message reached the store) carry no contact id but name her message.
      const messageIds = new Set(messages.map((m) => m.id));
      for (const campaignId of new Set(messages.map((m) => m.campaignId))) {
        for (const type of ['link_click', 'link_preview', 'email_open', 'email_unsubscribe'] as const) {
          events += await db.events
            .where('[campaignId+type]')
            .equals([campaignId, type])
            .filter((e) => e.recipientMessageId !== undefined && messageIds.has(e.recipientMessageId))
            .delete();
        }
      }
      await db.messages.bulkDelete([...messageIds]);
      await db.identities.bulkDelete(links.map((l: IdentityRow) => l.id));
      await dropSpans(
        db,
        links.map((l: IdentityRow) => l.id),
      );
      await db.audit.where('contactId').anyOf(family).delete();
      await db.contacts.bulkDelete(family);
      await db.suppressions.bulkPut(suppressions);
      const pending = pendingRedactionOf(await db.meta.get(PENDING_REDACTION));
      await db.meta.put({
        key: PENDING_REDACTION,
        value: pending ? mergeRedactions([pending, redaction]) : redaction,
      });
      // The erasure itself is logged without anything that identifies the person.
      const auditId = await db.audit.add({
        at,
        action: 'erase',
        contactId,
        details: { contacts: family.length, events, visitors: exclusive.length },
        undo: null,
      });
      return { contacts: family.length, events, visitors: exclusive.length, auditId };
    },
  );
  return { report: erased, redaction };
}

/** Recomputes a visitor's summary and drops its sessions left without events (or the visitor itself). */
async function summariseVisitor(db: StitchDb, visitorId: string): Promise<void> {
  const all = db.events.where('[visitorId+timestamp]').between([visitorId, NEG_INF], [visitorId, INF]);
  const count = await all.count();
  const sessions = await db.sessions
    .where('[visitorId+start]')
    .between([visitorId, NEG_INF], [visitorId, INF])
    .toArray();
  if (count === 0) {
    await db.sessions.bulkDelete(sessions.map((s) => s.id));
    await db.visitors.delete(visitorId);
    return;
  }
  const empty: string[] = [];
  for (const session of sessions) {
    const inSession = await db.events
      .where('[visitorId+timestamp]')
      .between([visitorId, session.start], [visitorId, session.end], true, true)
      .count();
    if (inSession === 0) empty.push(session.id);
  }
  await db.sessions.bulkDelete(empty);
  const [firstKey, lastKey, pageViews] = await Promise.all([
    all.clone().firstKey(),
    all.clone().lastKey(),
    db.events
      .where('[visitorId+type+timestamp]')
      .between([visitorId, 'page', NEG_INF], [visitorId, 'page', INF])
      .count(),
  ]);
  const time = (key: unknown): number | undefined => (Array.isArray(key) ? Number(key[1]) : undefined);
  const visitor = await db.visitors.get(visitorId);
  if (!visitor) return;
  await db.visitors.put({
    ...visitor,
    firstSeen: time(firstKey) ?? visitor.firstSeen,
    lastSeen: time(lastKey) ?? visitor.lastSeen,
    events: count,
    pageViews,
    sessions: sessions.length - empty.length,
  });
}
