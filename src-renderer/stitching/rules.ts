// The automatic stitching rules of DESIGN §6 as pure decisions over one visitor's links and one
// link request: click and form links (1, 2), shared devices (3) and lookback. How sure a click link
// is (rule 9) is decided in evidence.ts; when to make, keep or demote it, in auto.ts.
// Callers load the rows and write back the ones returned; nothing here touches events.
import type { LookbackMode } from '../../src-main/shared/settings';
import type { IdentityRow, LinkSource, VisitorRow } from '../db/types';
import type { Evidence } from './evidence';

export interface LinkRequest {
  visitor: VisitorRow;
  contactId: string;
  /** Click time (click tokens) or event time (forms, identify). */
  at: number;
  /** Start of the visitor's session holding the stitching event. */
  sessionStart: number;
  source: LinkSource;
  causeEventId: string;
  campaignId?: string;
  messageId?: string;
  confidence?: number;
  evidence?: Evidence[];
}

export type LinkOutcome = 'linked' | 'alreadyLinked' | 'revokedByUser' | 'sharedDevice';

export interface LinkDecision {
  outcome: LinkOutcome;
  /** New or changed identity rows to write. */
  changed: IdentityRow[];
  /** With `alreadyLinked`: the link that already gives the visitor to the contact at that time. */
  covering?: IdentityRow;
}

/** Same ids on every replay, so a rebuilt store and the audit log agree on which link is which. */
export const autoLinkId = (visitorId: string, contactId: string, causeEventId: string): string =>
  `link:${visitorId}:${contactId}:${causeEventId}`;

/** Where a new link's interval starts, by the lookback setting. */
export function lookbackStart(
  mode: LookbackMode,
  visitor: VisitorRow,
  sessionStart: number,
  at: number,
): number {
  switch (mode) {
    case 'all':
      return Math.min(visitor.firstSeen, at);
    case 'session':
      return Math.min(sessionStart, at);
    case 'click':
      return at;
  }
}

/** The live link covering time `t` on a visitor, if any. */
export function linkAt(links: readonly IdentityRow[] | undefined, t: number): IdentityRow | undefined {
  return links?.find((l) => l.revokedAt === null && l.from <= t && (l.to === null || t < l.to));
}

export const openLinkOf = (links: readonly IdentityRow[] | undefined): IdentityRow | undefined =>
  links?.find((l) => l.revokedAt === null && l.to === null);

/**
 * Links a visitor to a contact (rules 1–3). `links` are all of the visitor's identity rows and
 * `rootOf` resolves merged contacts. A link the user revoked is never re-created; a visitor already
 * linked to someone else is a shared device: that interval closes at `at` and the new one opens there.
 * Links that begin after `at` are left as they are and the new one ends where the first of them
 * begins: an event older than a link already made (a hand stitch a rebuild carried over before
 * replaying, evidence that promotes an earlier tap, an event that arrives late) fills the time
 * before it, never overrides it.
 */
export function linkVisitor(
  links: readonly IdentityRow[],
  request: LinkRequest,
  lookback: LookbackMode,
  rootOf: (contactId: string) => string,
): LinkDecision {
  const target = rootOf(request.contactId);
  if (links.some((l) => l.revokedAt !== null && rootOf(l.contactId) === target)) {
    return { outcome: 'revokedByUser', changed: [] };
  }
  const id = autoLinkId(request.visitor.id, request.contactId, request.causeEventId);
  // The same cause made this link already (a rebuild carried it over as it was): it stays so.
  const same = links.find((l) => l.id === id);
  if (same) return { outcome: 'alreadyLinked', changed: [], covering: same };
  const live = links.filter((l) => l.revokedAt === null);
  const later = live.filter((l) => l.from > request.at);
  const begun = live.filter((l) => l.from <= request.at);
  const open = openLinkOf(begun);
  const covering = begun.find((l) => rootOf(l.contactId) === target && (l.to === null || request.at < l.to));
  if (covering) return { outcome: 'alreadyLinked', changed: [], covering };
  const next = later.reduce<IdentityRow | undefined>(
    (first, l) => (!first || l.from < first.from ? l : first),
    undefined,
  );
  if (next && rootOf(next.contactId) === target) {
    return { outcome: 'alreadyLinked', changed: [], covering: next };
  }

  const base: IdentityRow = {
    id,
    kind: 'visitor',
    value: request.visitor.id,
    contactId: request.contactId,
    from: request.at,
    to: next ? next.from : null,
    source: request.source,
    causeEventId: request.causeEventId,
    createdAt: request.at,
    revokedAt: null,
    flags: [],
  };
  if (request.campaignId) base.campaignId = request.campaignId;
  if (request.messageId) base.messageId = request.messageId;
  if (request.confidence !== undefined) base.confidence = request.confidence;
  if (request.evidence) base.evidence = request.evidence;

  if (open) {
    const closeAt = Math.max(open.from, request.at);
    const closed: IdentityRow = {
      ...open,
      to: closeAt,
      flags: open.flags.includes('sharedDevice') ? open.flags : [...open.flags, 'sharedDevice'],
    };
    return {
      outcome: 'sharedDevice',
      changed: [closed, { ...base, from: closeAt, flags: ['sharedDevice'], closedLinkId: open.id }],
    };
  }

  // Never reach back into an interval that already belonged to someone else.
  const earlierEnd = begun.reduce(
    (end, l) => (l.to !== null && l.to <= request.at ? Math.max(end, l.to) : end),
    Number.NEGATIVE_INFINITY,
  );
  const from = Math.max(
    lookbackStart(lookback, request.visitor, request.sessionStart, request.at),
    earlierEnd,
  );
  return { outcome: 'linked', changed: [{ ...base, from: Math.min(from, request.at) }] };
}

/** What presenting a click token amounts to (rule 1): tokens are one-time and expire. */
export type TokenPresentation = 'claim' | 'again' | 'reused' | 'expired';

const HOUR_MS = 3_600_000;

/**
 * Rule 1's one-time tokens. The first browser to present a token within `ttlHours` of its click
 * claims it: only that browser may link by it, and presenting it again there is fine. Any other
 * browser is a reuse (a copied or shared URL), and a token presented too late links nobody. Times
 * are event times, so a replay of the journal judges every presentation the same way.
 */
export function judgeTokenPresentation(
  claimedBy: string | undefined,
  visitorId: string,
  clickedAt: number,
  presentedAt: number,
  ttlHours: number,
): TokenPresentation {
  if (claimedBy === visitorId) return 'again';
  if (claimedBy !== undefined) return 'reused';
  if (presentedAt - clickedAt > ttlHours * HOUR_MS) return 'expired';
  return 'claim';
}
