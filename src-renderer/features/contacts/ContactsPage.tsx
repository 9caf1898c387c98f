// Contacts: the people campaigns go to, each with a stitched timeline.
import { IconAddressBook } from '@tabler/icons-react';
import { EmptyState } from '../../ui/EmptyState';
import { PageHeader } from '../../ui/PageHeader';

export function ContactsPage() {
  return (
    <>
      <PageHeader title="Contacts" />
      <EmptyState icon={<IconAddressBook />} title="No contacts yet">
        Import a CSV or JSON file of contacts (File → Import contacts…). Phone numbers are normalised to
        international format so SMS and WhatsApp campaigns can reach them.
      </EmptyState>
    </>
  );
}
