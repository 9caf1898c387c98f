// Being built: replaced by the real ExportPage.
import { PageHeader } from '../../ui/PageHeader';

export function ExportPage() {
  return <PageHeader title="Export contacts" />;
}
