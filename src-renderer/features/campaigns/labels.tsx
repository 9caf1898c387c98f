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
