// Campaign results for the report tab and the Reports page: sends, deliveries, clicks, stitched
// visitors and what those visitors did after the click (sessions, page views, form submissions),
// the click-side figures limited to a date range (sends are the campaign's whole life).
import { type Delivery, deliveryOf } from '../campaigns/delivery';
import { CHANNEL_LIST } from '../channels';
import type { StitchDb } from '../db';
import type { CampaignRow, Channel, EventRow, IdentityRow, MessageRow, TentativeLinkRow } from '../db/types';
import { campaignStats, type MessageStats } from './campaigns';
import { ALL_TIME, inRange, type ReportRange } from './report-range';

export interface LinkBreakdown {
  linkId: string;
  destination: string;
  clicks: number;
  /** Recipients who clicked this link at least once. */
  clickers: number;
}

export interface RecipientReport extends MessageStats {
  name: string;
  to?: string;
  /** Browsers linked to the contact through this message (in the range). */
  stitched: number;
  lastSeen: number;
  /** The recipient's last counted click in the range; absent without one. */
  lastClickAt?: number;
  error?: string;
  /** By the provider's delivery status; absent while unknown. */
  delivery?: Delivery;
  providerStatus?: string;
}

export interface CampaignReport {
  campaignId: string;
  name: string;
  channel: Channel;
  recipients: number;
  sent: number;
  /** null when no provider reported deliveries. */
  delivered: number | null;
  failed: number;
  clicks: number;
  uniqueClickers: number;
  /** Unique clickers over sent messages (0 when nothing was sent). */
  clickRate: number;
  previews: number;
  forwarded: number;
  stitchedVisitors: number;
  postClickSessions: number;
  postClickPageViews: number;
  /** Form submissions by stitched visitors after their click (see postClickActivity). */
  conversions: number;
  /**
   * The browsers that opened the campaign's links, by what the engine made of them: the
   * recipient's own, tentative (waiting for evidence or a decision), or forwarded (rejected as not
   * the recipient's, or past the forwarding cap).
   */
  openedBy: { owner: number; tentative: number; forwarded: number };
  links: LinkBreakdown[];
  /** Times of every counted click, ascending. */
  clickTimes: number[];
  recipientRows: RecipientReport[];
}

export function campaignClickLinks(campaignId: string, db: StitchDb): Promise<IdentityRow[]> {
  return db.identities
    .where('messageId')
    .startsWith(`${campaignId}:`)
    .filter((l) => l.kind === 'visitor' && l.revokedAt === null && l.campaignId === campaignId)
    .toArray();
}

/**
 * A campaign's report. `range` limits clicks, the browsers that opened links, stitches and
 * post-click activity to what happened in it; sends, deliveries, previews and forwarded flags are
 * the campaign's whole life (a rate over the messages sent, whenever the click came).
 */
