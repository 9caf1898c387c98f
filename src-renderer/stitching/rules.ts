// The automatic stitching rules of DESIGN §6 as pure decisions over one visitor's links and one
// message: click and form links (1, 2), shared devices (3), forwarded links (4) and lookback.
// Callers load the rows and write back the ones returned; nothing here touches events.
import type { LookbackMode } from '../../src-main/shared/settings';
import type { IdentityRow, LinkSource, MessageRow, VisitorRow } from '../db/types';

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
}

export type LinkOutcome = 'linked' | 'alreadyLinked' | 'revokedByUser' | 'sharedDevice';

export interface LinkDecision {
  outcome: LinkOutcome;
  /** New or changed identity rows to write. */
  changed: IdentityRow[];
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
  const open = openLinkOf(links);
  if (open && rootOf(open.contactId) === target) return { outcome: 'alreadyLinked', changed: [] };

  const base: IdentityRow = {
    id: autoLinkId(request.visitor.id, request.contactId, request.causeEventId),
    kind: 'visitor',
    value: request.visitor.id,
    contactId: request.contactId,
    from: request.at,
    to: null,
    source: request.source,
    causeEventId: request.causeEventId,
    createdAt: request.at,
    revokedAt: null,
    flags: [],
  };
  if (request.campaignId) base.campaignId = request.campaignId;
  if (request.messageId) base.messageId = request.messageId;

  if (open) {
    const closeAt = Math.max(open.from, request.at);
    const closed: IdentityRow = {
      ...open,
      to: closeAt,
      flags: open.flags.includes('sharedDevice') ? open.flags : [...open.flags, 'sharedDevice'],
    };
    return {
      outcome: 'sharedDevice',
      changed: [closed, { ...base, from: closeAt, flags: ['sharedDevice'] }],
    };
  }

  // Never reach back into an interval that already belonged to someone else.
  const earlierEnd = links.reduce(
    (end, l) => (l.revokedAt === null && l.to !== null ? Math.max(end, l.to) : end),
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

export type TokenVerdict = 'repeat' | 'link' | 'forwarded';

const TOKEN_VISITORS_KEPT = 100;

/**
 * Rule 4: counts the distinct visitors presenting a message's tokens (mutates `message`). The first
 * `threshold` are linked; beyond that the message is forwarded and later visitors stay anonymous.
 */
export function countTokenVisitor(
  message: MessageRow,
  visitorId: string,
  threshold: number,
  at: number,
): TokenVerdict {
  const seen = message.tokenVisitors ?? [];
  if (seen.includes(visitorId)) return 'repeat';
  const distinct = seen.length + 1;
  if (seen.length < TOKEN_VISITORS_KEPT) message.tokenVisitors = [...seen, visitorId];
  if (message.forwarded || distinct > threshold) {
    if (!message.forwarded) {
      message.forwarded = true;
      message.forwardedAt = at;
    }
    return 'forwarded';
  }
  return 'link';
}
