// The campaign report's goals: per goal, conversions within its window after a click, the rate,
// revenue, the median time from click to conversion, and which browsers converted.
import { Anchor, Card, Table, Text, Title } from '@mantine/core';
import { useLiveQuery } from 'dexie-react-hooks';
import { Link } from 'react-router';
import { campaignGoals } from '../../goals/report';
import type { ReportRange } from '../../queries/report-range';
import { appDb } from '../../state/db';
import { percent } from '../campaigns/labels';
import { formatDuration, formatMoney } from './format';

export function CampaignGoals(props: { campaignId: string; range: ReportRange }) {
  const db = appDb();
  const { from, to } = props.range;
  const data = useLiveQuery(async () => {
    const goals = await db.goals.orderBy('name').toArray();
    return campaignGoals(db, props.campaignId, goals, { from, to });
  }, [db, props.campaignId, from, to]);
  if (!data) return null;
  return (
    <Card withBorder padding="sm">
      <Title order={5} mb="xs">
        Goals
      </Title>
      {data.goals.length === 0 ? (
        <Text size="sm" c="dimmed">
          No goals defined.{' '}
          {/* Underlined: a link inside a sentence must not rely on colour alone (axe link-in-text-block). */}
          <Anchor component={Link} to="/reports" size="sm" underline="always">
            Define goals on the Reports page
          </Anchor>{' '}
          to count conversions after a click.
        </Text>
      ) : (
        <Table fz="xs" verticalSpacing={2} aria-label="Goal results">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Goal</Table.Th>
              <Table.Th ta="right">Conversions</Table.Th>
              <Table.Th ta="right">Rate</Table.Th>
              <Table.Th ta="right">Revenue</Table.Th>
              <Table.Th ta="right">Median click → conversion</Table.Th>
              <Table.Th ta="right">Own browser</Table.Th>
              <Table.Th ta="right">Tentative</Table.Th>
              <Table.Th ta="right">Forwarded</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.goals.map((g) => (
              <Table.Tr key={g.goalId} data-testid={`goal-row-${g.name}`}>
                <Table.Td>{g.name}</Table.Td>
                <Table.Td ta="right" data-testid={`goal-conversions-${g.name}`}>
                  {g.conversions.toLocaleString()}
                </Table.Td>
                <Table.Td ta="right">{percent(g.rate)}</Table.Td>
                <Table.Td ta="right">{g.revenue === null ? '—' : formatMoney(g.revenue)}</Table.Td>
                <Table.Td ta="right">{g.medianMs === null ? '—' : formatDuration(g.medianMs)}</Table.Td>
                <Table.Td ta="right" data-testid={`goal-own-${g.name}`}>
                  {g.by.owner}
                </Table.Td>
                <Table.Td ta="right">{g.by.tentative}</Table.Td>
                <Table.Td ta="right">{g.by.forwarded}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Text size="xs" c="dimmed" mt={4}>
        A recipient converts when a browser that opened their link reaches the goal within the goal's window
        after that click, the conversion made in the chosen dates; counted once per recipient. Tentative and
        forwarded browsers are shown apart.
      </Text>
    </Card>
  );
}
