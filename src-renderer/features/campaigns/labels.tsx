// Words and badges the campaign screens share.
import { Badge } from '@mantine/core';
import type { CampaignRow, Channel } from '../../db/types';

export const CHANNEL_LABEL: Record<Channel, string> = { sms: 'SMS', whatsapp: 'WhatsApp', email: 'Email' };

const STATUS: Record<NonNullable<CampaignRow['status']>, { label: string; color: string }> = {
  draft: { label: 'Draft', color: 'gray' },
  prepared: { label: 'Prepared', color: 'blue' },
  sending: { label: 'Sending', color: 'yellow' },
  sent: { label: 'Sent', color: 'green' },
};

export function StatusBadge(props: { status: NonNullable<CampaignRow['status']> }) {
  const { label, color } = STATUS[props.status];
  return (
    <Badge size="sm" variant="light" color={color}>
      {label}
    </Badge>
  );
}

export const percent = (rate: number): string => `${(rate * 100).toFixed(1)}%`;

/** What the reports' "Conversions" count, in the words of postClickActivity (queries/reports). */
export const CONVERSIONS_EXPLAINED =
  'every form submitted on your sites by a browser a click linked to a recipient, from that click on, in the chosen dates (each submission counts, not once per recipient). Goals, if you define them, are counted apart: once per recipient, within each goal’s window after the click.';
