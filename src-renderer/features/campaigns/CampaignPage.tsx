// Being built: replaced by the real CampaignPage.
import { PageHeader } from '../../ui/PageHeader';

export function CampaignPage() {
  return <PageHeader title="Campaign" />;
}
