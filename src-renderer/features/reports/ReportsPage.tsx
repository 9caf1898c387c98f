// Reports: campaign results side by side, SMS against WhatsApp.
import { IconChartBar } from '@tabler/icons-react';
import { EmptyState } from '../../ui/EmptyState';
import { PageHeader } from '../../ui/PageHeader';

export function ReportsPage() {
  return (
    <>
      <PageHeader title="Reports" />
      <EmptyState icon={<IconChartBar />} title="Nothing to report yet">
        Reports compare clicks, stitched visitors and conversions across your SMS and WhatsApp campaigns once
        a campaign has been sent.
      </EmptyState>
    </>
  );
}
