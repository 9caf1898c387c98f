// Visitors not linked to anyone (the "Visitors" page), newest first, each with its recent sessions.
import type { StitchDb } from '../db';
import type { SessionRow, VisitorRow } from '../db/types';
import { explainTokenRefusal } from '../stitching/explain';

export interface AnonymousVisitor {
  visitor: VisitorRow;
  /** Newest first. */
  sessions: SessionRow[];
  /** Why a tracked link this browser opened did not link it (token reused or expired), in words. */
  tokenNote?: string;
}

export interface AnonymousVisitorsQuery {
  siteId?: string;
  since?: number;
  until?: number;
  limit?: number;
  includeBots?: boolean;
  sessionsPerVisitor?: number;
}

export async function anonymousVisitors(
  db: StitchDb,
  {
    siteId,
    since,
    until,
    limit = 50,
    includeBots = false,
    sessionsPerVisitor = 10,
  }: AnonymousVisitorsQuery = {},
): Promise<AnonymousVisitor[]> {
  const visitors = await db.visitors
    .where('[stitched+lastSeen]')
    .between([0, since ?? Number.NEGATIVE_INFINITY], [0, until ?? Number.POSITIVE_INFINITY], true, true)
    .reverse()
    .filter((v) => (includeBots || !v.bot) && (!siteId || v.siteId === siteId))
    .limit(limit)
    .toArray();
  return Promise.all(
    visitors.map(async (visitor) => {
      const entry: AnonymousVisitor = {
        visitor,
        sessions: await db.sessions
          .where('[visitorId+start]')
          .between([visitor.id, Number.NEGATIVE_INFINITY], [visitor.id, Number.POSITIVE_INFINITY])
          .reverse()
          .limit(sessionsPerVisitor)
          .toArray(),
      };
      const refused = visitor.tokenRefused;
      if (refused) {
        const campaign = refused.campaignId ? await db.campaigns.get(refused.campaignId) : undefined;
        entry.tokenNote = explainTokenRefusal(refused, campaign?.name);
      }
      return entry;
    }),
  );
}
