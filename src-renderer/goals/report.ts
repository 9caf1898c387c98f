// Goal conversions of a campaign: for every browser that opened a recipient's link, the goal events
// it made within the goal's window after its tap — counted once per recipient, with revenue, the
// median click-to-conversion time, and whether the converting browser was the recipient's own.
import type { StitchDb } from '../db';
import { type ActivityEntry, activityIn, pathViewsIn } from '../db/activity-keys';
import type { Channel, EventRow, GoalRow } from '../db/types';
import { ALL_TIME, inRange, type ReportRange } from '../queries/report-range';
import { type ClassifiedTap, campaignClickLinks, classifyTaps, type OpenerKind } from '../queries/reports';
import { compilePattern } from '../segments/model';
import { goalMatcher, goalValue, windowMs } from './model';

export interface GoalResult {
  goalId: string;
  name: string;
  /** Recipients (messages) with at least one conversion in the window after a tap. */
  conversions: number;
  /** Conversions over sent messages (0 when nothing was sent). */
  rate: number;
  /** Sum of the value property over every converting event; null when the goal has no value. */
  revenue: number | null;
  /** Median time from the tap to the recipient's first conversion; null without conversions. */
  medianMs: number | null;
  /** By the browser of each recipient's first conversion. */
  by: Record<OpenerKind, number>;
}

export interface CampaignGoals {
  campaignId: string;
  sent: number;
  goals: GoalResult[];
}

/** `range` keeps the conversions made in it (the click may be earlier, within the goal's window). */
export async function campaignGoals(
  db: StitchDb,
  campaignId: string,
  goals: readonly GoalRow[],
  range: ReportRange = ALL_TIME,
): Promise<CampaignGoals> {
  const [messages, links, tentative] = await Promise.all([
    db.messages.where('campaignId').equals(campaignId).toArray(),
    campaignClickLinks(campaignId, db),
    db.tentativeLinks.where('campaignId').equals(campaignId).toArray(),
  ]);
  const sent = messages.filter((m) => m.status === 'sent').length;
  const taps = classifyTaps(messages, links, tentative);
  const results = await Promise.all(
    goals.map(async (goal) => goalResult(goal, taps, await goalEvents(db, goal, taps), sent, range)),
  );
  return { campaignId, sent, goals: results };
}

/**
 * The goal's events that may fall in a tap's window, by browser. Path and event goals read their
 * own range of the activity keys over the campaign's windows (cost follows the goal's events, not
 * the browsers' traffic), then the tapping browsers' events among them; a URL goal has no key, so
 * the tapping browsers' events in their windows are read.
 */
async function goalEvents(
  db: StitchDb,
  goal: GoalRow,
  taps: readonly ClassifiedTap[],
): Promise<Map<string, EventRow[]>> {
  const byVisitor = new Map<string, EventRow[]>();
  if (taps.length === 0) return byVisitor;
  const from = Math.min(...taps.map((t) => t.at));
  const to = Math.max(...taps.map((t) => t.at)) + windowMs(goal);
  let entries: ActivityEntry[];
  if (goal.kind === 'page' && goal.on === 'path') {
    entries = await pathViewsIn(db.activityKeys, compilePattern(goal.pattern, goal.match), from, to);
  } else if (goal.kind === 'event') {
    entries = await activityIn(db.activityKeys, 'event', goal.eventName, from, to);
  } else {
    return browserEvents(db, taps, windowMs(goal));
  }
  // Only the tapping browsers' events are read whole (a property filter, a value, the matcher).
  const tappers = new Set(taps.map((t) => t.visitorId));
  const theirs = entries.filter((e) => e.visitorId !== undefined && tappers.has(e.visitorId));
  const rows = await db.events.bulkGet(theirs.map((e) => e.eventId));
  const matches = goalMatcher(goal);
  for (const event of rows) {
    if (!event?.visitorId || !matches(event)) continue;
    const list = byVisitor.get(event.visitorId) ?? [];
    list.push(event);
    byVisitor.set(event.visitorId, list);
  }
  return byVisitor;
}

