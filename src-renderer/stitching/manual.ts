// What a user does by hand (rule 6): link a visitor to a contact, unstitch a link, merge two
// contacts. Each writes an audit row holding the before-images of what it changed, so `undo`
// restores exactly; merging only sets `mergedInto`, so nothing needs rewriting either way.
// A change by hand is evidence for the automatic click links too (a browser confirmed as Ana's
// accounts for her on her other texts): each action and each undo weighs those links again with the
// app's settings in the same transaction, as a replay of the journal would with the change in place.

import type { LookbackMode } from '../../src-main/shared/settings';
import { CHANNELS } from '../channels';
import type { StitchDb } from '../db';
import { dropSpans, syncSpans } from '../db/link-spans';
import type { AuditAction, AuditRow, IdentityRow, TentativeLinkRow, UndoPayload } from '../db/types';
import { type IngestSettings, reweighLinks, stitchingTables } from '../ingest/batch';
import { refreshAfterLinkChange, rootContactId } from './refresh';
import { linkVisitor, openLinkOf } from './rules';

const tablesOf = (db: StitchDb) => [...new Set([...stitchingTables(db), db.audit])];

/**
 * When an action happens, and the app's settings, with which it weighs again the click links it
 * was evidence for: required, so no action leaves the store where a replay of the journal would
 * not (the live store and a rebuild must agree).
 */
export interface ManualOptions {
  at?: number;
  settings: IngestSettings;
}

async function writeAudit(
  db: StitchDb,
  action: AuditAction,
  contactId: string,
  details: Record<string, unknown>,
  undo: UndoPayload | null,
  at: number,
): Promise<number> {
  const row: AuditRow = { at, action, contactId, details, undo };
  return db.audit.add(row);
}

export interface ManualStitchInput extends ManualOptions {
  visitorId: string;
  contactId: string;
}

/**
 * Links a visitor to a contact by hand. The link covers the visitor's whole history not already
 * given to someone else; if the visitor is linked to another contact now, that link ends here.
 */
export async function stitchVisitorManually(
  db: StitchDb,
  { visitorId, contactId, at = Date.now(), settings }: ManualStitchInput,
): Promise<{ auditId: number; identityId: string }> {
  return db.transaction('rw', tablesOf(db), async () => {
    const [visitor, contact] = await Promise.all([db.visitors.get(visitorId), db.contacts.get(contactId)]);
    if (!visitor) throw new Error(`No visitor ${visitorId}`);
    if (!contact) throw new Error(`No contact ${contactId}`);
    const links = await db.identities.where('[kind+value]').equals(['visitor', visitorId]).toArray();
    const open = openLinkOf(links);
    const target = await rootContactId(db, contactId);
    if (open && (await rootContactId(db, open.contactId)) === target) {
      throw new Error('This visitor is already linked to this contact.');
    }
    const undo: UndoPayload = { identities: [], contacts: [] };
    let from: number;
    if (open) {
      undo.identities.push({ id: open.id, before: open });
      from = Math.max(open.from, at);
      const ended = { ...open, to: from };
      await db.identities.put(ended);
      await syncSpans(db, [ended]);
    } else {
      const earlierEnd = links.reduce(
        (end, l) => (l.revokedAt === null && l.to !== null ? Math.max(end, l.to) : end),
        Number.NEGATIVE_INFINITY,
      );
      from = Math.max(visitor.firstSeen, earlierEnd);
    }
    const link: IdentityRow = {
      id: `manual:${crypto.randomUUID()}`,
      kind: 'visitor',
      value: visitorId,
      contactId,
      from,
      to: null,
      source: 'manual',
      createdAt: at,
      revokedAt: null,
      flags: [],
    };
    undo.identities.push({ id: link.id, before: null });
    await db.identities.add(link);
    await syncSpans(db, [link]);
    const contacts = open ? [contactId, open.contactId] : [contactId];
    await refreshAfterLinkChange(db, [visitorId], contacts);
    await reweighLinks(db, settings, { visitorIds: [visitorId], contactIds: contacts });
    const auditId = await writeAudit(
      db,
      'stitch',
      contactId,
      { visitorId, identityId: link.id, endedIdentityId: open?.id ?? null },
      undo,
      at,
    );
    return { auditId, identityId: link.id };
  });
}

