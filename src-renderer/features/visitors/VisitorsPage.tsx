// Visitors: browsers seen on the team's website that are not linked to a contact yet.
import { IconWorldWww } from '@tabler/icons-react';
import { EmptyState } from '../../ui/EmptyState';
import { PageHeader } from '../../ui/PageHeader';

export function VisitorsPage() {
  return (
    <>
      <PageHeader title="Visitors" />
      <EmptyState icon={<IconWorldWww />} title="No visitors recorded">
        Add the tracking snippet from the Collector page to your website. Every browser that visits appears
        here as an anonymous visitor until it clicks a tracked link or submits a form with a known email or
        phone.
      </EmptyState>
    </>
  );
}
