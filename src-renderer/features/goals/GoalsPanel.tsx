// Goals on the Reports page: define page-visit or custom-event goals with their attribution window,
// and compare channels and campaigns by one goal.
import {
  Anchor,
  Button,
  Card,
  Group,
  NativeSelect,
  NumberInput,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import { Link } from 'react-router';
import type { GoalRow } from '../../db/types';
import { DEFAULT_WINDOW_DAYS, describeGoal, type GoalDefinition, validateGoal } from '../../goals/model';
import { goalComparison } from '../../goals/report';
import type { ReportRange } from '../../queries/report-range';
import { appDb } from '../../state/db';
import { CHANNEL_LABEL, percent } from '../campaigns/labels';
import { formatDuration, formatMoney } from './format';

export function GoalsPanel(props: { range: ReportRange }) {
  const db = appDb();
  const goals = useLiveQuery(() => db.goals.orderBy('name').toArray(), [db]);
  const [adding, setAdding] = useState(false);
  return (
    <Card withBorder padding="sm" mb="md" aria-label="Goals">
      <Group justify="space-between" mb="xs">
        <Title order={4}>Goals</Title>
        {!adding && (
          <Button size="xs" variant="default" onClick={() => setAdding(true)}>
            Add goal
          </Button>
        )}
      </Group>
      {adding && <GoalForm onDone={() => setAdding(false)} />}
      {goals?.length === 0 && !adding && (
        <Text size="sm" c="dimmed">
          A goal is a page visit or a custom event that counts as a conversion when it happens within a window
          after a click. Campaign reports show each goal's conversions.
        </Text>
      )}
      {goals && goals.length > 0 && (
        <Table fz="sm" verticalSpacing={2} aria-label="Defined goals" mb="sm">
          <Table.Tbody>
            {goals.map((goal) => (
              <Table.Tr key={goal.id}>
                <Table.Td fw={600}>{goal.name}</Table.Td>
                <Table.Td>{describeGoal(goal)}</Table.Td>
                <Table.Td ta="right">
                  <Button
                    size="compact-xs"
                    variant="subtle"
                    color="red"
                    onClick={() => void db.goals.delete(goal.id)}
                  >
                    Delete {goal.name}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {goals && goals.length > 0 && <GoalComparison goals={goals} range={props.range} />}
    </Card>
  );
}

function GoalForm(props: { onDone: () => void }) {
  const db = appDb();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<'page' | 'event'>('page');
  const [on, setOn] = useState<'path' | 'url'>('path');
  const [match, setMatch] = useState<'contains' | 'matches'>('contains');
  const [pattern, setPattern] = useState('');
  const [eventName, setEventName] = useState('');
  const [propKey, setPropKey] = useState('');
  const [propValue, setPropValue] = useState('');
  const [valueProperty, setValueProperty] = useState('');
  const [windowDays, setWindowDays] = useState<number>(DEFAULT_WINDOW_DAYS);
  const [error, setError] = useState<string | null>(null);

  const save = async () => {
    let definition: GoalDefinition;
    if (kind === 'page') definition = { kind, on, match, pattern: pattern.trim(), windowDays };
    else {
      definition = { kind, eventName: eventName.trim(), windowDays };
      if (propKey.trim()) definition.property = { key: propKey.trim(), op: 'equals', value: propValue };
      if (valueProperty.trim()) definition.valueProperty = valueProperty.trim();
    }
    try {
      if (!name.trim()) throw new Error('Give the goal a name.');
      validateGoal(definition);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      return;
    }
    const goal: GoalRow = {
      ...definition,
      id: `goal_${Date.now().toString(36)}`,
      name: name.trim(),
      createdAt: Date.now(),
    };
    await db.goals.add(goal);
    props.onDone();
  };

  return (
    <Stack gap="xs" mb="sm" aria-label="New goal">
      <Group gap="xs" align="flex-end" wrap="wrap">
        <TextInput
          size="xs"
          label="Goal name"
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
        />
        <NativeSelect
          size="xs"
          label="Goal is"
          value={kind}
          onChange={(e) => setKind(e.currentTarget.value === 'event' ? 'event' : 'page')}
          data={[
            { value: 'page', label: 'a page visit' },
            { value: 'event', label: 'a custom event' },
          ]}
        />
        {kind === 'page' ? (
          <>
            <NativeSelect
              size="xs"
              label="Page"
              value={on}
              onChange={(e) => setOn(e.currentTarget.value === 'url' ? 'url' : 'path')}
              data={[
                { value: 'path', label: 'path' },
                { value: 'url', label: 'URL' },
              ]}
            />
            <NativeSelect
              size="xs"
              label="Match"
              value={match}
              onChange={(e) => setMatch(e.currentTarget.value === 'matches' ? 'matches' : 'contains')}
              data={[
                { value: 'contains', label: 'contains' },
                { value: 'matches', label: 'matches (regular expression)' },
              ]}
            />
            <TextInput
              size="xs"
              label="Page pattern"
              placeholder="/thanks"
              value={pattern}
              onChange={(e) => setPattern(e.currentTarget.value)}
            />
          </>
        ) : (
          <>
            <TextInput
              size="xs"
              label="Event name"
              value={eventName}
              onChange={(e) => setEventName(e.currentTarget.value)}
            />
            <TextInput
              size="xs"
              label="Property (optional)"
              value={propKey}
              onChange={(e) => setPropKey(e.currentTarget.value)}
            />
            {propKey && (
              <TextInput
                size="xs"
                label="equals"
                value={propValue}
                onChange={(e) => setPropValue(e.currentTarget.value)}
              />
            )}
            <TextInput
              size="xs"
              label="Value property (revenue)"
              placeholder="optional, e.g. amount"
              value={valueProperty}
              onChange={(e) => setValueProperty(e.currentTarget.value)}
            />
          </>
        )}
        <NumberInput
          size="xs"
          w={150}
          label="Window after click (days)"
          min={1}
          value={windowDays}
          onChange={(v) => setWindowDays(Number(v) || 0)}
        />
      </Group>
      {error && (
        <Text size="sm" c="red">
          {error}
        </Text>
      )}
      <Group gap="xs">
        <Button size="xs" onClick={() => void save()}>
          Save goal
        </Button>
        <Button size="xs" variant="default" onClick={props.onDone}>
          Cancel
        </Button>
      </Group>
    </Stack>
  );
}

function GoalComparison(props: { goals: GoalRow[]; range: ReportRange }) {
  const db = appDb();
  const [goalId, setGoalId] = useState<string>(props.goals[0]?.id ?? '');
  const goal = props.goals.find((g) => g.id === goalId) ?? props.goals[0];
  const { from, to } = props.range;
  const data = useLiveQuery(
    async () => (goal ? goalComparison(db, goal, { from, to }) : null),
    [db, goal, from, to],
  );
  if (!goal) return null;
  return (
    <Stack gap="xs">
      <NativeSelect
        size="xs"
        label="Compare by goal"
        maw={320}
        value={goal.id}
        onChange={(e) => setGoalId(e.currentTarget.value)}
        data={props.goals.map((g) => ({ value: g.id, label: g.name }))}
      />
      {data && (
        <>
          <SimpleGrid cols={2} spacing="xs">
            {data.totals.map((t) => (
              <Card
                key={t.channel}
                withBorder
                padding="xs"
                aria-label={`${CHANNEL_LABEL[t.channel]} by goal`}
              >
                <Text size="sm" fw={600}>
                  {CHANNEL_LABEL[t.channel]}
                </Text>
                <Text size="sm">
                  {t.conversions.toLocaleString()} conversions of {t.sent.toLocaleString()} sent (
                  {percent(t.rate)}){t.revenue !== null && ` · revenue ${formatMoney(t.revenue)}`}
                </Text>
              </Card>
            ))}
          </SimpleGrid>
          <Table striped fz="sm" verticalSpacing={2} aria-label="Campaigns by goal">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Campaign</Table.Th>
                <Table.Th>Channel</Table.Th>
                <Table.Th ta="right">Sent</Table.Th>
                <Table.Th ta="right">Conversions</Table.Th>
                <Table.Th ta="right">Rate</Table.Th>
                <Table.Th ta="right">Revenue</Table.Th>
                <Table.Th ta="right">Median click → conversion</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.campaigns.map((row) => (
                <Table.Tr key={row.campaignId}>
                  <Table.Td>
                    <Anchor component={Link} to={`/campaigns/${row.campaignId}`} size="sm">
                      {row.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{CHANNEL_LABEL[row.channel]}</Table.Td>
                  <Table.Td ta="right">{row.sent.toLocaleString()}</Table.Td>
                  <Table.Td ta="right">{row.result.conversions.toLocaleString()}</Table.Td>
                  <Table.Td ta="right">{percent(row.result.rate)}</Table.Td>
                  <Table.Td ta="right">
                    {row.result.revenue === null ? '—' : formatMoney(row.result.revenue)}
                  </Table.Td>
                  <Table.Td ta="right">
                    {row.result.medianMs === null ? '—' : formatDuration(row.result.medianMs)}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </>
      )}
    </Stack>
  );
}
