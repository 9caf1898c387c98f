// Rule 8: every link on a profile says why it exists ("Linked by SMS campaign Spring Sale, clicked
// at 2025-03-01 14:05 UTC on Chrome on Android"), from the link row and the event that caused it.
import { CHANNELS, channelOfSource } from '../channels';
import type { StitchDb } from '../db';
import type { Channel, IdentityRow, LinkFlag, LinkSource, VisitorRow } from '../db/types';
import { describeDevice } from './device';
import { normalizeEmail, normalizePhone } from './identifiers';

export interface LinkExplanation {
  identityId: string;
  source: LinkSource;
  campaignName?: string;
  channel?: Channel;
  /** Click time for click links; event time for forms and identify calls. */
  clickedAt?: number;
  /** e.g. "Chrome on Android". */
  device?: string;
  /** The link's own flags, plus 'forwarded' when its message was forwarded. */
  flags: LinkFlag[];
  from: number;
  to: number | null;
  revokedAt: number | null;
  /** One sentence for the identities panel. */
  text: string;
}

/** Minutes precision, UTC, so the sentence reads the same everywhere. */
export const formatTime = (t: number): string =>
  `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** Why a browser that opened a tracked link was not linked by it, in one sentence. */
export function explainTokenRefusal(
  refused: NonNullable<VisitorRow['tokenRefused']>,
  campaignName: string | undefined,
): string {
  const link = campaignName ? `a tracked link of ${campaignName}` : 'a tracked link';
  return refused.reason === 'reused'
    ? `Token reused: at ${formatTime(refused.at)} this browser opened ${link} with a click token another browser had already used, so it was not linked.`
    : `Token expired: at ${formatTime(refused.at)} this browser opened ${link} with a click token older than the click-token lifetime set in Settings, so it was not linked.`;
}

export async function explainLink(db: StitchDb, identityId: string): Promise<LinkExplanation> {
  const link = await db.identities.get(identityId);
  if (!link) throw new Error(`No link ${identityId}`);
  return explainLinkRow(db, link);
}

export async function explainLinkRow(db: StitchDb, link: IdentityRow): Promise<LinkExplanation> {
  const [cause, campaign, message, visitor] = await Promise.all([
    link.causeEventId ? db.events.get(link.causeEventId) : undefined,
    link.campaignId ? db.campaigns.get(link.campaignId) : undefined,
    link.messageId ? db.messages.get(link.messageId) : undefined,
    link.kind === 'visitor' ? db.visitors.get(link.value) : undefined,
  ]);
  const device = describeDevice(cause?.userAgent ?? visitor?.userAgent).label;
  const flags: LinkFlag[] = [...link.flags];
  if (message?.forwarded && !flags.includes('forwarded')) flags.push('forwarded');
  const explanation: LinkExplanation = {
    identityId: link.id,
    source: link.source,
    flags,
    from: link.from,
    to: link.to,
    revokedAt: link.revokedAt,
    device,
    text: '',
  };
  const channel = campaign?.channel ?? message?.channel;
  if (channel) explanation.channel = channel;
  if (campaign) explanation.campaignName = campaign.name;
  if (cause) explanation.clickedAt = cause.timestamp;

  const when = cause ? formatTime(cause.timestamp) : formatTime(link.createdAt);
  let text: string;
  switch (link.source) {
    case 'sms_click':
    case 'whatsapp_click':
    case 'email_click': {
      const spec = CHANNELS[channel ?? channelOfSource(link.source) ?? 'sms'];
      text = `Linked by ${spec.name} campaign ${campaign?.name ?? '(deleted campaign)'}, clicked at ${when} on ${device}`;
      break;
    }
    case 'form': {
      const named = normalizeEmail(cause?.traits?.email) ?? normalizePhone(cause?.traits?.phone);
      text = `Linked by a form submitted${named ? ` with ${named}` : ''} at ${when} on ${device}`;
      break;
    }
    case 'identify':
      text = `Linked by the website identifying this person at ${when} on ${device}`;
      break;
    case 'manual':
      text = `Linked by hand at ${formatTime(link.createdAt)}`;
      break;
    case 'import':
      text = `Linked by import at ${formatTime(link.createdAt)}`;
      break;
  }
  if (flags.includes('sharedDevice')) text += '; shared device (used by more than one contact)';
  if (flags.includes('forwarded')) text += '; the link was forwarded';
  if (link.revokedAt !== null) text += `; removed at ${formatTime(link.revokedAt)}`;
  explanation.text = text;
  return explanation;
}