export async function campaignReport(
  db: StitchDb,
  campaignId: string,
  range: ReportRange = ALL_TIME,
): Promise<CampaignReport | null> {
  const campaign = await db.campaigns.get(campaignId);
  if (!campaign) return null;
  const [stats, messages, clicks, allLinks, tentative] = await Promise.all([
    campaignStats(db, campaignId),
    db.messages.where('campaignId').equals(campaignId).toArray(),
    db.events.where('[campaignId+type]').equals([campaignId, 'link_click']).toArray(),
    campaignClickLinks(campaignId, db),
    db.tentativeLinks.where('campaignId').equals(campaignId).toArray(),
  ]);
  const openedBy = splitOpeners(messages, allLinks, tentative, range);
  const counted = clicks.filter((c) => !c.bot && c.recipientMessageId && inRange(range, c.timestamp));
  const clicksByMessage = new Map<string, { clicks: number; last: number }>();
  for (const click of counted) {
    const id = click.recipientMessageId as string;
    const entry = clicksByMessage.get(id) ?? { clicks: 0, last: 0 };
    entry.clicks += 1;
    entry.last = Math.max(entry.last, click.timestamp);
    clicksByMessage.set(id, entry);
  }
  // A stitch counts in the range it was made in; activity after any click counts where it falls.
  const links = allLinks.filter((l) => inRange(range, l.createdAt));
  const activity = await postClickActivity(db, allLinks, range);
  const stitchedByMessage = new Map<string, number>();
  for (const link of links) {
    if (link.messageId)
      stitchedByMessage.set(link.messageId, (stitchedByMessage.get(link.messageId) ?? 0) + 1);
  }
  const byId = new Map(messages.map((m) => [m.id, m]));
  const contacts = await db.contacts.bulkGet(stats.perMessage.map((m) => m.contactId));
  const recipientRows = stats.perMessage.map((m, i): RecipientReport => {
    const contact = contacts[i];
    const message = byId.get(m.messageId);
    const clicked = clicksByMessage.get(m.messageId);
    const row: RecipientReport = {
      ...m,
      clicks: clicked?.clicks ?? 0,
      name: contact ? `${contact.firstName} ${contact.lastName}`.trim() || contact.id : '(erased)',
      stitched: stitchedByMessage.get(m.messageId) ?? 0,
      lastSeen: contact?.stats.lastSeen ?? 0,
    };
    if (clicked) row.lastClickAt = clicked.last;
    if (message?.to) row.to = message.to;
    if (message?.error) row.error = message.error;
    const delivery = message ? deliveryOf(message) : null;
    if (delivery) row.delivery = delivery;
    if (message?.providerStatus) row.providerStatus = message.providerStatus;
    return row;
  });
  const ordered = sortRecipients(recipientRows, DEFAULT_RECIPIENT_SORT);

  const anyProviderStatus = messages.some((m) => m.providerStatus !== undefined);
  const deliveries = messages.map(deliveryOf);
  const delivered = anyProviderStatus ? deliveries.filter((d) => d === 'Delivered').length : null;
  const failed = deliveries.filter((d) => d === 'Failed').length;

  return {
    campaignId,
    name: campaign.name,
    channel: campaign.channel,
    recipients: messages.length,
    sent: stats.sent,
    delivered,
    failed,
    clicks: counted.length,
    uniqueClickers: clicksByMessage.size,
    clickRate: stats.sent > 0 ? clicksByMessage.size / stats.sent : 0,
    previews: stats.previews,
    forwarded: stats.forwardedMessages,
    stitchedVisitors: new Set(links.map((l) => l.value)).size,
    postClickSessions: activity.sessions,
    postClickPageViews: activity.pageViews,
    conversions: activity.forms,
    openedBy,
    links: linkBreakdown(campaign, counted),
    clickTimes: counted.map((c) => c.timestamp).sort((a, b) => a - b),
    recipientRows: ordered,
  };
}

export type RecipientSortKey = 'name' | 'status' | 'clicks' | 'lastClick';

export interface RecipientSort {
  key: RecipientSortKey;
  dir: 'asc' | 'desc';
}

/** Clickers first: most clicks at the top, then the recipients' order in the campaign. */
export const DEFAULT_RECIPIENT_SORT: RecipientSort = { key: 'clicks', dir: 'desc' };

/**
 * Recipients sorted by one column; ties keep the campaign's order. Recipients without a click sort
 * last by last click in either direction (there is nothing to compare).
 */
export function sortRecipients(rows: readonly RecipientReport[], sort: RecipientSort): RecipientReport[] {
  const sign = sort.dir === 'asc' ? 1 : -1;
  const compare = (a: RecipientReport, b: RecipientReport): number => {
    switch (sort.key) {
      case 'name':
        return sign * a.name.localeCompare(b.name);
      case 'status':
        return sign * a.status.localeCompare(b.status);
      case 'clicks':
        return sign * (a.clicks - b.clicks);
      case 'lastClick':
        if (a.lastClickAt === undefined || b.lastClickAt === undefined)
          return (a.lastClickAt === undefined ? 1 : 0) - (b.lastClickAt === undefined ? 1 : 0);
        return sign * (a.lastClickAt - b.lastClickAt);
    }
  };
  return [...rows].sort((a, b) => compare(a, b) || recipientIndex(a.messageId) - recipientIndex(b.messageId));
}

