// The automatic stitching rules over one ingest batch's state (DESIGN §6): click tokens (rule 1,
// weighed by evidence, rule 9), forms and identify calls (rule 2), shared devices (3), the
// forwarding cap (4). Ingest calls `recordTap`, `recordPreview` and `stitchByIdentity` per event,
// then `rescoreMessages` once per batch: every message whose evidence changed has all its click
// links weighed again, so a link made on a lone tap is demoted when the message turns out
// forwarded, and a tentative one is promoted when its browser later proves to be the recipient's.

import { CHANNELS } from '../channels';
import type { StitchDb } from '../db';
import { newContact } from '../db/contacts';
import { mergedFamily } from '../db/stats';
import type {
  ContactRow,
  EventRow,
  IdentityRow,
  MessageRow,
  SessionRow,
  TentativeLinkRow,
  VisitorRow,
} from '../db/types';
import type { IngestSettings } from '../ingest/batch';
import { type BatchState, loadContacts } from '../ingest/batch-state';
import type { Parsed } from '../ingest/parse';
import { inAppBrowserOf } from './device';
import {
  type Assessment,
  assessTap,
  type BrowserFacts,
  type Evidence,
  type MessageFacts,
  platformOf,
  previewPlatform,
} from './evidence';
import { autoLinkId, judgeTokenPresentation, type LinkRequest, linkVisitor, openLinkOf } from './rules';

/** Browsers remembered per message, and messages per browser: far above any real forward. */
const TAPS_KEPT = 100;
const TAPPED_KEPT = 50;
/** Re-scoring rounds per batch: a promotion can make a browser known for other messages, once or twice. */
const RESCORE_ROUNDS = 4;

/** Rule 1: a page view presenting a click token is a tap of that message by this browser. */
export function recordTap(
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
  const taps = message.taps ?? [];
  if (!taps.some((t) => t.visitorId === visitor.id) && taps.length < TAPS_KEPT) {
    const at = Math.min(click.timestamp, p.time);
    const tap = {
      visitorId: visitor.id,
      at,
      device: visitor.device,
      clickEventId: click.id,
      sessionStart: session.start,
    };
    // Kept in time order whatever order the records came in, so a replay scores the same.
    message.taps = [...taps, tap].sort((a, b) => a.at - b.at || a.visitorId.localeCompare(b.visitorId));
    state.dirtyMessages.add(message.id);
  }
  const tapped = visitor.tapped ?? [];
  if (!tapped.includes(message.id) && tapped.length < TAPPED_KEPT) {
    visitor.tapped = [...tapped, message.id];
    state.dirtyVisitors.add(visitor.id);
    // Opening another campaign of the same recipient is evidence for its earlier taps too.
    state.rescoreTappedBy(visitor.id, message.id);
  }
  state.rescore.add(message.id);
  // The recipient's browsers in use again may be evidence on their other messages (rule 9's
  // "another phone of theirs in use before and after").
  state.rescoreRecipients.add(message.contactId);
}

/** The recipient's messages weighed again when their browsers tap: the most recent ones only. */
const RECIPIENT_MESSAGES_RESCORED = 20;

/**
 * Rule 1's one-time tokens: records how a presentation of `token` was judged; false when it may
 * not count as a tap (reused by another browser, or expired).
 */
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

/** A chat app previewing an SMS link means it was pasted into a chat: evidence for its taps. */
export function recordPreview(state: BatchState, p: Parsed): void {
  const message = p.click ? state.messages.get(p.click.recipientMessageId) : undefined;
  const agent = p.event.context?.userAgent ?? '';
  if (!message || !agent) return;
  const channel = state.campaigns.get(message.campaignId)?.channel ?? message.channel;
  if (!CHANNELS[channel].foreignPreview.test(agent)) return;
  if (message.foreignPreview && message.foreignPreview.at <= p.time) return;
  message.foreignPreview = { at: p.time, agent: agent.slice(0, 100) };
  // WhatsApp makes its previews on the sharer's own phone: where it came from is evidence.
  if (p.ip) message.foreignPreview.network = p.ip;
  state.dirtyMessages.add(message.id);
  state.rescore.add(message.id);
}

