// Collector: where events come in. Its address and state, counters, and a live feed.
import { Badge, Card, Code, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { IconAntenna } from '@tabler/icons-react';
import { useAppStore } from '../../state/store';
import { EmptyState } from '../../ui/EmptyState';
import { PageHeader } from '../../ui/PageHeader';
import { SitesPanel } from './SitesPanel';

export function CollectorPage() {
  const status = useAppStore((s) => s.collectorStatus);
  const feed = useAppStore((s) => s.feed);
  const rejected = status ? Object.values(status.rejected).reduce((a, b) => a + b, 0) : 0;
  return (
    <>
      <PageHeader title="Collector" />
      <SimpleGrid cols={{ base: 2, md: 4 }} mb="md">
        <Stat label="Address" value={status?.address || '—'} />
        <Stat label="State" value={status?.state ?? 'unknown'} />
        <Stat label="Events received" value={String(status?.received ?? 0)} />
        <Stat label="Requests rejected" value={String(rejected)} />
      </SimpleGrid>
      {status?.message && (
        <Text c="orange" mb="md">
          {status.message}
        </Text>
      )}
      {status?.address && <SitesPanel collectorAddress={status.address} />}
      <Title order={4} mb="xs">
        Live feed
      </Title>
      {feed.length === 0 ? (
        <EmptyState icon={<IconAntenna />} title="Waiting for events">
          Events from your website's tracking script, tracked-link clicks and Segment-compatible clients
          appear here as they arrive at <Code>{status?.address || 'the collector'}</Code>.
        </EmptyState>
      ) : (
        <Table striped highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Time</Table.Th>
              <Table.Th>Outcome</Table.Th>
              <Table.Th>Path</Table.Th>
              <Table.Th>Kind</Table.Th>
              <Table.Th>Detail</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {feed.map((item) => (
              <Table.Tr key={item.seq}>
                <Table.Td>{new Date(item.at).toLocaleTimeString()}</Table.Td>
                <Table.Td>
                  <Badge color={item.outcome === 'accepted' ? 'teal' : 'red'} variant="light">
                    {item.outcome}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Code>{item.path}</Code>
                </Table.Td>
                <Table.Td>{item.kind}</Table.Td>
                <Table.Td>{item.detail ?? ''}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </>
  );
}

function Stat(props: { label: string; value: string }) {
  return (
    <Card withBorder padding="sm">
      <Stack gap={2}>
        <Text size="xs" c="dimmed" tt="uppercase">
          {props.label}
        </Text>
        <Group>
          <Text fw={600}>{props.value}</Text>
        </Group>
      </Stack>
    </Card>
  );
}
