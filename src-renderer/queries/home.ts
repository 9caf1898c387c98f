// The home page's numbers: the getting-started checklist read from real state, and the headline
// figures of the last 7 or 30 days (messages sent, clicks, browsers stitched by a click, and the
// page views those browsers made after their click), each per local day for a small chart.
// The guided demo's rows are left out: they show how the app works, not how the marketer's going.
import Dexie from 'dexie';
import type { StitchDb } from '../db';
import type { IdentityRow } from '../db/types';
import { DEMO_LIST, isDemoCampaign, isDemoContact } from '../demo/demo';

export interface ChecklistState {
  contactsAdded: boolean;
  campaignSent: boolean;
  firstStitch: boolean;
}

async function demoContactIds(db: StitchDb): Promise<Set<string>> {
  return new Set(await db.contacts.where('lists').equals(DEMO_LIST).primaryKeys());
}

/** Live links of browsers to contacts outside the demo (any source: a click, a form, by hand). */
async function visitorLinks(db: StitchDb, demoIds: ReadonlySet<string>): Promise<IdentityRow[]> {
  return db.identities
    .where('[kind+value]')
    .between(['visitor', Dexie.minKey], ['visitor', Dexie.maxKey])
    .filter((l) => l.revokedAt === null && !demoIds.has(l.contactId))
    .toArray();
}

export async function checklistState(db: StitchDb): Promise<ChecklistState> {
  const demoIds = await demoContactIds(db);
  const [contact, campaign, stitch] = await Promise.all([
    db.contacts.filter((c) => !isDemoContact(c)).first(),
    db.campaigns.filter((c) => !isDemoCampaign(c) && (c.status === 'sent' || c.sentAt !== undefined)).first(),
    db.identities
      .where('[kind+value]')
      .between(['visitor', Dexie.minKey], ['visitor', Dexie.maxKey])
      .filter((l) => l.revokedAt === null && !demoIds.has(l.contactId))
      .first(),
  ]);
  return { contactsAdded: !!contact, campaignSent: !!campaign, firstStitch: !!stitch };
}

export interface DailySeries {
  total: number;
  /** One count per day, oldest first, aligned with `HomeFigures.days`. */
  perDay: number[];
}

export interface HomeFigures {
  /** Local midnight of each day in the range, oldest first; the last is today. */
  days: number[];
  messages: DailySeries;
  clicks: DailySeries;
  stitchedVisitors: DailySeries;
  postClickPageViews: DailySeries;
}

/** Local midnights of the last `count` days, today last (calendar days, so DST shifts are right). */
export function dayStarts(count: number, now: number): number[] {
  const today = new Date(now);
  today.setHours(0, 0, 0, 0);
  return Array.from({ length: count }, (_, i) => {
    const day = new Date(today);
    day.setDate(today.getDate() - (count - 1 - i));
    return day.getTime();
  });
}

function series(days: readonly number[], times: Iterable<number>): DailySeries {
  const index = new Map(days.map((d, i) => [d, i]));
  const perDay = new Array<number>(days.length).fill(0);
  let total = 0;
  for (const t of times) {
    const day = new Date(t);
    day.setHours(0, 0, 0, 0);
    const i = index.get(day.getTime());
    if (i === undefined) continue;
    perDay[i] = (perDay[i] ?? 0) + 1;
    total += 1;
  }
  return { total, perDay };
}

export async function homeFigures(db: StitchDb, dayCount: number, now = Date.now()): Promise<HomeFigures> {
  const days = dayStarts(dayCount, now);
  const from = days[0] ?? now;
  const campaigns = (await db.campaigns.toArray()).filter((c) => !isDemoCampaign(c));
  const inRange = (t: number) => t >= from && t <= now;
  const sends: number[] = [];
  const clicks: number[] = [];
  await Promise.all(
    campaigns.map(async (campaign) => {
      const [sent, clicked] = await Promise.all([
        db.events.where('[campaignId+type]').equals([campaign.id, 'message_sent']).toArray(),
        db.events.where('[campaignId+type]').equals([campaign.id, 'link_click']).toArray(),
      ]);
      for (const e of sent) if (inRange(e.timestamp)) sends.push(e.timestamp);
      // Counted as the campaign report counts them: a recipient's click, not a bot's.
      for (const e of clicked)
        if (!e.bot && e.recipientMessageId && inRange(e.timestamp)) clicks.push(e.timestamp);
    }),
  );

  const demoIds = await demoContactIds(db);
  const clickLinks = (await visitorLinks(db, demoIds)).filter((l) => l.campaignId !== undefined);
  // A browser is stitched on the day of its first click link; page views count from each click on.
  const firstLink = new Map<string, number>();
  for (const link of clickLinks) {
    const seen = firstLink.get(link.value);
    if (seen === undefined || link.createdAt < seen) firstLink.set(link.value, link.createdAt);
  }
  const stitchedTimes = [...firstLink.values()].filter(inRange);
  const pageViewTimes = new Set<string>();
  const pageViews: number[] = [];
  await Promise.all(
    clickLinks.map(async (link) => {
      const start = Math.max(link.createdAt, from);
      const end = Math.min(link.to ?? now, now);
      if (end < start) return;
      const keys = await db.events
        .where('[visitorId+type+timestamp]')
        .between([link.value, 'page', start], [link.value, 'page', end], true, true)
        .keys();
      for (const key of keys) {
        const time = Array.isArray(key) ? Number(key[2]) : Number.NaN;
        // Two links of one browser (two campaigns) must not count its page views twice.
        const id = `${link.value}\n${time}`;
        if (Number.isNaN(time) || pageViewTimes.has(id)) continue;
        pageViewTimes.add(id);
        pageViews.push(time);
      }
    }),
  );

  return {
    days,
    messages: series(days, sends),
    clicks: series(days, clicks),
    stitchedVisitors: series(days, stitchedTimes),
    postClickPageViews: series(days, pageViews),
  };
}
