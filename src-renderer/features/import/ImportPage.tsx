// Being built: replaced by the real ImportPage.
import { PageHeader } from '../../ui/PageHeader';

export function ImportPage() {
  return <PageHeader title="Import contacts" />;
}
