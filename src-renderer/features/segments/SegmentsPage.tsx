// The Segments page: saved segments with their current counts, and the builder with a live count
// (debounced while editing). Segments stay dynamic: campaigns resolve them when they are prepared.
import { Alert, Button, Card, Group, Loader, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { IconFilter, IconPlus } from '@tabler/icons-react';
import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useMemo, useState } from 'react';
import { audienceOptions } from '../../campaigns/audience';
import { customFieldsOf } from '../../campaigns/merge-fields';
import type { SegmentRow } from '../../db/types';
import { countSegment } from '../../segments/count';
import { emptyGroup, type SegmentGroup } from '../../segments/model';
import { appDb } from '../../state/db';
import { EmptyState } from '../../ui/EmptyState';
import { formatCount, formatDateTime } from '../../ui/format';
import { notifyError } from '../../ui/notifications';
import { PageHeader } from '../../ui/PageHeader';
import { type BuilderOptions, SegmentBuilder } from './SegmentBuilder';

const COUNT_DEBOUNCE_MS = 300;

type CountState =
  | { state: 'counting' }
  | { state: 'done'; count: number }
  | { state: 'error'; message: string };

/** The segment's count now, recounted a moment after the last edit. */
export function useSegmentCount(definition: SegmentGroup | undefined): CountState {
  const db = appDb();
  const key = JSON.stringify(definition ?? null);
  const [result, setResult] = useState<CountState>({ state: 'counting' });
  useEffect(() => {
    const parsed = JSON.parse(key) as SegmentGroup | null;
    if (!parsed) return;
    let cancelled = false;
    setResult({ state: 'counting' });
    const timer = setTimeout(() => {
      countSegment(db, parsed).then(
        (count) => !cancelled && setResult({ state: 'done', count }),
        (error: unknown) =>
          !cancelled &&
          setResult({ state: 'error', message: error instanceof Error ? error.message : String(error) }),
      );
    }, COUNT_DEBOUNCE_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [db, key]);
  return result;
}

export function SegmentCount(props: { definition: SegmentGroup }) {
  const count = useSegmentCount(props.definition);
  return (
    <Text size="sm" fw={600} data-testid="segment-count" aria-live="polite">
      {count.state === 'counting' ? (
        <Loader size="xs" />
      ) : count.state === 'error' ? (
        <Text span c="red" size="sm">
          {count.message}
        </Text>
      ) : (
        `${formatCount(count.count)} contact${count.count === 1 ? '' : 's'}`
      )}
    </Text>
  );
}

export function useBuilderOptions(): BuilderOptions | undefined {
  const db = appDb();
  return useLiveQuery(async () => {
    const [campaigns, { tags, lists }, sample] = await Promise.all([
      db.campaigns.orderBy('createdAt').reverse().toArray(),
      audienceOptions(db),
      db.contacts.limit(5000).toArray(),
    ]);
    return { campaigns, tags, lists, customFields: [...customFieldsOf(sample)].sort() };
  }, [db]);
}

/** A segment not saved yet, with a fresh id. */
export function newSegment(definition: SegmentGroup = emptyGroup(), name = ''): SegmentRow {
  const now = Date.now();
  return {
    id: `seg_${now.toString(36)}${Math.random().toString(36).slice(2, 6)}`,
    name,
    definition,
    createdAt: now,
    updatedAt: now,
  };
}

export function SegmentsPage() {
  const db = appDb();
  const segments = useLiveQuery(() => db.segments.orderBy('name').toArray(), [db]);
  const options = useBuilderOptions();
  const [editing, setEditing] = useState<SegmentRow | null>(null);

  const startNew = () => setEditing(newSegment());

  return (
    <>
      <PageHeader title="Segments">
        <Button size="xs" leftSection={<IconPlus size={14} />} onClick={startNew} disabled={editing !== null}>
          New segment
        </Button>
      </PageHeader>
      {editing && options && (
        <SegmentEditor
          key={editing.id}
          segment={editing}
          options={options}
          onDone={() => setEditing(null)}
          isNew={!segments?.some((s) => s.id === editing.id)}
        />
      )}
      {segments?.length === 0 && !editing && (
        <EmptyState icon={<IconFilter />} title="No segments yet">
          A segment picks contacts by their fields, consent, tags and lists, and by what they did: campaigns
          they received or clicked, pages they visited, forms and custom events. Campaigns can be sent to it.
        </EmptyState>
      )}
      {segments && segments.length > 0 && (
        <SegmentList segments={segments} onEdit={setEditing} editingId={editing?.id} />
      )}
    </>
  );
}

function SegmentList(props: {
  segments: SegmentRow[];
  onEdit: (s: SegmentRow) => void;
  editingId: string | undefined;
}) {
  const db = appDb();
  const key = props.segments.map((s) => `${s.id}:${s.updatedAt}`).join(',');
  const [counts, setCounts] = useState<Record<string, number | string>>({});
  // biome-ignore lint/correctness/useExhaustiveDependencies: recounted when a segment changes (`key`), not on every render
  useEffect(() => {
    let cancelled = false;
    void (async () => {
      for (const segment of props.segments) {
        const value = await countSegment(db, segment.definition).catch((e: unknown) =>
          e instanceof Error ? e.message : String(e),
        );
        if (cancelled) return;
        setCounts((c) => ({ ...c, [segment.id]: value }));
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [db, key]);
  return (
    <Table striped fz="sm" aria-label="Saved segments">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Segment</Table.Th>
          <Table.Th ta="right">Contacts now</Table.Th>
          <Table.Th>Changed</Table.Th>
          <Table.Th />
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {props.segments.map((segment) => {
          const count = counts[segment.id];
          return (
            <Table.Tr key={segment.id}>
              <Table.Td>{segment.name}</Table.Td>
              <Table.Td ta="right" data-testid={`segment-count-${segment.name}`}>
                {count === undefined ? '…' : typeof count === 'number' ? formatCount(count) : count}
              </Table.Td>
              <Table.Td>{formatDateTime(segment.updatedAt)}</Table.Td>
              <Table.Td ta="right">
                <Group gap="xs" justify="flex-end">
                  <Button
                    size="compact-xs"
                    variant="default"
                    disabled={props.editingId !== undefined}
                    onClick={() => props.onEdit(segment)}
                  >
                    Edit {segment.name}
                  </Button>
                  <Button
                    size="compact-xs"
                    variant="subtle"
                    color="red"
                    onClick={() => void db.segments.delete(segment.id)}
                  >
                    Delete {segment.name}
                  </Button>
                </Group>
              </Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}

function SegmentEditor(props: {
  segment: SegmentRow;
  options: BuilderOptions;
  isNew: boolean;
  onDone: () => void;
}) {
  const db = appDb();
  const [name, setName] = useState(props.segment.name);
  const [definition, setDefinition] = useState<SegmentGroup>(props.segment.definition);
  const [error, setError] = useState<string | null>(null);
  const used = useMemo(() => name.trim(), [name]);

  const save = async () => {
    if (!used) {
      setError('Give the segment a name.');
      return;
    }
    try {
      await countSegment(db, definition); // refuses a definition that cannot be evaluated
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      return;
    }
    try {
      await db.segments.put({ ...props.segment, name: used, definition, updatedAt: Date.now() });
      props.onDone();
    } catch (e) {
      notifyError('Could not save the segment', e);
    }
  };

  return (
    <Card withBorder padding="sm" mb="md" aria-label="Segment editor">
      <Title order={4} mb="xs">
        {props.isNew ? 'New segment' : `Edit ${props.segment.name}`}
      </Title>
      <Stack gap="sm">
        <TextInput
          label="Segment name"
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          maw={360}
        />
        <SegmentBuilder value={definition} onChange={setDefinition} options={props.options} />
        <Group justify="space-between">
          <Group gap={6}>
            <Text size="sm">In this segment now:</Text>
            <SegmentCount definition={definition} />
          </Group>
          <Group gap="xs">
            <Button variant="default" size="xs" onClick={props.onDone}>
              Cancel
            </Button>
            <Button size="xs" onClick={() => void save()}>
              Save segment
            </Button>
          </Group>
        </Group>
        {error && (
          <Alert color="red" p="xs" title="Not saved">
            {error}
          </Alert>
        )}
      </Stack>
    </Card>
  );
}
