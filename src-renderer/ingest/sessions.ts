// Visitors and sessions as events arrive: a visitor's counters, device and networks, and the
// session (30 minutes of inactivity, by event time) each event belongs to.
import type { EventRow, NetworkSeen, SessionRow, VisitorRow } from '../db/types';
import { describeDevice } from '../stitching/device';
import { openLinkOf } from '../stitching/rules';
import type { BatchState } from './batch-state';
import type { Parsed } from './parse';

/** Inactivity that ends a session (by event time). */
export const SESSION_GAP_MS = 30 * 60 * 1000;

/** Networks kept per visitor: enough for home, work and a phone's carrier. */
const NETWORKS_KEPT = 8;

export function touchVisitor(state: BatchState, p: Parsed, row: EventRow): VisitorRow {
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
  if (!state.seenBefore.has(id)) {
    state.seenBefore.set(id, { firstSeen: visitor.firstSeen, lastSeen: visitor.lastSeen });
  }
  visitor.firstSeen = Math.min(visitor.firstSeen, p.time);
  visitor.lastSeen = Math.max(visitor.lastSeen, p.time);
  visitor.events += 1;
  if (p.event.type === 'page') visitor.pageViews += 1;
  if (p.bot) visitor.bot = true;
  if (p.ip && !p.bot && visitor.networks?.at(-1)?.ip !== p.ip) {
    visitor.networks = arriveOn(visitor.networks ?? [], p.ip);
    if (visitor.networks.at(-1)?.seen === 1) state.newNetworks.add(id);
  }
  if (row.userAgent && row.userAgent !== visitor.userAgent) {
    // Its platform and whether it is an app's own browser are evidence on the texts it opened.
    if (visitor.userAgent !== undefined) state.rescoreTappedBy(id);
    const device = describeDevice(row.userAgent);
    visitor.userAgent = row.userAgent;
    visitor.device = device.device;
    if (device.browser) visitor.browser = device.browser;
    if (device.os) visitor.os = device.os;
  }
  state.dirtyVisitors.add(id);
  return visitor;
}

/**
 * The networks after a browser arrives on `ip` (from another one): it moves to the end with one more
 * arrival; a network new to it takes the place of the one it came back to least often (the oldest
 * of those), so carrier addresses that change every few minutes push out each other, not home.
 */
function arriveOn(networks: readonly NetworkSeen[], ip: string): NetworkSeen[] {
  const known = networks.find((n) => n.ip === ip);
  const rest = networks.filter((n) => n !== known);
  if (!known && rest.length >= NETWORKS_KEPT) {
    const least = rest.reduce((a, b) => (b.seen < a.seen ? b : a));
    rest.splice(rest.indexOf(least), 1);
  }
  return [...rest, { ip, seen: (known?.seen ?? 0) + 1 }];
}

/** Extends the visitor's latest session when the event is within 30 minutes of it; else opens one. */
export function placeInSession(
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
