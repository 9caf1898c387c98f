// Rule 7: erasing a contact removes the person, their links, their events and what was derived from
// them, and remembers hashed identifiers so neither a replay nor a new event brings them back.
import type { StitchDb } from '../db';
import { mergedFamily } from '../db/stats';
import type { IdentityRow, SuppressionKind, SuppressionRow } from '../db/types';
import { hashIdentifier } from './suppression';

export interface ErasureReport {
  contacts: number;
  events: number;
  visitors: number;
  auditId: number;
}

const INF = Number.POSITIVE_INFINITY;
const NEG_INF = Number.NEGATIVE_INFINITY;

/** Erases a contact and every contact merged into it. */
export async function eraseContact(db: StitchDb, contactId: string, at = Date.now()): Promise<ErasureReport> {
  // Hashing is async outside IndexedDB, so identifiers are gathered and hashed before the transaction.
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
  const suppressions: SuppressionRow[] = identifiers
    .filter((entry): entry is [SuppressionKind, string] => !!entry[1])
    .map(([kind, value]) => ({ kind, hash: hashIdentifier(kind, value), createdAt: at }));

  return db.transaction(
    'rw',
    [db.contacts, db.identities, db.events, db.visitors, db.sessions, db.messages, db.audit, db.suppressions],
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
      // Previews and crawler clicks of her messages carry no contact id but name her message.
      const messageIds = new Set(messages.map((m) => m.id));
      for (const campaignId of new Set(messages.map((m) => m.campaignId))) {
        for (const type of ['link_click', 'link_preview'] as const) {
          events += await db.events
            .where('[campaignId+type]')
            .equals([campaignId, type])
            .filter((e) => e.recipientMessageId !== undefined && messageIds.has(e.recipientMessageId))
            .delete();
        }
      }
      await db.messages.bulkDelete([...messageIds]);
      await db.identities.bulkDelete(links.map((l: IdentityRow) => l.id));
      await db.audit.where('contactId').anyOf(family).delete();
      await db.contacts.bulkDelete(family);
      await db.suppressions.bulkPut(suppressions);
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