/** Removes a link from a profile: the visitor's events leave the timeline; auto-stitching won't redo it. */
export async function unstitchLink(
  db: StitchDb,
  identityId: string,
  { at = Date.now(), settings }: ManualOptions,
): Promise<{ auditId: number }> {
  return db.transaction('rw', tablesOf(db), async () => {
    const link = await db.identities.get(identityId);
    if (!link) throw new Error(`No link ${identityId}`);
    if (link.revokedAt !== null) throw new Error('This link was already removed.');
    const revoked = { ...link, revokedAt: at };
    await db.identities.put(revoked);
    await syncSpans(db, [revoked]);
    const visitors = link.kind === 'visitor' ? [link.value] : [];
    await refreshAfterLinkChange(db, visitors, [link.contactId]);
    await reweighLinks(db, settings, { visitorIds: visitors, contactIds: [link.contactId] });
    const auditId = await writeAudit(
      db,
      'unstitch',
      link.contactId,
      { identityId, kind: link.kind, visitorId: link.kind === 'visitor' ? link.value : null },
      { identities: [{ id: link.id, before: link }], contacts: [] },
      at,
    );
    return { auditId };
  });
}

/** Merges `sourceId` into `targetId`: the source's history shows on the target; nothing is rewritten. */
export async function mergeContacts(
  db: StitchDb,
  { targetId, sourceId, at = Date.now(), settings }: { targetId: string; sourceId: string } & ManualOptions,
): Promise<{ auditId: number }> {
  return db.transaction('rw', tablesOf(db), async () => {
    const [target, source] = await Promise.all([db.contacts.get(targetId), db.contacts.get(sourceId)]);
    if (!target || !source) throw new Error('Both contacts must exist.');
    if (source.mergedInto) throw new Error('That contact was already merged.');
    if ((await rootContactId(db, targetId)) === sourceId)
      throw new Error('A contact cannot be merged into itself.');
    await db.contacts.update(sourceId, { mergedInto: targetId, updatedAt: at });
    await refreshAfterLinkChange(db, [], [targetId]);
    await reweighLinks(db, settings, { visitorIds: [], contactIds: [targetId, sourceId] });
    const auditId = await writeAudit(
      db,
      'merge',
      targetId,
      { sourceId, targetId },
      { identities: [], contacts: [{ id: sourceId, mergedInto: null }] },
      at,
    );
    return { auditId };
  });
}

/**
 * The marketer confirms a tentative link: it becomes a link like any other, marked confirmed, and
 * the engine never demotes it. Audited; undo takes it back to tentative.
 */
export async function confirmTentativeLink(
  db: StitchDb,
  tentativeId: string,
  {
    at = Date.now(),
    settings,
    lookback = settings.stitching.lookback,
  }: ManualOptions & {
    lookback?: LookbackMode;
  },
): Promise<{ auditId: number; identityId: string }> {
  return db.transaction('rw', tablesOf(db), async () => {
    const tentative = await pendingTentative(db, tentativeId);
    const [visitor, message, links] = await Promise.all([
      db.visitors.get(tentative.visitorId),
      db.messages.get(tentative.messageId),
      db.identities.where('[kind+value]').equals(['visitor', tentative.visitorId]).toArray(),
    ]);
    if (!visitor) throw new Error(`No visitor ${tentative.visitorId}`);
    const campaign = await db.campaigns.get(tentative.campaignId);
    const channel = campaign?.channel ?? message?.channel ?? 'sms';
    const roots = new Map<string, string>();
    for (const l of links) roots.set(l.contactId, await rootContactId(db, l.contactId));
    roots.set(tentative.contactId, await rootContactId(db, tentative.contactId));
    const decision = linkVisitor(
      links,
      {
        visitor,
        contactId: tentative.contactId,
        at: tentative.at,
        sessionStart: tentative.at,
        source: CHANNELS[channel].clickSource,
        causeEventId: tentative.causeEventId,
        campaignId: tentative.campaignId,
        messageId: tentative.messageId,
        confidence: tentative.confidence,
        evidence: tentative.evidence,
      },
      lookback,
      (id) => roots.get(id) ?? id,
    );
    if (decision.outcome === 'revokedByUser')
      throw new Error('This browser was removed from this contact by hand.');
    const undo: UndoPayload = {
      identities: [],
      contacts: [],
      tentative: [{ id: tentative.id, before: tentative }],
    };
    let identityId = tentative.id;
    for (const row of decision.changed) {
      const before = links.find((l) => l.id === row.id) ?? null;
      undo.identities.push({ id: row.id, before });
      const confirmed = before ? row : { ...row, flags: [...row.flags, 'confirmed' as const] };
      if (!before) identityId = row.id;
      await db.identities.put(confirmed);
      await syncSpans(db, [confirmed]);
    }
    // Already covered by a click link of the browser's to the same person (another text's tap):
    // that link carries the marketer's word, or the engine could doubt it away later and with it
    // the browser they confirmed.
    const { covering } = decision;
    if (covering && covering.messageId !== undefined && !covering.flags.includes('confirmed')) {
      undo.identities.push({ id: covering.id, before: covering });
      const confirmed = { ...covering, flags: [...covering.flags, 'confirmed' as const] };
      await db.identities.put(confirmed);
      await syncSpans(db, [confirmed]);
      identityId = covering.id;
    }
    await db.tentativeLinks.put({ ...tentative, status: 'confirmed', decidedAt: at });
    const contacts = [tentative.contactId, ...decision.changed.map((l) => l.contactId)];
    await refreshAfterLinkChange(db, [tentative.visitorId], contacts);
    await reweighLinks(db, settings, { visitorIds: [tentative.visitorId], contactIds: contacts });
    const auditId = await writeAudit(
      db,
      'confirm',
      tentative.contactId,
      { tentativeId, visitorId: tentative.visitorId, identityId, outcome: decision.outcome },
      undo,
      at,
    );
    return { auditId, identityId };
  });
}

