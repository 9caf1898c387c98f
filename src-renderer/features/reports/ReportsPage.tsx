// Reports: campaign results side by side, SMS against WhatsApp, then every sent campaign; goals and
// the comparison by goal; all over one date range.
import { Anchor, Card, SimpleGrid, Table, Text, Title } from '@mantine/core';
import { IconChartBar } from '@tabler/icons-react';
import { useLiveQuery } from 'dexie-react-hooks';
import { Link } from 'react-router';
import { channelComparison } from '../../queries/reports';
import { appDb } from '../../state/db';
import { EmptyState } from '../../ui/EmptyState';
import { PageHeader } from '../../ui/PageHeader';
import { CHANNEL_LABEL, CONVERSIONS_EXPLAINED, percent } from '../campaigns/labels';
import { GoalsPanel } from '../goals/GoalsPanel';
import { RangePicker, useRangeChoice } from './RangePicker';

export function ReportsPage() {
  const db = appDb();
  const [choice, setChoice, range] = useRangeChoice();
  const { from, to } = range;
  const data = useLiveQuery(() => channelComparison(db, { from, to }), [db, from, to]);
  return (
    <>
      <PageHeader title="Reports" />
      <Card withBorder padding="sm" mb="md" aria-label="Report dates">
        <RangePicker value={choice} onChange={setChoice} />
      </Card>
      <GoalsPanel range={range} />
      {data?.campaigns.length === 0 && (
        <EmptyState icon={<IconChartBar />} title="Nothing to report yet">
          Reports compare clicks, stitched visitors and conversions across your SMS, WhatsApp and email
          campaigns once a campaign has been sent.
        </EmptyState>
      )}
      {data && data.campaigns.length > 0 && (
        <>
          <SimpleGrid cols={{ base: 1, md: 3 }} spacing="sm" mb="md">
            {data.totals.map((t) => (
              <Card key={t.channel} withBorder padding="sm" aria-label={`${CHANNEL_LABEL[t.channel]} totals`}>
                <Title order={4} mb="xs">
                  {CHANNEL_LABEL[t.channel]}
                </Title>
                <Table fz="sm" verticalSpacing={2}>
                  <Table.Tbody>
                    {(
                      [
                        ['Campaigns', t.campaigns.toLocaleString()],
                        ['Sent', t.sent.toLocaleString()],
                        ['Link clicks', t.clicks.toLocaleString()],
                        ['Unique clickers', t.uniqueClickers.toLocaleString()],
                        ['Click rate', percent(t.clickRate)],
                        ['Stitched visitors', t.stitchedVisitors.toLocaleString()],
                        ['Post-click page views', t.postClickPageViews.toLocaleString()],
                        ['Conversions', t.conversions.toLocaleString()],
                        ['Conversion rate', percent(t.conversionRate)],
                      ] as const
                    ).map(([label, value]) => (
                      <Table.Tr key={label}>
                        <Table.Td>{label}</Table.Td>
                        <Table.Td ta="right" fw={600}>
                          {value}
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
                {t.campaigns === 0 && (
                  <Text size="xs" c="dimmed" mt={4}>
                    No {CHANNEL_LABEL[t.channel]} campaign sent yet.
                  </Text>
                )}
              </Card>
            ))}
          </SimpleGrid>
          <Text size="xs" c="gray.7" mb="md" data-testid="conversions-explained">
            <b>Conversions</b>: {CONVERSIONS_EXPLAINED} Conversion rate: conversions ÷ messages sent.
          </Text>
          <Title order={4} mb="xs">
            Campaigns
          </Title>
          <Table striped fz="sm" verticalSpacing={4} aria-label="Sent campaigns">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Campaign</Table.Th>
                <Table.Th>Channel</Table.Th>
                <Table.Th ta="right">Sent</Table.Th>
                <Table.Th ta="right">Clicks</Table.Th>
                <Table.Th ta="right">Click rate</Table.Th>
                <Table.Th ta="right">Stitched</Table.Th>
                <Table.Th ta="right">Conversions</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.campaigns.map((r) => (
                <Table.Tr key={r.campaignId}>
                  <Table.Td>
                    <Anchor component={Link} to={`/campaigns/${r.campaignId}`} size="sm">
                      {r.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{CHANNEL_LABEL[r.channel]}</Table.Td>
                  <Table.Td ta="right">{r.sent.toLocaleString()}</Table.Td>
                  <Table.Td ta="right">{r.clicks.toLocaleString()}</Table.Td>
                  <Table.Td ta="right">{percent(r.clickRate)}</Table.Td>
                  <Table.Td ta="right">{r.stitchedVisitors.toLocaleString()}</Table.Td>
                  <Table.Td ta="right">{r.conversions.toLocaleString()}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </>
      )}
    </>
  );
}
