// A campaign's results per message: clicks, previews, distinct visitors and the forwarded flag.
import type { StitchDb } from '../db';
import type { Channel } from '../db/types';

export interface MessageStats {
  messageId: string;
  contactId: string;
  status: string;
  clicks: number;
  previews: number;
  /** Distinct browsers that presented this message's click tokens. */
  visitors: number;
  forwarded: boolean;
  forwardedAt?: number;
}

export interface CampaignStats {
  campaignId: string;
  name?: string;
  channel?: Channel;
  messages: number;
  sent: number;
  clicks: number;
  /** Messages clicked at least once. */
  clickedMessages: number;
  previews: number;
  forwardedMessages: number;
  perMessage: MessageStats[];
}

export async function campaignStats(db: StitchDb, campaignId: string): Promise<CampaignStats> {
  const [campaign, messages, clicks, previews] = await Promise.all([
    db.campaigns.get(campaignId),
    db.messages.where('campaignId').equals(campaignId).toArray(),
    db.events.where('[campaignId+type]').equals([campaignId, 'link_click']).toArray(),
    db.events.where('[campaignId+type]').equals([campaignId, 'link_preview']).toArray(),
  ]);
  const countBy = (rows: { recipientMessageId?: string; bot?: boolean }[]) => {
    const counts = new Map<string, number>();
    // Crawlers that follow links are not people clicking.
    for (const row of rows) {
      if (row.recipientMessageId && !row.bot) {
        counts.set(row.recipientMessageId, (counts.get(row.recipientMessageId) ?? 0) + 1);
      }
    }
    return counts;
  };
  const clickCounts = countBy(clicks);
  const previewCounts = countBy(previews.map((p) => ({ ...p, bot: false })));
  const perMessage = messages.map((m): MessageStats => {
    const stats: MessageStats = {
      messageId: m.id,
      contactId: m.contactId,
      status: m.status,
      clicks: clickCounts.get(m.id) ?? 0,
      previews: previewCounts.get(m.id) ?? 0,
      visitors: m.taps?.length ?? 0,
      forwarded: m.forwarded === true,
    };
    if (m.forwardedAt !== undefined) stats.forwardedAt = m.forwardedAt;
    return stats;
  });
  const result: CampaignStats = {
    campaignId,
    messages: messages.length,
    sent: messages.filter((m) => m.status === 'sent').length,
    clicks: perMessage.reduce((n, m) => n + m.clicks, 0),
    clickedMessages: perMessage.filter((m) => m.clicks > 0).length,
    previews: perMessage.reduce((n, m) => n + m.previews, 0),
    forwardedMessages: perMessage.filter((m) => m.forwarded).length,
    perMessage,
  };
  if (campaign) {
    result.name = campaign.name;
    result.channel = campaign.channel;
  }
  return result;
}