/** Who a browser that opened a message's link turned out to be, for the recipient. */
export type OpenerKind = 'owner' | 'tentative' | 'forwarded';

export interface ClassifiedTap {
  messageId: string;
  visitorId: string;
  /** The browser's first tap on the message's links. */
  at: number;
  kind: OpenerKind;
}

/** Every tap of the campaign's messages, classified by the links the engine made of it. */
export function classifyTaps(
  messages: readonly MessageRow[],
  links: readonly IdentityRow[],
  tentative: readonly TentativeLinkRow[],
): ClassifiedTap[] {
  const linked = new Set(links.map((l) => `${l.messageId}\n${l.value}`));
  const waiting = new Map(tentative.map((t) => [`${t.messageId}\n${t.visitorId}`, t.status]));
  const taps: ClassifiedTap[] = [];
  for (const message of messages) {
    for (const tap of message.taps ?? []) {
      const key = `${message.id}\n${tap.visitorId}`;
      const status = linked.has(key) ? 'linked' : waiting.get(key);
      // A tap with neither row was trusted but covered by an earlier link of the same recipient.
      const kind = status === 'tentative' ? 'tentative' : status === 'rejected' ? 'forwarded' : 'owner';
      taps.push({ messageId: message.id, visitorId: tap.visitorId, at: tap.at, kind });
    }
  }
  return taps;
}

function splitOpeners(
  messages: readonly MessageRow[],
  links: readonly IdentityRow[],
  tentative: readonly TentativeLinkRow[],
  range: ReportRange,
): CampaignReport['openedBy'] {
  const split = { owner: 0, tentative: 0, forwarded: 0 };
  for (const tap of classifyTaps(messages, links, tentative)) {
    if (inRange(range, tap.at)) split[tap.kind]++;
  }
  return split;
}

const recipientIndex = (messageId: string): number => Number(messageId.slice(messageId.lastIndexOf(':') + 1));

function linkBreakdown(campaign: CampaignRow, clicks: readonly EventRow[]): LinkBreakdown[] {
  const byLink = new Map<string, { clicks: number; clickers: Set<string> }>();
  for (const click of clicks) {
    const linkId = typeof click.properties?.linkId === 'string' ? click.properties.linkId : 'unknown';
    const entry = byLink.get(linkId) ?? { clicks: 0, clickers: new Set<string>() };
    entry.clicks += 1;
    if (click.recipientMessageId) entry.clickers.add(click.recipientMessageId);
    byLink.set(linkId, entry);
  }
  const known = campaign.links ?? [];
  const templateButton =
    campaign.whatsapp?.mode === 'template' ? campaign.whatsapp.buttonDestination : undefined;
  const ids = new Set([...known.filter((l) => l.tracked).map((l) => l.linkId), ...byLink.keys()]);
  return [...ids].map((linkId) => {
    const entry = byLink.get(linkId);
    return {
      linkId,
      destination: known.find((l) => l.linkId === linkId)?.url ?? templateButton ?? '',
      clicks: entry?.clicks ?? 0,
      clickers: entry?.clickers.size ?? 0,
    };
  });
}

/**
 * Sessions, page views and form submissions of each stitched visitor from its click on (until the
 * link was revoked), those that fall in the range. The forms are the report's "conversions".
 */
