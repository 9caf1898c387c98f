// Creating and copying campaign rows: a fresh id, the channel's defaults, a draft status.
import type { StitchDb } from '../db';
import type { CampaignRow, Channel } from '../db/types';
import { defaultUtm } from './links';

function newCampaignId(): string {
  // Short: the id is part of every message id and of the link registry's keys.
  const random = crypto.getRandomValues(new Uint8Array(6));
  return `cmp_${[...random].map((b) => b.toString(36).padStart(2, '0')).join('')}`;
}

export async function createCampaign(db: StitchDb, name: string, channel: Channel): Promise<CampaignRow> {
  const campaign: CampaignRow = {
    id: newCampaignId(),
    name,
    channel,
    createdAt: Date.now(),
    status: 'draft',
    audience: { kind: 'all' },
    body: '',
    links: [],
    utm: defaultUtm(name, channel),
    optOutFooter: channel === 'sms',
  };
  if (channel === 'email') campaign.email = { subject: '', preheader: '', html: '', text: '' };
  if (channel === 'whatsapp') {
    campaign.whatsapp = { mode: 'session', templateName: '', templateBody: '', variables: [] };
  }
  await db.campaigns.add(campaign);
  return campaign;
}

/** A new draft with the same audience and content; results and sends stay with the original. */
export async function duplicateCampaign(db: StitchDb, source: CampaignRow): Promise<CampaignRow> {
  const {
    id: _id,
    status: _status,
    preparedAt: _prepared,
    sentAt: _sent,
    recipients: _recipients,
    segments: _segments,
    archived: _archived,
    ...content
  } = source;
  const copy: CampaignRow = {
    ...content,
    id: newCampaignId(),
    name: `${source.name} (copy)`,
    createdAt: Date.now(),
    status: 'draft',
  };
  await db.campaigns.add(copy);
  return copy;
}
