// What the profile reads besides the engine's queries: the timeline grouped into sessions with the
// names it shows, events per day for the activity chart, and what erasing the contact would delete.

import { type Delivery, deliveryOf } from '../../campaigns/delivery';
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
  /** Delivered / Failed of the sent messages shown, by message id (absent while unknown). */
  deliveries: Map<string, Delivery>;
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
  const sentIds = page.items.flatMap((i) =>
    i.event.type === 'message_sent' && i.event.recipientMessageId ? [i.event.recipientMessageId] : [],
  );
  const [sessions, visitors, campaigns, sentMessages] = await Promise.all([
    db.sessions.bulkGet(sessionIds),
    db.visitors.bulkGet(visitorIds),
    db.campaigns.bulkGet(campaignIds),
    db.messages.bulkGet(sentIds),
  ]);
  const deliveries = new Map<string, Delivery>();
  for (const message of sentMessages) {
    const delivery = message ? deliveryOf(message) : null;
    if (message && delivery) deliveries.set(message.id, delivery);
  }
  const sessionById = new Map(sessions.filter((s) => s !== undefined).map((s) => [s.id, s]));
  const visitorById = new Map(visitors.filter((v) => v !== undefined).map((v) => [v.id, v]));
  const groups: TimelineGroup[] = [];
  page.items.forEach((item, index) => {
    const sessionId = item.event.sessionId;
    const last = groups[groups.length - 1];
    // An event of no session (the link click that started it, a send) between two events of one
    // session stays inside it: one session is one group, not two under the same header.
    const within = sessionId ?? nextSessionId(page.items, index);
    if (within && last?.session?.id === within) {
      last.items.push(item);
      return;
    }
    const group: TimelineGroup = { items: [item] };
    const session = sessionId ? sessionById.get(sessionId) : undefined;
    if (session) group.session = session;
    const visitor = item.event.visitorId ? visitorById.get(item.event.visitorId) : undefined;
    if (visitor) group.visitor = visitor;
    groups.push(group);
  });
  return {
    groups,
    campaigns: new Map(campaigns.filter((c) => c !== undefined).map((c) => [c.id, c])),
    deliveries,
    more: page.next !== null,
    shown: page.items.length,
  };
}

/** The session of the next (older) event that has one, if any. */
function nextSessionId(items: readonly TimelineItem[], index: number): string | undefined {
  for (let i = index + 1; i < items.length; i++) {
    const sessionId = items[i]?.event.sessionId;
    if (sessionId) return sessionId;
  }
  return undefined;
}

/** A page address as the timeline shows it: path with query, the full URL, and its UTM tags. */
export interface PageAddress {
  /** Path and query (the full URL when it cannot be parsed). */
  text: string;
  /** An http(s) URL that may be opened, else null. */
  href: string | null;
  /** `utm_*` parameters, without the prefix: [["source", "sms"], ["campaign", "spring"]]. */
  utm: [string, string][];
  /** Where the visit came from, when another site (or another app) sent it. */
  referrer: string | null;
}

export function pageAddress(event: EventRow): PageAddress | null {
  const raw = event.url ?? event.path;
  if (!raw) return null;
  let url: URL | null = null;
  try {
    url = new URL(raw);
  } catch {
    url = null;
  }
  if (!url) return { text: raw, href: null, utm: [], referrer: referrerOf(event, null) };
  const utm: [string, string][] = [];
  for (const [key, value] of url.searchParams) {
    if (key.startsWith('utm_') && value) utm.push([key.slice(4), value]);
  }
  const href = url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  return { text: `${url.pathname}${url.search}`, href, utm, referrer: referrerOf(event, url) };
}

/** The referrer's host (or the whole text), unless it is the same site: an internal link is no source. */
function referrerOf(event: EventRow, page: URL | null): string | null {
  if (!event.referrer) return null;
  try {
    const from = new URL(event.referrer);
    if (page && from.host === page.host) return null;
    return from.host || event.referrer;
  } catch {
    return event.referrer;
  }
}

/** A submitted form as the timeline shows it: its name and the fields the tracker captured. */
export interface FormSummary {
  name: string | null;
  /** Only what was captured (email and phone, as typed), in that order. */
  fields: [string, string][];
}

export function formSummary(event: EventRow): FormSummary {
  const props = event.properties ?? {};
  const text = (value: unknown): string | null =>
    typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
  let name = text(props.formName) ?? text(props.formId);
  const action = text(props.formAction);
  if (!name && action) {
    try {
      name = new URL(action).pathname;
    } catch {
      name = action;
    }
  }
  const fields: [string, string][] = [];
  for (const key of ['email', 'phone'] as const) {
    const value = text(event.traits?.[key]);
    if (value) fields.push([key === 'email' ? 'Email' : 'Phone', value]);
  }
  return { name, fields };
}

/** A custom event's properties as short `key: value` pairs (objects as JSON), at most `max` of them. */
export function propertyPairs(event: EventRow, max = 6): { pairs: [string, string][]; more: number } {
  const entries = Object.entries(event.properties ?? {}).filter(([, v]) => v !== undefined && v !== null);
  const shown = entries.slice(0, max).map(([key, value]): [string, string] => {
    const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
    return [key, text.length > 80 ? `${text.slice(0, 79)}…` : text];
  });
  return { pairs: shown, more: entries.length - shown.length };
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
