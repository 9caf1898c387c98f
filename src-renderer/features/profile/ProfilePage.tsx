// Being built: replaced by the real ProfilePage.
import { PageHeader } from '../../ui/PageHeader';

export function ProfilePage() {
  return <PageHeader title="Contact" />;
}
