// Prepare, mark as sent, record provider outcomes: the campaign's message rows in the store.
// Prepare renders every recipient's message and mints their links in bulk (≤ 10,000 per call).
import type {
  EmailRecipientUrls,
  LinkCampaignInput,
  MintedCode,
  MintRequest,
} from '../../src-main/shared/links';
import type { StitchDb } from '../db';
import type { AudienceSnapshot, MessageRow } from '../db/types';
import { recordMessagesSent } from '../stitching/messages';
import { buildAudience } from './audience';
import { withUtm } from './links';
import { renderMessage, type ShortLink, trackedLinksOf } from './render';
import { smsInfo } from './sms';

/** What a campaign's report calls an audience built in the campaign rather than a saved segment. */
export const CUSTOM_CONDITIONS = 'custom conditions';

export const MINT_BATCH = 10_000;
const WRITE_BATCH = 2_000;
const SENT_BATCH = 500;

export interface LinkMinter {
  register(input: LinkCampaignInput): Promise<unknown>;
  mint(request: MintRequest): Promise<MintedCode[]>;
  /** Email campaigns: one signed unsubscribe URL per recipient index. */
  mintUnsubscribe?(request: { campaignId: string; recipients: number[] }): Promise<EmailRecipientUrls[]>;
}

export type Progress = (done: number, total: number, step: string) => void;

export interface PrepareResult {
  recipients: number;
  segments: number;
}

export const messageIdOf = (campaignId: string, index: number): string => `${campaignId}:${index}`;

export class CampaignStateError extends Error {}

/**
 * Renders and stores one `prepared` message per recipient (id `<campaignId>:<index>`), replacing an
 * earlier Prepare. Refused once any message was sent: indexes are baked into links already out.
 */
export async function prepareCampaign(
  db: StitchDb,
  campaignId: string,
  minter: LinkMinter,
  linkBase: string,
  onProgress: Progress = () => undefined,
): Promise<PrepareResult> {
  const campaign = await db.campaigns.get(campaignId);
  if (!campaign) throw new CampaignStateError(`No campaign ${campaignId}`);
  if (await anySent(db, campaignId)) {
    throw new CampaignStateError('This campaign has sent messages; duplicate it to send again.');
  }
  onProgress(0, 1, 'Choosing recipients');
  const audience = campaign.audience ?? { kind: 'all' };
  // A segment is dynamic: this moment's members are frozen into the messages, and the campaign says
  // which segment it resolved and when.
  const resolvedAt = Date.now();
  const { recipients, matched } = await buildAudience(db, audience, campaign.channel, resolvedAt);
  const segment = audience.kind === 'segment' ? await db.segments.get(audience.segmentId) : undefined;
  const audienceSnapshot: AudienceSnapshot | undefined = segment
    ? { segmentId: segment.id, segmentName: segment.name, resolvedAt, matched }
    : audience.kind === 'conditions'
      ? { segmentId: null, segmentName: CUSTOM_CONDITIONS, resolvedAt, matched }
      : undefined;
  if (recipients.length === 0) throw new CampaignStateError('No recipients: check the audience and consent.');

  const links = trackedLinksOf(campaign);
  const email = campaign.channel === 'email';
  const mintMinter = minter.mintUnsubscribe?.bind(minter);
  if (email && !mintMinter)
    throw new CampaignStateError('Email needs unsubscribe links, which this minter cannot make.');
  const mintSteps = (links.length + (email ? 1 : 0)) * Math.ceil(recipients.length / MINT_BATCH);
  const total = mintSteps + Math.ceil(recipients.length / WRITE_BATCH);
  let done = 0;
  const step = (label: string) => onProgress(++done, total, label);

  const codes = new Map<string, MintedCode[]>();
  if (links.length > 0) {
    await minter.register({
      campaignId,
      links: links.map((l) => ({ linkId: l.linkId, destination: withUtm(l.url, campaign.utm) })),
    });
    for (const link of links) {
      const minted: MintedCode[] = new Array(recipients.length);
      for (let start = 0; start < recipients.length; start += MINT_BATCH) {
        const indexes = Array.from(
          { length: Math.min(MINT_BATCH, recipients.length - start) },
          (_, i) => start + i,
        );
        for (const code of await minter.mint({ campaignId, linkId: link.linkId, recipients: indexes })) {
          minted[code.recipient] = code;
        }
        step('Minting links');
      }
      codes.set(link.linkId, minted);
    }
  }
  // Every email carries its recipient's own unsubscribe link (footer and List-Unsubscribe).
  const unsubscribe: EmailRecipientUrls[] = new Array(email ? recipients.length : 0);
  if (email && mintMinter) {
    for (let start = 0; start < recipients.length; start += MINT_BATCH) {
      const indexes = Array.from(
        { length: Math.min(MINT_BATCH, recipients.length - start) },
        (_, i) => start + i,
      );
      for (const code of await mintMinter({ campaignId, recipients: indexes }))
        unsubscribe[code.recipient] = code;
      step('Minting unsubscribe links');
    }
  }

  let segments = 0;
  const rows: MessageRow[] = recipients.map(({ contact, to }, index) => {
    const shortLinks = new Map<string, ShortLink>();
    for (const link of links) {
      const code = codes.get(link.linkId)?.[index];
      if (code) shortLinks.set(link.linkId, { linkId: link.linkId, url: code.url, code: code.code });
    }
    const unsubscribeUrl = unsubscribe[index]?.url;
    const openUrl = campaign.email?.openTracking ? unsubscribe[index]?.openUrl : undefined;
    const rendered = renderMessage(campaign, contact, shortLinks, linkBase, unsubscribeUrl, openUrl);
    if (campaign.channel === 'sms') segments += smsInfo(rendered.text).segments;
    const row: MessageRow = {
      id: messageIdOf(campaignId, index),
      campaignId,
      contactId: contact.id,
      channel: campaign.channel,
      to,
      text: rendered.text,
      status: 'prepared',
    };
    const messageLinks = [...shortLinks.values()];
    const first = messageLinks[0];
    if (first) {
      row.links = messageLinks;
      row.linkUrl = first.url;
      row.code = first.code;
    }
    if (rendered.templateVariables) row.templateVariables = rendered.templateVariables;
    if (rendered.email && unsubscribeUrl) {
      row.subject = rendered.email.subject;
      if (rendered.email.body) row.htmlBody = rendered.email.body;
      if (rendered.email.preheader) row.preheader = rendered.email.preheader;
      row.unsubscribeUrl = unsubscribeUrl;
      if (openUrl) row.openUrl = openUrl;
    }
    return row;
  });

  // One transaction: a Prepare replaces the messages whole or not at all, and views watching the
  // campaign's messages re-read them once at the end instead of after every batch.
  await db.transaction('rw', [db.messages, db.campaigns], async () => {
    await db.messages.where('campaignId').equals(campaignId).delete();
    for (let start = 0; start < rows.length; start += WRITE_BATCH) {
      await db.messages.bulkPut(rows.slice(start, start + WRITE_BATCH));
      step('Saving messages');
    }
    await db.campaigns.update(campaignId, {
      status: 'prepared',
      preparedAt: Date.now(),
      recipients: rows.length,
      segments,
      audienceSnapshot,
    });
  });
  return { recipients: rows.length, segments };
}

