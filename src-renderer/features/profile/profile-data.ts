// What the profile reads besides the engine's queries: the timeline grouped into sessions with the
// names it shows, events per day for the activity chart, and what erasing the contact would delete.
import type { StitchDb } from '../../db';
import { liveVisitorLinks, mergedFamily } from '../../db/stats';
import type { CampaignRow, EventRow, SessionRow, VisitorRow } from '../../db/types';
import { contactTimeline, type TimelineItem } from '../../queries/timeline';

export interface TimelineGroup {
  /** Set for a run of events of one browsing session. */
  session?: SessionRow;
  visitor?: VisitorRow;
  items: TimelineItem[];
}

export interface TimelineView {
  groups: TimelineGroup[];
  campaigns: Map<string, CampaignRow>;
  /** More, older events exist. */
  more: boolean;
  shown: number;
}

/** The newest `limit` timeline events, consecutive events of one session grouped under it. */
export async function timelineView(
  db: StitchDb,
  contactId: string,
  limit: number,
  includeTentative = false,
): Promise<TimelineView> {
  const page = await contactTimeline(db, contactId, { limit, includeTentative });
  const sessionIds = [...new Set(page.items.map((i) => i.event.sessionId).filter((id) => id !== undefined))];
  const visitorIds = [...new Set(page.items.map((i) => i.event.visitorId).filter((id) => id !== undefined))];
  const campaignIds = [
    ...new Set(page.items.map((i) => i.event.campaignId).filter((id) => id !== undefined)),
  ];
  const [sessions, visitors, campaigns] = await Promise.all([
    db.sessions.bulkGet(sessionIds),
    db.visitors.bulkGet(visitorIds),
    db.campaigns.bulkGet(campaignIds),
  ]);
  const sessionById = new Map(sessions.filter((s) => s !== undefined).map((s) => [s.id, s]));
  const visitorById = new Map(visitors.filter((v) => v !== undefined).map((v) => [v.id, v]));
  const groups: TimelineGroup[] = [];
  for (const item of page.items) {
    const sessionId = item.event.sessionId;
    const last = groups[groups.length - 1];
    if (sessionId && last?.session?.id === sessionId) {
      last.items.push(item);
      continue;
    }
    const group: TimelineGroup = { items: [item] };
    const session = sessionId ? sessionById.get(sessionId) : undefined;
    if (session) group.session = session;
    const visitor = item.event.visitorId ? visitorById.get(item.event.visitorId) : undefined;
    if (visitor) group.visitor = visitor;
    groups.push(group);
  }
  return {
    groups,
    campaigns: new Map(campaigns.filter((c) => c !== undefined).map((c) => [c.id, c])),
    more: page.next !== null,
    shown: page.items.length,
  };
}

const DAY = 86_400_000;

/** Events per day over the last `days` days (oldest first), from the stitched timeline. */
export async function activityPerDay(
  db: StitchDb,
  contactId: string,
  days = 30,
  now = Date.now(),
): Promise<{ days: number[]; counts: number[] }> {
  const today = Math.floor(now / DAY) * DAY;
  const since = today - (days - 1) * DAY;
  const counts = new Array<number>(days).fill(0);
  let cursor: Parameters<typeof contactTimeline>[2] = { limit: 1000 };
  // Pages until the events are older than the window; a cap keeps a very busy contact cheap.
  for (let pages = 0; pages < 20; pages++) {
    const page = await contactTimeline(db, contactId, cursor);
    for (const { event } of page.items) {
      if (event.timestamp < since) return { days: dayStarts(since, days), counts };
      const index = Math.floor((event.timestamp - since) / DAY);
      if (index < days) counts[index] = (counts[index] ?? 0) + 1;
    }
    if (!page.next) break;
    cursor = { limit: 1000, before: page.next };
  }
  return { days: dayStarts(since, days), counts };
}

const dayStarts = (since: number, days: number): number[] =>
  Array.from({ length: days }, (_, i) => since + i * DAY);

export interface ErasurePreview {
  events: number;
  browsers: number;
  messages: number;
  merged: number;
}

/** What `eraseContact` will remove, for the confirmation: her events, linked browsers and messages. */
export async function erasurePreview(db: StitchDb, contactId: string): Promise<ErasurePreview> {
  const family = await mergedFamily(db.contacts, contactId);
  const links = await liveVisitorLinks(db.identities, family);
  const [own, linked, messages] = await Promise.all([
    Promise.all(
      family.map((id) =>
        db.events
          .where('[contactId+timestamp]')
          .between([id, Number.NEGATIVE_INFINITY], [id, Number.POSITIVE_INFINITY])
          .count(),
      ),
    ),
    Promise.all(
      links.map((link) =>
        db.events
          .where('[visitorId+timestamp]')
          .between([link.value, link.from], [link.value, link.to ?? Number.POSITIVE_INFINITY], true, false)
          .count(),
      ),
    ),
    db.messages.where('contactId').anyOf(family).count(),
  ]);
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  return {
    events: sum(own) + sum(linked),
    browsers: new Set(links.map((l) => l.value)).size,
    messages,
    merged: family.length - 1,
  };
}

/** The kind of an event as the timeline names it. */
export function eventKind(event: EventRow): string {
  switch (event.type) {
    case 'page':
    case 'screen':
      return 'Page view';
    case 'link_click':
      return 'Link click';
    case 'link_preview':
      return 'Link preview';
    case 'message_sent':
      return event.channel === 'whatsapp'
        ? 'WhatsApp sent'
        : event.channel === 'email'
          ? 'Email sent'
          : 'SMS sent';
    case 'email_unsubscribe':
      return 'Unsubscribed from email';
    case 'email_open':
      return 'Email opened (unreliable)';
    case 'form_submit':
      return 'Form submitted';
    case 'identify':
      return 'Identified';
    case 'track':
      return event.name ? `Event: ${event.name}` : 'Event';
    case 'group':
      return 'Group';
    case 'alias':
      return 'Alias';
    case 'redacted':
      return 'Erased';
  }
}

export type ChannelKind = 'sms' | 'whatsapp' | 'email' | 'web' | 'form';

/** Which channel an event belongs to, for its icon and colour. */
export function channelOf(event: EventRow): ChannelKind {
  if (event.type === 'form_submit' || event.type === 'identify') return 'form';
  if (event.channel) return event.channel;
  return 'web';
}