/** Each tapping browser's events from its earliest tap to its latest tap plus the window. */
async function browserEvents(
  db: StitchDb,
  taps: readonly ClassifiedTap[],
  window: number,
): Promise<Map<string, EventRow[]>> {
  const spans = new Map<string, { from: number; to: number }>();
  for (const tap of taps) {
    const span = spans.get(tap.visitorId);
    if (!span) spans.set(tap.visitorId, { from: tap.at, to: tap.at + window });
    else {
      span.from = Math.min(span.from, tap.at);
      span.to = Math.max(span.to, tap.at + window);
    }
  }
  const entries = await Promise.all(
    [...spans].map(async ([visitorId, { from, to }]) => {
      const rows = await db.events
        .where('[visitorId+timestamp]')
        .between([visitorId, from], [visitorId, to], true, true)
        .toArray();
      return [visitorId, rows] as const;
    }),
  );
  return new Map(entries);
}

/** One goal over the classified taps: the window is inclusive at both ends ([tap, tap + window]). */
export function goalResult(
  goal: GoalRow,
  taps: readonly ClassifiedTap[],
  events: ReadonlyMap<string, readonly EventRow[]>,
  sent: number,
  range: ReportRange = ALL_TIME,
): GoalResult {
  const matches = goalMatcher(goal);
  const span = windowMs(goal);
  const first = new Map<string, { delay: number; at: number; kind: OpenerKind }>();
  const valued = new Map<string, number>();
  let anyValue = false;
  for (const tap of taps) {
    for (const event of events.get(tap.visitorId) ?? []) {
      if (event.timestamp < tap.at || event.timestamp > tap.at + span || !matches(event)) continue;
      if (!inRange(range, event.timestamp)) continue;
      const value = goalValue(goal, event);
      if (value !== null) {
        anyValue = true;
        // An event in the window of two taps (two messages) is one sale, counted once.
        valued.set(event.id, value);
      }
      const best = first.get(tap.messageId);
      if (!best || event.timestamp < best.at) {
        first.set(tap.messageId, { delay: event.timestamp - tap.at, at: event.timestamp, kind: tap.kind });
      }
    }
  }
  const by: Record<OpenerKind, number> = { owner: 0, tentative: 0, forwarded: 0 };
  for (const conversion of first.values()) by[conversion.kind]++;
  const delays = [...first.values()].map((c) => c.delay).sort((a, b) => a - b);
  return {
    goalId: goal.id,
    name: goal.name,
    conversions: first.size,
    rate: sent > 0 ? first.size / sent : 0,
    revenue: anyValue || (goal.kind === 'event' && goal.valueProperty) ? sumOf(valued.values()) : null,
    medianMs: delays.length === 0 ? null : median(delays),
    by,
  };
}

const sumOf = (values: Iterable<number>): number => {
  let total = 0;
  for (const v of values) total += v;
  return total;
};

function median(sorted: readonly number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export interface GoalComparisonRow {
  campaignId: string;
  name: string;
  channel: Channel;
  sent: number;
  result: GoalResult;
}

export interface GoalChannelTotals {
  channel: Channel;
  campaigns: number;
  sent: number;
  conversions: number;
  rate: number;
  revenue: number | null;
}

/** The Reports page's comparison by goal: every sent campaign's result, and totals per channel. */
export async function goalComparison(
  db: StitchDb,
  goal: GoalRow,
  range: ReportRange = ALL_TIME,
): Promise<{ campaigns: GoalComparisonRow[]; totals: GoalChannelTotals[] }> {
  const campaigns = (await db.campaigns.toArray()).sort((a, b) => b.createdAt - a.createdAt);
  const rows = (
    await Promise.all(
      campaigns.map(async (campaign): Promise<GoalComparisonRow | null> => {
        const { sent, goals } = await campaignGoals(db, campaign.id, [goal], range);
        const result = goals[0];
        if (sent === 0 || !result) return null;
        return { campaignId: campaign.id, name: campaign.name, channel: campaign.channel, sent, result };
      }),
    )
  ).filter((row): row is GoalComparisonRow => row !== null);
  const totals = (['sms', 'whatsapp'] as const).map((channel): GoalChannelTotals => {
    const mine = rows.filter((r) => r.channel === channel);
    const sent = mine.reduce((n, r) => n + r.sent, 0);
    const conversions = mine.reduce((n, r) => n + r.result.conversions, 0);
    const revenues = mine.map((r) => r.result.revenue).filter((v): v is number => v !== null);
    return {
      channel,
      campaigns: mine.length,
      sent,
      conversions,
      rate: sent > 0 ? conversions / sent : 0,
      revenue: revenues.length > 0 ? sumOf(revenues) : null,
    };
  });
  return { campaigns: rows, totals };
}