/** Rule 2: a form or identify call naming a known email/phone/userId links the visitor. */
export function stitchByIdentity(
  state: BatchState,
  p: Parsed,
  visitor: VisitorRow,
  session: SessionRow,
  settings: IngestSettings,
): void {
  if (!p.email && !p.phone && !p.userId) return;
  // Only a contact that existed when the event was received: live ingest could not link one added
  // later, and a rebuild (which has every contact from the start) must not either. A contact a form
  // made is exempt: its createdAt is that form's event time, by the visitor's clock.
  const received = Date.parse(p.record.receivedAt);
  const existed = (candidate: ContactRow | undefined): ContactRow | undefined =>
    candidate && (candidate.id.startsWith(FORM_CONTACT_PREFIX) || !(candidate.createdAt > received))
      ? candidate
      : undefined;
  let contact =
    existed(p.userId ? state.contactByUserId.get(p.userId) : undefined) ??
    existed(p.email ? state.contactByEmail.get(p.email) : undefined) ??
    existed(p.phone ? state.contactByPhone.get(p.phone) : undefined) ??
    state.contacts.get(formContactId(p));
  // Whoever this browser says it is, the click links it made are weighed again.
  state.rescoreTappedBy(visitor.id);
  if (!contact) {
    if (!settings.stitching.createContactsFromForms) {
      rememberUnknownClaim(state, p, visitor);
      return;
    }
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

/** The browser named someone no contact is: evidence it is not the recipient of its taps. */
function rememberUnknownClaim(state: BatchState, p: Parsed, visitor: VisitorRow): void {
  const kinds = [p.email && 'email', p.phone && 'phone', p.userId && 'userId'].filter(
    (kind): kind is 'email' | 'phone' | 'userId' => !!kind,
  );
  const known = visitor.unknownIdentifiers ?? [];
  if (kinds.some((kind) => !known.includes(kind))) {
    visitor.unknownIdentifiers = [...new Set([...known, ...kinds])];
    state.dirtyVisitors.add(visitor.id);
  }
}

/** Deterministic, so replaying the journal never creates the same person twice. */
const FORM_CONTACT_PREFIX = 'contact:';
export const formContactId = (p: Parsed): string => `${FORM_CONTACT_PREFIX}${p.event.messageId}`;

function applyLink(state: BatchState, settings: IngestSettings, request: LinkRequest): boolean {
  const links = state.linksByVisitor.get(request.visitor.id) ?? [];
  const decision = linkVisitor(links, request, settings.stitching.lookback, state.rootOf);
  if (decision.changed.length === 0) return false;
  for (const changed of decision.changed) {
    const index = links.findIndex((l) => l.id === changed.id);
    if (index >= 0) links[index] = changed;
    else {
      links.push(changed);
      state.createdLinks.add(changed.id);
    }
    state.dirtyLinks.set(changed.id, changed);
    state.deletedLinks.delete(changed.id);
    state.recompute.add(state.rootOf(changed.contactId));
  }
  state.linksByVisitor.set(request.visitor.id, links);
  request.visitor.stitched = openLinkOf(links) ? 1 : 0;
  state.dirtyVisitors.add(request.visitor.id);
  state.rescoreTappedBy(request.visitor.id, request.messageId);
  return true;
}

/** A click link the evidence no longer supports leaves the timeline; what it closed opens again. */
function demote(state: BatchState, link: IdentityRow): void {
  state.linksTakenBack = true;
  const links = (state.linksByVisitor.get(link.value) ?? []).filter((l) => l.id !== link.id);
  const closed = link.closedLinkId ? links.find((l) => l.id === link.closedLinkId) : undefined;
  if (closed && closed.to === link.from && !openLinkOf(links)) {
    const reopened: IdentityRow = { ...closed, to: null };
    links[links.indexOf(closed)] = reopened;
    state.dirtyLinks.set(reopened.id, reopened);
    state.recompute.add(state.rootOf(reopened.contactId));
  }
  state.linksByVisitor.set(link.value, links);
  state.dirtyLinks.delete(link.id);
  state.deletedLinks.add(link.id);
  state.recompute.add(state.rootOf(link.contactId));
  const visitor = state.visitors.get(link.value);
  if (visitor) {
    visitor.stitched = openLinkOf(links) ? 1 : 0;
    state.dirtyVisitors.add(visitor.id);
  }
  state.rescoreTappedBy(link.value, link.messageId);
  // Its message too: the browsers beside it were weighed with this one as the recipient's.
  if (link.messageId) state.rescore.add(link.messageId);
}

/** Weighs again every click link of the messages marked for it, loading what the batch lacks. */
export async function rescoreMessages(
  db: StitchDb,
  state: BatchState,
  settings: IngestSettings,
): Promise<void> {
  rescoreNetworkChanges(state);
  await rescoreSeenChanges(db, state);
  if (state.rescoreRecipients.size > 0) {
    const recipients = [...state.rescoreRecipients];
    state.rescoreRecipients.clear();
    const theirs = await db.messages.where('contactId').anyOf(recipients).toArray();
    const byRecipient = new Map<string, MessageRow[]>();
    for (const m of theirs) {
      if (!m.taps?.length) continue;
      byRecipient.set(m.contactId, [...(byRecipient.get(m.contactId) ?? []), m]);
    }
    for (const list of byRecipient.values()) {
      list.sort((a, b) => (b.sentAt ?? 0) - (a.sentAt ?? 0));
      for (const m of list.slice(0, RECIPIENT_MESSAGES_RESCORED)) {
        if (!state.messages.has(m.id)) state.messages.set(m.id, m);
        state.rescore.add(m.id);
      }
    }
  }
  for (let round = 0; round < RESCORE_ROUNDS && state.rescore.size > 0; round++) {
    const ids = [...state.rescore];
    state.rescore.clear();
    await loadForRescore(db, state, ids);
    for (const id of ids) rescoreMessage(state, id, settings);
  }
  // Whatever is still marked after the last round is weighed on the next batch that touches it.
  state.rescore.clear();
}

/**
 * A browser seen on a network new to it changes the network evidence (rule 9's "same network as a
 * browser of theirs") both ways: its own taps are weighed again, and so are the messages of the
 * contacts it is linked to, whose other browsers may be on that network (a laptop that opened a
 * text before the recipient's phone was ever seen at home).
 */
function rescoreNetworkChanges(state: BatchState): void {
  for (const visitorId of state.newNetworks) {
    state.rescoreTappedBy(visitorId);
    for (const link of state.linksByVisitor.get(visitorId) ?? []) {
      if (link.revokedAt === null) state.rescoreRecipients.add(link.contactId);
    }
  }
  state.newNetworks.clear();
}

/**
 * A browser of a recipient's seen earlier or later than before (a page view, no tap) changes rule 9's
 * "another phone of theirs in use before and after" for the taps of other browsers in the time it
 * now spans: those messages are weighed again, as a replay that saw the whole span at once weighs
 * them.
 */
async function rescoreSeenChanges(db: StitchDb, state: BatchState): Promise<void> {
  const windows = new Map<string, { from: number; to: number; visitorId: string }[]>();
  for (const [visitorId, before] of state.seenBefore) {
    const visitor = state.visitors.get(visitorId);
    if (!visitor) continue;
    const moved = [
      ...(visitor.lastSeen > before.lastSeen ? [{ from: before.lastSeen, to: visitor.lastSeen }] : []),
      ...(visitor.firstSeen < before.firstSeen ? [{ from: visitor.firstSeen, to: before.firstSeen }] : []),
    ];
    if (moved.length === 0) continue;
    for (const link of state.linksByVisitor.get(visitorId) ?? []) {
      if (link.revokedAt !== null) continue;
      for (const contactId of new Set([link.contactId, state.rootOf(link.contactId)])) {
        const list = windows.get(contactId) ?? [];
        list.push(...moved.map((w) => ({ ...w, visitorId })));
        windows.set(contactId, list);
      }
    }
  }
  state.seenBefore.clear();
  if (windows.size === 0) return;
  for (const m of await db.messages
    .where('contactId')
    .anyOf([...windows.keys()])
    .toArray()) {
    const spans = windows.get(m.contactId) ?? [];
    const crossed = (m.taps ?? []).some((t) =>
      spans.some((w) => w.visitorId !== t.visitorId && t.at >= w.from && t.at <= w.to),
    );
    if (!crossed) continue;
    if (!state.messages.has(m.id)) state.messages.set(m.id, m);
    state.rescore.add(m.id);
  }
}

async function loadForRescore(db: StitchDb, state: BatchState, messageIds: string[]): Promise<void> {
  // The messages of the batch's browsers too: how many campaigns of a recipient a browser opened.
  const tappers = messageIds.flatMap((id) => (state.messages.get(id)?.taps ?? []).map((t) => t.visitorId));
  const tapped = tappers.flatMap((v) => state.visitors.get(v)?.tapped ?? []);
  const missing = [...new Set([...messageIds, ...tapped])].filter((id) => !state.messages.has(id));
  for (const m of await db.messages.bulkGet(missing)) if (m) state.messages.set(m.id, m);
  const messages = messageIds.flatMap((id) => state.messages.get(id) ?? []);
  const campaigns = [...new Set(messages.map((m) => m.campaignId))].filter((id) => !state.campaigns.has(id));
  for (const c of await db.campaigns.bulkGet(campaigns)) if (c) state.campaigns.set(c.id, c);
  await loadContacts(
    db.contacts,
    state,
    messages.map((m) => m.contactId),
  );

  const unloaded = messageIds.filter((id) => !state.tentativeFor.has(id));
  if (unloaded.length) {
    for (const row of await db.tentativeLinks.where('messageId').anyOf(unloaded).toArray()) {
      if (!state.tentative.has(row.id)) state.tentative.set(row.id, row);
    }
    for (const id of unloaded) state.tentativeFor.add(id);
  }

  // The browsers that tapped, and the browsers already the recipients' (for the network evidence).
  // A recipient's browsers are those of everyone merged into them too.
  const recipients = [...new Set(messages.map((m) => state.rootOf(m.contactId)))];
  const families = await Promise.all(recipients.map((id) => mergedFamily(db.contacts, id)));
  const family = [...new Set(families.flat())];
  await loadContacts(db.contacts, state, family);
  const known = family.length ? await db.identities.where('contactId').anyOf(family).toArray() : [];
  const visitorIds = new Set([
    ...messages.flatMap((m) => (m.taps ?? []).map((t) => t.visitorId)),
    ...known.filter((l) => l.kind === 'visitor').map((l) => l.value),
  ]);
  const needVisitors = [...visitorIds].filter((id) => !state.visitors.has(id));
  for (const v of await db.visitors.bulkGet(needVisitors)) if (v) state.visitors.set(v.id, v);
  // Their tapped messages: whether a recipient's browser is established (two campaigns).
  const knownTapped = [...visitorIds].flatMap((id) => state.visitors.get(id)?.tapped ?? []);
  const needTapped = [...new Set(knownTapped)].filter((id) => !state.messages.has(id));
  for (const m of await db.messages.bulkGet(needTapped)) if (m) state.messages.set(m.id, m);
  const needLinks = [...visitorIds].filter((id) => !state.linksByVisitor.has(id));
  const perVisitor = await Promise.all(
    needLinks.map((id) => db.identities.where('[kind+value]').equals(['visitor', id]).toArray()),
  );
  needLinks.forEach((id, i) => {
    state.linksByVisitor.set(
      id,
      (perVisitor[i] ?? []).filter((l) => !state.deletedLinks.has(l.id)),
    );
  });
}

function rescoreMessage(state: BatchState, messageId: string, settings: IngestSettings): void {
  const message = state.messages.get(messageId);
  const taps = message?.taps ?? [];
  const contact = message ? state.contacts.get(message.contactId) : undefined;
  if (!message || !contact || taps.length === 0) return;
  const recipient = state.rootOf(contact.id);
  const facts: MessageFacts = {
    channel: state.campaigns.get(message.campaignId)?.channel ?? message.channel,
    recipient: contact.firstName || 'the recipient',
    taps,
  };
  if (message.sentAt !== undefined) facts.sentAt = message.sentAt;
  if (message.foreignPreview) facts.foreignPreview = message.foreignPreview;
  const established = establishedBrowsers(state, recipient, message.id);
  if (established.length) facts.recipientBrowsers = established;
  markForwarded(message, state);
  const browsers = new Map<string, BrowserFacts>();
  const decided = new Map<string, Decision>();
  for (const tap of taps) {
    const visitor = state.visitors.get(tap.visitorId);
    if (!visitor) continue;
    const facts = browserFacts(state, visitor, recipient, message.id);
    const decision = decisionOn(
      state,
      tap.visitorId,
      autoLinkId(tap.visitorId, message.contactId, tap.clickEventId),
    );
    if (decision) decided.set(tap.visitorId, decision);
    if (decision === 'refused') facts.refused = true;
    browsers.set(visitor.id, facts);
  }

  let newlyLinked = false;
  for (const tap of taps) {
    // The marketer's word stands: a confirmed, rejected or removed link is never re-weighed.
    if (decided.has(tap.visitorId)) continue;
    const id = autoLinkId(tap.visitorId, message.contactId, tap.clickEventId);
    const links = state.linksByVisitor.get(tap.visitorId) ?? [];
    const tentative = state.tentative.get(id);
    const visitor = state.visitors.get(tap.visitorId);
    const browser = browsers.get(tap.visitorId);
    if (!visitor || !browser) continue;
    const assessment = assessTap(facts, tap, browsers);
    // Rule 4: past K distinct browsers (of a kind the channel is read on) no new browser is
    // linked on this message's evidence alone.
    const trusted =
      assessment.trusted &&
      (assessment.rank <= settings.stitching.forwardThreshold || browser.knownFor !== undefined);
    const current = links.find((l) => l.id === id);
    // Later browsers of this message are weighed knowing whether this one is the recipient's.
    browser.linked = trusted || !!browser.knownFor;
    if (trusted) {
      if (current) {
        if (!sameAssessment(current, assessment)) {
          const updated = { ...current, confidence: assessment.confidence, evidence: assessment.evidence };
          links[links.indexOf(current)] = updated;
          state.dirtyLinks.set(id, updated);
        }
      } else {
        // Only a link actually made changes the facts of the message's other browsers (one already
        // covered by another link is not): a round spent for nothing leaves less for what is left.
        const made = applyLink(state, settings, {
          visitor,
          contactId: message.contactId,
          at: tap.at,
          sessionStart: tap.sessionStart ?? tap.at,
          source: CHANNELS[facts.channel].clickSource,
          causeEventId: tap.clickEventId,
          campaignId: message.campaignId,
          messageId: message.id,
          confidence: assessment.confidence,
          evidence: assessment.evidence,
        });
        if (made) newlyLinked = true;
      }
      if (tentative) {
        state.tentative.delete(id);
        state.dirtyTentative.delete(id);
        state.deletedTentative.add(id);
      }
    } else {
      if (current) demote(state, current);
      putTentative(state, tentative, {
        id,
        visitorId: tap.visitorId,
        contactId: message.contactId,
        messageId: message.id,
        campaignId: message.campaignId,
        causeEventId: tap.clickEventId,
        at: tap.at,
        assessment,
      });
    }
  }
  // A browser linked just now is the recipient's for the network evidence of the message's other
  // browsers (a laptop beside the phone that was linked in the same batch): weigh them again.
  if (newlyLinked) state.rescore.add(messageId);
}

type Decision = 'confirmed' | 'refused';

/**
 * Whether a stored link already says what the assessment says: its confidence and its reasons in
 * words (a reason's text can change with the same weight, e.g. how many campaigns it opened).
 */
function sameAssessment(
  stored: { confidence?: number; evidence?: readonly Evidence[] },
  assessment: Assessment,
): boolean {
  if (stored.confidence !== assessment.confidence) return false;
  const before = stored.evidence ?? [];
  return (
    before.length === assessment.evidence.length &&
    before.every((e, i) => {
      const now = assessment.evidence[i];
      return now !== undefined && e.kind === now.kind && e.weight === now.weight && e.text === now.text;
    })
  );
}

/** What the marketer decided on a tap's link: confirmed it, or refused it (rejected, or removed by hand). */
function decisionOn(state: BatchState, visitorId: string, linkId: string): Decision | undefined {
  const link = (state.linksByVisitor.get(visitorId) ?? []).find((l) => l.id === linkId);
  const status = state.tentative.get(linkId)?.status;
  if ((link && link.revokedAt !== null) || status === 'rejected') return 'refused';
  if (status === 'confirmed' || link?.flags.includes('confirmed')) return 'confirmed';
  return undefined;
}

function putTentative(
  state: BatchState,
  existing: TentativeLinkRow | undefined,
  link: Omit<TentativeLinkRow, 'confidence' | 'evidence' | 'status' | 'updatedAt'> & {
    assessment: Assessment;
  },
): void {
  const { assessment, ...fields } = link;
  if (existing && sameAssessment(existing, assessment)) return;
  const row: TentativeLinkRow = {
    ...fields,
    confidence: assessment.confidence,
    evidence: assessment.evidence,
    status: 'tentative',
    updatedAt: link.at,
  };
  state.tentative.set(row.id, row);
  state.dirtyTentative.add(row.id);
  state.deletedTentative.delete(row.id);
}

/** A message opened by more than one browser, or previewed in a chat, is flagged as forwarded. */
function markForwarded(message: MessageRow, state: BatchState): void {
  const taps = message.taps ?? [];
  const at = taps.length > 1 ? taps[1]?.at : undefined;
  const forwardedAt = [at, message.foreignPreview?.at].reduce<number | undefined>(
    (min, t) => (t === undefined ? min : min === undefined ? t : Math.min(min, t)),
    undefined,
  );
  if (forwardedAt === undefined || (message.forwarded && message.forwardedAt === forwardedAt)) return;
  message.forwarded = true;
  message.forwardedAt = forwardedAt;
  state.dirtyMessages.add(message.id);
}

/**
 * The recipient's browsers that no single forward explains, apart from one message: linked by a
 * form, identify or hand, or by the recipient's links of two campaigns. A stranger glued by one
 * forwarded tap is never one of them, so it cannot count against the recipient's own phone.
 */
function establishedBrowsers(
  state: BatchState,
  recipient: string,
  messageId: string,
): NonNullable<MessageFacts['recipientBrowsers']> {
  const found: NonNullable<MessageFacts['recipientBrowsers']>[number][] = [];
  for (const [visitorId, links] of state.linksByVisitor) {
    const mine = links.filter(
      (l) => l.revokedAt === null && l.messageId !== messageId && state.rootOf(l.contactId) === recipient,
    );
    if (mine.length === 0) continue;
    const visitor = state.visitors.get(visitorId);
    const campaigns = new Set(
      (visitor?.tapped ?? []).flatMap((id) => {
        const m = state.messages.get(id);
        return m && state.rootOf(m.contactId) === recipient ? [m.campaignId] : [];
      }),
    );
    if (mine.every((l) => l.messageId !== undefined) && campaigns.size < 2) continue;
    if (visitor) {
      found.push({
        visitorId,
        device: visitor.device,
        firstSeen: visitor.firstSeen,
        lastSeen: visitor.lastSeen,
      });
    }
  }
  return found;
}

/** What is known about a browser apart from one message: other links, identity claims, networks. */
function browserFacts(
  state: BatchState,
  visitor: VisitorRow,
  recipient: string,
  messageId: string,
): BrowserFacts {
  const facts: BrowserFacts = {};
  const live = (state.linksByVisitor.get(visitor.id) ?? []).filter((l) => l.revokedAt === null);
  const own = live.find((l) => state.rootOf(l.contactId) === recipient && l.messageId !== messageId);
  if (own) facts.knownFor = knownBy(state, own);
  if (live.some((l) => state.rootOf(l.contactId) === recipient)) facts.linked = true;
  const claims = live.filter((l) => l.source === 'form' || l.source === 'identify');
  if (claims.some((l) => state.rootOf(l.contactId) === recipient)) facts.identifiedAs = 'recipient';
  else if (claims.length > 0) facts.identifiedAs = 'other';
  else {
    // An unknown email says "someone else" only if the recipient has an email on record.
    const contact = state.contacts.get(recipient);
    const onRecord = {
      email: !!contact?.email,
      phone: !!(contact?.phone || contact?.whatsapp),
      userId: !!contact?.userId,
    };
    if (visitor.unknownIdentifiers?.some((kind) => onRecord[kind])) facts.identifiedAs = 'unknown';
  }
  const campaigns = new Set(
    (visitor.tapped ?? []).flatMap((id) => {
      const other = id === messageId ? undefined : state.messages.get(id);
      return other && state.rootOf(other.contactId) === recipient ? [other.campaignId] : [];
    }),
  );
  if (campaigns.size > 0) facts.otherCampaigns = campaigns.size;
  // Both network facts need a network seen on this browser: without one, "never on one network"
  // would be said of browsers known by nothing.
  const mine = new Set((visitor.networks ?? []).map((n) => n.ip));
  const app = inAppBrowserOf(visitor.userAgent);
  if (app) facts.inApp = app;
  const platform = platformOf(visitor.os);
  if (platform) facts.platform = platform;
  const preview = state.messages.get(messageId)?.foreignPreview;
  if (preview?.network && mine.has(preview.network)) {
    facts.onPreviewNetwork = true;
    if (platform && previewPlatform(preview.agent) === platform) {
      const network = new Set([preview.network]);
      for (const other of recipientsBrowsers(state, recipient, visitor.id, messageId)) {
        if (platformOf(other.os) === platform && sharesNetwork(other, network)) {
          facts.sharerElsewhere = true;
          break;
        }
      }
    }
  }
  if (!own && mine.size > 0) {
    if (visitor.device !== 'unknown' && otherPhoneOf(state, visitor, mine, recipient, messageId)) {
      facts.recipientOtherPhone = true;
    }
    // A browser that is the recipient's only by its own tap on this message, after this one's, is
    // no support for it: support runs forward in time (the phone, then the laptop beside it), never
    // round in a circle (the laptop holding up the phone that holds it up, whatever demotes either).
    const message = state.messages.get(messageId);
    const tapOf = (id: string) => message?.taps?.find((t) => t.visitorId === id)?.at;
    const at = tapOf(visitor.id);
    const supports = (other: VisitorRow) => {
      const otherAt = tapOf(other.id);
      if (at === undefined || otherAt === undefined || otherAt <= at) return true;
      return linkedTo(state, state.linksByVisitor.get(other.id) ?? [], recipient, messageId);
    };
    for (const other of recipientsBrowsers(state, recipient, visitor.id)) {
      if (sharesNetwork(other, mine) && supports(other)) {
        facts.sameNetwork = true;
        break;
      }
    }
  }
  return facts;
}

/**
 * The batch's browsers, other than `except`, with a live link to the recipient (apart from the
 * links of `apartFrom`, a message, when given).
 */
function* recipientsBrowsers(
  state: BatchState,
  recipient: string,
  except: string,
  apartFrom?: string,
): Generator<VisitorRow> {
  for (const [visitorId, links] of state.linksByVisitor) {
    if (visitorId === except) continue;
    const visitor = linkedTo(state, links, recipient, apartFrom) ? state.visitors.get(visitorId) : undefined;
    if (visitor) yield visitor;
  }
}

/** Whether `links` (a browser's) hold a live one to the recipient, apart from those of `apartFrom`, a message. */
const linkedTo = (
  state: BatchState,
  links: readonly IdentityRow[],
  recipient: string,
  apartFrom?: string,
): boolean =>
  links.some(
    (l) =>
      l.revokedAt === null &&
      (apartFrom === undefined || l.messageId !== apartFrom) &&
      state.rootOf(l.contactId) === recipient,
  );

/** Whether a browser was seen on any of `networks`. */
const sharesNetwork = (visitor: VisitorRow | undefined, networks: ReadonlySet<string>): boolean =>
  visitor?.networks?.some((n) => networks.has(n.ip)) ?? false;

/**
 * Whether another browser of the visitor's device class is linked to the recipient by a tap on a
 * message it alone opened (no other browser, no chat preview), and was seen on networks, none of
 * them the visitor's (`mine`).
 */
function otherPhoneOf(
  state: BatchState,
  visitor: VisitorRow,
  mine: ReadonlySet<string>,
  recipient: string,
  messageId: string,
): boolean {
  for (const [otherId, links] of state.linksByVisitor) {
    if (otherId === visitor.id) continue;
    const other = state.visitors.get(otherId);
    if (!other || other.device !== visitor.device) continue;
    const clean = links.some((l) => {
      if (l.revokedAt !== null || !l.messageId || l.messageId === messageId) return false;
      if (state.rootOf(l.contactId) !== recipient) return false;
      const m = state.messages.get(l.messageId);
      return !!m && (m.taps?.length ?? 0) === 1 && !m.foreignPreview;
    });
    if (clean && other.networks?.length && !sharesNetwork(other, mine)) return true;
  }
  return false;
}

function knownBy(state: BatchState, link: IdentityRow): string {
  if (link.flags.includes('confirmed')) return 'hand';
  switch (link.source) {
    case 'form':
      return 'a form';
    case 'identify':
      return 'the website identifying them';
    case 'manual':
    case 'import':
      return 'hand';
    default: {
      const campaign = link.campaignId ? state.campaigns.get(link.campaignId) : undefined;
      return campaign ? `the campaign ${campaign.name}` : 'another campaign';
    }
  }
}
