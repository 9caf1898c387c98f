// Campaigns: link-tracked SMS and WhatsApp messages.
import { IconSend } from '@tabler/icons-react';
import { EmptyState } from '../../ui/EmptyState';
import { PageHeader } from '../../ui/PageHeader';

export function CampaignsPage() {
  return (
    <>
      <PageHeader title="Campaigns" />
      <EmptyState icon={<IconSend />} title="No campaigns yet">
        A campaign sends each recipient an SMS or WhatsApp message with a tracked link of their own. Import
        contacts first, then create a campaign for them.
      </EmptyState>
    </>
  );
}