async function postClickActivity(
  db: StitchDb,
  links: readonly IdentityRow[],
  range: ReportRange,
): Promise<{ sessions: number; pageViews: number; forms: number }> {
  let sessions = 0;
  let pageViews = 0;
  let forms = 0;
  // The link's creation time is the click; `from` may reach back (lookback) to before it.
  const seen = new Set<string>();
  for (const link of links) {
    if (seen.has(link.value)) continue;
    seen.add(link.value);
    // From the click (or the range's start) to the link's end (or just before the range's end).
    const clickAt = Math.max(link.createdAt, range.from ?? link.createdAt);
    const end = Math.min(link.to ?? Number.MAX_SAFE_INTEGER, (range.to ?? Number.MAX_SAFE_INTEGER) - 1);
    if (end < clickAt) continue;
    const [s, p, f] = await Promise.all([
      db.sessions
        .where('[visitorId+start]')
        .between([link.value, clickAt - 30 * 60_000], [link.value, end])
        .filter((session) => session.end >= clickAt)
        .count(),
      db.events
        .where('[visitorId+type+timestamp]')
        .between([link.value, 'page', clickAt], [link.value, 'page', end])
        .count(),
      db.events
        .where('[visitorId+type+timestamp]')
        .between([link.value, 'form_submit', clickAt], [link.value, 'form_submit', end])
        .count(),
    ]);
    sessions += s;
    pageViews += p;
    forms += f;
  }
  return { sessions, pageViews, forms };
}

export interface CampaignListRow {
  campaign: CampaignRow;
  recipients: number;
  sent: number;
  clicks: number;
}

/** The campaign list: newest first, with recipients, sends and clicks. */
export async function campaignList(db: StitchDb, includeArchived = false): Promise<CampaignListRow[]> {
  const campaigns = (await db.campaigns.orderBy('createdAt').reverse().toArray()).filter(
    (c) => includeArchived || !c.archived,
  );
  return Promise.all(
    campaigns.map(async (campaign) => {
      const [messages, clicks] = await Promise.all([
        db.messages.where('campaignId').equals(campaign.id).toArray(),
        db.events
          .where('[campaignId+type]')
          .equals([campaign.id, 'link_click'])
          .filter((e) => !e.bot)
          .count(),
      ]);
      return {
        campaign,
        recipients: messages.length,
        sent: messages.filter((m: MessageRow) => m.status === 'sent').length,
        clicks,
      };
    }),
  );
}

export interface ChannelTotals {
  channel: Channel;
  campaigns: number;
  sent: number;
  clicks: number;
  uniqueClickers: number;
  clickRate: number;
  stitchedVisitors: number;
  postClickPageViews: number;
  conversions: number;
  /** Conversions over sent messages. */
  conversionRate: number;
}

/** SMS, WhatsApp and email side by side: totals and rates over every campaign that sent something. */
export async function channelComparison(
  db: StitchDb,
  range: ReportRange = ALL_TIME,
): Promise<{ totals: ChannelTotals[]; campaigns: CampaignReport[] }> {
  const campaigns = await db.campaigns.toArray();
  const reports = (await Promise.all(campaigns.map((c) => campaignReport(db, c.id, range)))).filter(
    (r): r is CampaignReport => r !== null && r.sent > 0,
  );
  const totals = CHANNEL_LIST.map((channel): ChannelTotals => {
    const mine = reports.filter((r) => r.channel === channel);
    const sum = (pick: (r: CampaignReport) => number) => mine.reduce((n, r) => n + pick(r), 0);
    const sent = sum((r) => r.sent);
    const uniqueClickers = sum((r) => r.uniqueClickers);
    const conversions = sum((r) => r.conversions);
    return {
      channel,
      campaigns: mine.length,
      sent,
      clicks: sum((r) => r.clicks),
      uniqueClickers,
      clickRate: sent > 0 ? uniqueClickers / sent : 0,
      stitchedVisitors: sum((r) => r.stitchedVisitors),
      postClickPageViews: sum((r) => r.postClickPageViews),
      conversions,
      conversionRate: sent > 0 ? conversions / sent : 0,
    };
  });
  return { totals, campaigns: reports };
}