/** The marketer says a tentative link is not this contact's: it stays apart, never promoted. Audited. */
export async function rejectTentativeLink(
  db: StitchDb,
  tentativeId: string,
  { at = Date.now(), settings }: ManualOptions,
): Promise<{ auditId: number }> {
  return db.transaction('rw', tablesOf(db), async () => {
    const tentative = await pendingTentative(db, tentativeId);
    await db.tentativeLinks.put({ ...tentative, status: 'rejected', decidedAt: at });
    await reweighLinks(db, settings, {
      visitorIds: [tentative.visitorId],
      contactIds: [tentative.contactId],
    });
    const auditId = await writeAudit(
      db,
      'reject',
      tentative.contactId,
      { tentativeId, visitorId: tentative.visitorId },
      { identities: [], contacts: [], tentative: [{ id: tentative.id, before: tentative }] },
      at,
    );
    return { auditId };
  });
}

async function pendingTentative(db: StitchDb, id: string): Promise<TentativeLinkRow> {
  const tentative = await db.tentativeLinks.get(id);
  if (!tentative) throw new Error(`No tentative link ${id}`);
  if (tentative.status !== 'tentative') throw new Error(`This link was already ${tentative.status}.`);
  return tentative;
}

/** Restores what an audited action changed, exactly, and audits the undo itself. */
export async function undo(
  db: StitchDb,
  auditId: number,
  { at = Date.now(), settings }: ManualOptions,
): Promise<{ auditId: number }> {
  return db.transaction('rw', tablesOf(db), async () => {
    const entry = await db.audit.get(auditId);
    if (!entry) throw new Error(`No audit entry ${auditId}`);
    if (!entry.undo) throw new Error(`A ${entry.action} cannot be undone.`);
    if (entry.undoneAt !== undefined) throw new Error('This action was already undone.');
    const visitors = new Set<string>();
    const contacts = new Set<string>([entry.contactId]);
    for (const { id, before } of entry.undo.identities) {
      const current = await db.identities.get(id);
      for (const row of [current, before]) {
        if (!row) continue;
        contacts.add(row.contactId);
        if (row.kind === 'visitor') visitors.add(row.value);
      }
      if (before) {
        await db.identities.put(before);
        await syncSpans(db, [before]);
      } else {
        await db.identities.delete(id);
        await dropSpans(db, [id]);
      }
    }
    for (const { before } of entry.undo.tentative ?? []) {
      await db.tentativeLinks.put(before);
      contacts.add(before.contactId);
      visitors.add(before.visitorId);
    }
    for (const { id, mergedInto } of entry.undo.contacts) {
      const current = await db.contacts.get(id);
      if (!current) continue;
      if (current.mergedInto) contacts.add(current.mergedInto);
      contacts.add(id);
      const restored = { ...current, updatedAt: at };
      if (mergedInto) restored.mergedInto = mergedInto;
      else delete restored.mergedInto;
      await db.contacts.put(restored);
    }
    await refreshAfterLinkChange(db, visitors, contacts);
    await reweighLinks(db, settings, { visitorIds: visitors, contactIds: contacts });
    await db.audit.update(auditId, { undoneAt: at });
    const undoId = await writeAudit(
      db,
      'undo',
      entry.contactId,
      { undoneAuditId: auditId, undoneAction: entry.action },
      null,
      at,
    );
    return { auditId: undoId };
  });
}

/** The audit log of a contact, newest first. */
export async function auditLog(db: StitchDb, contactId: string): Promise<AuditRow[]> {
  const rows = await db.audit.where('contactId').equals(contactId).toArray();
  return rows.sort((a, b) => b.at - a.at || (b.id ?? 0) - (a.id ?? 0));
}