async function anySent(db: StitchDb, campaignId: string): Promise<boolean> {
  const sent = await db.messages
    .where('campaignId')
    .equals(campaignId)
    .filter((m) => m.status === 'sent')
    .first();
  return sent !== undefined;
}

export function preparedMessages(db: StitchDb, campaignId: string): Promise<MessageRow[]> {
  return db.messages
    .where('campaignId')
    .equals(campaignId)
    .toArray()
    .then((rows) => rows.sort((a, b) => indexOf(a.id) - indexOf(b.id)));
}

const indexOf = (messageId: string): number => Number(messageId.slice(messageId.lastIndexOf(':') + 1));

/** Marks every prepared message sent at `at` (the send file was sent by another tool). */
export async function markCampaignSent(
  db: StitchDb,
  campaignId: string,
  at: number,
  onProgress: Progress = () => undefined,
): Promise<number> {
  const pending = (await preparedMessages(db, campaignId)).filter((m) => m.status === 'prepared');
  await recordSent(db, pending, at, onProgress);
  await db.campaigns.update(campaignId, { status: 'sent', sentAt: at });
  return pending.length;
}

/** `recordMessagesSent` in chunks, with progress. */
async function recordSent(db: StitchDb, messages: readonly MessageRow[], at: number, onProgress: Progress) {
  for (let start = 0; start < messages.length; start += SENT_BATCH) {
    const chunk = messages.slice(start, start + SENT_BATCH);
    await recordMessagesSent(
      db,
      chunk.map((message) => ({ message, at })),
    );
    onProgress(Math.min(start + SENT_BATCH, messages.length), messages.length, 'Recording sends');
  }
}

export interface SendOutcome {
  messageId: string;
  ok: boolean;
  providerId?: string;
  status?: string;
  error?: string;
}

/** Records a provider's answers: sent ones get their timeline entry, failed ones their reason. */
export async function recordSendOutcomes(
  db: StitchDb,
  campaignId: string,
  outcomes: readonly SendOutcome[],
  at: number,
): Promise<{ sent: number; failed: number }> {
  const messages = await db.messages.bulkGet(outcomes.map((o) => o.messageId));
  const sent: MessageRow[] = [];
  const failed: MessageRow[] = [];
  outcomes.forEach((outcome, i) => {
    const message = messages[i];
    if (!message || message.campaignId !== campaignId) return;
    const updated: MessageRow = { ...message };
    if (outcome.providerId) updated.providerId = outcome.providerId;
    if (outcome.status) updated.providerStatus = outcome.status;
    if (outcome.ok) {
      delete updated.error;
      sent.push(updated);
    } else {
      updated.status = 'failed';
      updated.error = outcome.error ?? 'Failed';
      failed.push(updated);
    }
  });
  await db.messages.bulkPut(failed);
  await flagBounces(db, failed, at);
  await recordSent(db, sent, at, () => undefined);
  return { sent: sent.length, failed: failed.length };
}

/** A hard bounce (SMTP 5xx for the recipient) flags the contact's address: it is not emailed again. */
export async function flagBounces(db: StitchDb, failed: readonly MessageRow[], at: number): Promise<void> {
  const bounced = failed.filter((m) => m.channel === 'email' && m.providerStatus === 'bounced' && m.to);
  if (bounced.length === 0) return;
  await db.transaction('rw', db.contacts, async () => {
    for (const message of bounced) {
      const contact = await db.contacts.get(message.contactId);
      if (!contact || contact.email !== message.to) continue;
      await db.contacts.update(contact.id, {
        emailBounce: {
          at,
          reason: message.error ?? 'Hard bounce',
          address: message.to ?? '',
          campaignId: message.campaignId,
        },
      });
    }
  });
}
