// The segment builder: a group of conditions joined by AND ("all of") or OR ("any of"), nested
// groups, and NOT on each condition or group. Edits the plain definition tree (segments/model.ts).
import {
  ActionIcon,
  Button,
  Card,
  Checkbox,
  Group,
  NativeSelect,
  NumberInput,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import type { CampaignRow } from '../../db/types';
import {
  type ConditionKind,
  type ContactField,
  defaultCondition,
  emptyGroup,
  type SegmentCondition,
  type SegmentGroup,
  type SegmentNode,
} from '../../segments/model';

export interface BuilderOptions {
  campaigns: CampaignRow[];
  tags: string[];
  lists: string[];
  customFields: string[];
}

const KIND_LABELS: Record<ConditionKind, string> = {
  message: 'Received or clicked a campaign',
  visited: 'Visited a page',
  form: 'Submitted a form',
  event: 'Did a custom event',
  lastSeen: 'Last seen',
  field: 'Contact field',
  consent: 'Consent',
  tag: 'Has tag',
  list: 'On list',
};

const FIELD_LABELS: [ContactField, string][] = [
  ['firstName', 'First name'],
  ['lastName', 'Last name'],
  ['email', 'Email'],
  ['phone', 'Phone'],
  ['whatsapp', 'WhatsApp number'],
  ['userId', 'User id'],
];

/** Days as the builder's "within the last N days" box: empty means any time. */
const optionalDays = (value: string | number): number | undefined =>
  value === '' || Number(value) <= 0 ? undefined : Number(value);

export function SegmentBuilder(props: {
  value: SegmentGroup;
  onChange: (group: SegmentGroup) => void;
  options: BuilderOptions;
  /** "Condition 1", "Condition 2.1"…: how tests and screen readers name each part. */
  path?: string;
}) {
  const { value, onChange, options } = props;
  const path = props.path ?? '';
  const setChild = (index: number, child: SegmentNode | null) => {
    const children = [...value.children];
    if (child === null) children.splice(index, 1);
    else children[index] = child;
    onChange({ ...value, children });
  };
  return (
    <Card withBorder padding="xs" role="group" aria-label={path ? `Group ${path}` : 'Segment conditions'}>
      <Group gap="xs" mb="xs">
        <NativeSelect
          size="xs"
          aria-label={path ? `Group ${path} joins` : 'Conditions join'}
          value={value.op}
          onChange={(e) => onChange({ ...value, op: e.currentTarget.value === 'or' ? 'or' : 'and' })}
          data={[
            { value: 'and', label: 'All of these (AND)' },
            { value: 'or', label: 'Any of these (OR)' },
          ]}
        />
        {path && (
          <Checkbox
            size="xs"
            label="NOT (none of this)"
            checked={Boolean(value.not)}
            onChange={(e) => onChange({ ...value, not: e.currentTarget.checked })}
          />
        )}
      </Group>
      <Stack gap="xs">
        {value.children.length === 0 && (
          <Text size="xs" c="dimmed">
            No conditions yet: everyone is in. Add one below.
          </Text>
        )}
        {value.children.map((child, index) => {
          const name = path ? `${path}.${index + 1}` : `${index + 1}`;
          return child.kind === 'group' ? (
            <Group key={name} align="flex-start" gap="xs" wrap="nowrap">
              <div style={{ flex: 1 }}>
                <SegmentBuilder
                  value={child}
                  onChange={(g) => setChild(index, g)}
                  options={options}
                  path={name}
                />
              </div>
              <ActionIcon
                variant="subtle"
                color="red"
                aria-label={`Remove group ${name}`}
                onClick={() => setChild(index, null)}
              >
                <IconTrash size={16} />
              </ActionIcon>
            </Group>
          ) : (
            <ConditionEditor
              key={name}
              name={name}
              value={child}
              options={options}
              onChange={(c) => setChild(index, c)}
              onRemove={() => setChild(index, null)}
            />
          );
        })}
      </Stack>
      <Group gap="xs" mt="xs">
        <NativeSelect
          size="xs"
          aria-label={path ? `Add a condition to group ${path}` : 'Add a condition'}
          value=""
          onChange={(e) => {
            const kind = e.currentTarget.value as ConditionKind | '';
            if (kind) onChange({ ...value, children: [...value.children, defaultCondition(kind)] });
          }}
          data={[
            { value: '', label: '+ Add condition…' },
            ...(Object.entries(KIND_LABELS) as [ConditionKind, string][]).map(([kind, label]) => ({
              value: kind,
              label,
            })),
          ]}
        />
        <Button
          size="xs"
          variant="default"
          onClick={() =>
            onChange({
              ...value,
              children: [...value.children, emptyGroup(value.op === 'and' ? 'or' : 'and')],
            })
          }
        >
          Add group
        </Button>
      </Group>
    </Card>
  );
}

function ConditionEditor(props: {
  name: string;
  value: SegmentCondition;
  options: BuilderOptions;
  onChange: (condition: SegmentCondition) => void;
  onRemove: () => void;
}) {
  const { value, options, onChange } = props;
  return (
    <Group role="group" aria-label={`Condition ${props.name}`} gap="xs" align="flex-end" wrap="wrap">
      <Checkbox
        size="xs"
        label="NOT"
        mb={6}
        checked={Boolean(value.not)}
        onChange={(e) => onChange({ ...value, not: e.currentTarget.checked })}
      />
      <Text size="sm" fw={600} mb={6}>
        {KIND_LABELS[value.kind]}
      </Text>
      <ConditionFields value={value} options={options} onChange={onChange} />
      <ActionIcon
        variant="subtle"
        color="red"
        mb={4}
        aria-label={`Remove condition ${props.name}`}
        onClick={props.onRemove}
      >
        <IconTrash size={16} />
      </ActionIcon>
    </Group>
  );
}

function WithinDays(props: { value: number | undefined; onChange: (days: number | undefined) => void }) {
  return (
    <NumberInput
      size="xs"
      w={150}
      label="Within the last (days)"
      placeholder="any time"
      min={1}
      value={props.value ?? ''}
      onChange={(v) => props.onChange(optionalDays(v))}
    />
  );
}

function ConditionFields(props: {
  value: SegmentCondition;
  options: BuilderOptions;
  onChange: (condition: SegmentCondition) => void;
}) {
  const { value: c, options, onChange } = props;
  switch (c.kind) {
    case 'field':
      return (
        <>
          <NativeSelect
            size="xs"
            label="Field"
            value={c.field}
            onChange={(e) => onChange({ ...c, field: e.currentTarget.value as ContactField })}
            data={[
              ...FIELD_LABELS.map(([value, label]) => ({ value, label })),
              ...options.customFields.map((f) => ({ value: `custom.${f}`, label: `${f} (custom)` })),
            ]}
          />
          <NativeSelect
            size="xs"
            label="Test"
            value={c.op}
            onChange={(e) => onChange({ ...c, op: e.currentTarget.value as typeof c.op })}
            data={[
              { value: 'isSet', label: 'is set' },
              { value: 'equals', label: 'equals' },
              { value: 'contains', label: 'contains' },
              { value: 'startsWith', label: 'starts with' },
            ]}
          />
          {c.op !== 'isSet' && (
            <TextInput
              size="xs"
              label="Value"
              value={c.value}
              onChange={(e) => onChange({ ...c, value: e.currentTarget.value })}
            />
          )}
        </>
      );
    case 'consent':
      return (
        <NativeSelect
          size="xs"
          label="Channel"
          value={c.channel}
          onChange={(e) => onChange({ ...c, channel: e.currentTarget.value as typeof c.channel })}
          data={[
            { value: 'sms', label: 'SMS' },
            { value: 'whatsapp', label: 'WhatsApp' },
            { value: 'email', label: 'Email' },
          ]}
        />
      );
    case 'tag':
      return (
        <NativeSelect
          size="xs"
          label="Tag"
          value={c.tag}
          onChange={(e) => onChange({ ...c, tag: e.currentTarget.value })}
          data={[{ value: '', label: 'Pick a tag' }, ...options.tags]}
        />
      );
    case 'list':
      return (
        <NativeSelect
          size="xs"
          label="List"
          value={c.list}
          onChange={(e) => onChange({ ...c, list: e.currentTarget.value })}
          data={[{ value: '', label: 'Pick a list' }, ...options.lists]}
        />
      );
    case 'message':
      return (
        <>
          <NativeSelect
            size="xs"
            label="Action"
            value={c.action}
            onChange={(e) =>
              onChange({ ...c, action: e.currentTarget.value === 'received' ? 'received' : 'clicked' })
            }
            data={[
              { value: 'clicked', label: 'clicked' },
              { value: 'received', label: 'received' },
            ]}
          />
          <NativeSelect
            size="xs"
            label="Campaign"
            value={c.campaignId ?? ''}
            onChange={(e) => {
              const { campaignId: _drop, ...rest } = c;
              onChange(e.currentTarget.value ? { ...rest, campaignId: e.currentTarget.value } : rest);
            }}
            data={[
              { value: '', label: 'Any campaign' },
              ...options.campaigns.map((k) => ({ value: k.id, label: k.name })),
            ]}
          />
          <NativeSelect
            size="xs"
            label="Channel"
            value={c.channel ?? ''}
            onChange={(e) => {
              const { channel: _drop, ...rest } = c;
              const channel = e.currentTarget.value;
              onChange(channel === 'sms' || channel === 'whatsapp' ? { ...rest, channel } : rest);
            }}
            data={[
              { value: '', label: 'Any channel' },
              { value: 'sms', label: 'SMS' },
              { value: 'whatsapp', label: 'WhatsApp' },
            ]}
          />
        </>
      );
    case 'visited':
      return (
        <>
          <NativeSelect
            size="xs"
            label="Page"
            value={c.on}
            onChange={(e) => onChange({ ...c, on: e.currentTarget.value === 'url' ? 'url' : 'path' })}
            data={[
              { value: 'path', label: 'path' },
              { value: 'url', label: 'URL' },
            ]}
          />
          <NativeSelect
            size="xs"
            label="Match"
            value={c.match}
            onChange={(e) =>
              onChange({ ...c, match: e.currentTarget.value === 'matches' ? 'matches' : 'contains' })
            }
            data={[
              { value: 'contains', label: 'contains' },
              { value: 'matches', label: 'matches (regular expression)' },
            ]}
          />
          <TextInput
            size="xs"
            label="Pattern"
            placeholder="/pricing"
            value={c.pattern}
            onChange={(e) => onChange({ ...c, pattern: e.currentTarget.value })}
          />
          <NumberInput
            size="xs"
            w={110}
            label="At least (times)"
            min={1}
            value={c.minCount}
            onChange={(v) => onChange({ ...c, minCount: Math.max(1, Number(v) || 1) })}
          />
          <WithinDays value={c.withinDays} onChange={(withinDays) => onChange(withDays(c, withinDays))} />
        </>
      );
    case 'form':
      return <WithinDays value={c.withinDays} onChange={(withinDays) => onChange(withDays(c, withinDays))} />;
    case 'event':
      return (
        <>
          <TextInput
            size="xs"
            label="Event name"
            value={c.name}
            onChange={(e) => onChange({ ...c, name: e.currentTarget.value })}
          />
          <TextInput
            size="xs"
            label="Property"
            placeholder="optional"
            value={c.property?.key ?? ''}
            onChange={(e) => {
              const key = e.currentTarget.value;
              const { property: _drop, ...rest } = c;
              onChange(key ? { ...rest, property: { op: 'equals', value: '', ...c.property, key } } : rest);
            }}
          />
          {c.property && (
            <>
              <NativeSelect
                size="xs"
                label="Property test"
                value={c.property.op}
                onChange={(e) =>
                  c.property &&
                  onChange({
                    ...c,
                    property: {
                      ...c.property,
                      op: e.currentTarget.value === 'contains' ? 'contains' : 'equals',
                    },
                  })
                }
                data={[
                  { value: 'equals', label: 'equals' },
                  { value: 'contains', label: 'contains' },
                ]}
              />
              <TextInput
                size="xs"
                label="Property value"
                value={c.property.value}
                onChange={(e) =>
                  c.property && onChange({ ...c, property: { ...c.property, value: e.currentTarget.value } })
                }
              />
            </>
          )}
          <WithinDays value={c.withinDays} onChange={(withinDays) => onChange(withDays(c, withinDays))} />
        </>
      );
    case 'lastSeen':
      return (
        <>
          <NativeSelect
            size="xs"
            label="When"
            value={c.op}
            onChange={(e) => onChange({ ...c, op: e.currentTarget.value === 'before' ? 'before' : 'after' })}
            data={[
              { value: 'after', label: 'on or after' },
              { value: 'before', label: 'before' },
            ]}
          />
          <TextInput
            size="xs"
            type="date"
            label="Day"
            value={new Date(c.at).toISOString().slice(0, 10)}
            onChange={(e) => {
              const at = Date.parse(`${e.currentTarget.value}T00:00:00`);
              if (Number.isFinite(at)) onChange({ ...c, at });
            }}
          />
        </>
      );
  }
}

function withDays<T extends { withinDays?: number }>(condition: T, withinDays: number | undefined): T {
  const { withinDays: _drop, ...rest } = condition;
  return withinDays === undefined ? (rest as T) : ({ ...rest, withinDays } as T);
}
