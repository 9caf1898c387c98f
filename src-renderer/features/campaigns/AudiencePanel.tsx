// The builder's audience: everyone, a tag, a list, a saved segment or conditions built in place, with the live
// recipient count and who is left out and why (no consent, no reachable number, landline, erased, duplicate number).
import {
  Anchor,
  Badge,
  Card,
  Group,
  Loader,
  SegmentedControl,
  Select,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useLiveQuery } from 'dexie-react-hooks';
import { Link } from 'react-router';
import {
  type AudienceResult,
  audienceOptions,
  EXCLUSION_LABELS,
  type ExclusionReason,
} from '../../campaigns/audience';
import type { CampaignAudience, CampaignRow } from '../../db/types';
import { emptyGroup } from '../../segments/model';
import { appDb } from '../../state/db';
import { AudienceConditions } from './AudienceConditions';
import { CHANNEL_LABEL } from './labels';

export function AudiencePanel(props: {
  draft: CampaignRow;
  audience: AudienceResult | undefined;
  locked: boolean;
  onChange: (audience: CampaignAudience) => void;
}) {
  const db = appDb();
  const options = useLiveQuery(() => audienceOptions(db), [db]);
  const segments = useLiveQuery(() => db.segments.orderBy('name').toArray(), [db]);
  const audience = props.draft.audience ?? { kind: 'all' };
  const result = props.audience;
  const excluded = result
    ? (Object.entries(result.excluded) as [ExclusionReason, number][]).filter(([, n]) => n > 0)
    : [];

  return (
    <Card withBorder padding="sm">
      <Title order={4} mb="xs">
        Audience
      </Title>
      <Group align="flex-end" gap="sm">
        <SegmentedControl
          size="xs"
          aria-label="Audience"
          disabled={props.locked}
          value={audience.kind}
          onChange={(kind) => {
            if (kind === 'tag') props.onChange({ kind: 'tag', tag: options?.tags[0] ?? '' });
            else if (kind === 'list') props.onChange({ kind: 'list', list: options?.lists[0] ?? '' });
            else if (kind === 'segment')
              props.onChange({ kind: 'segment', segmentId: segments?.[0]?.id ?? '' });
            else if (kind === 'conditions')
              // From a saved segment, its conditions are the starting point for a variation.
              props.onChange({
                kind: 'conditions',
                definition:
                  (audience.kind === 'segment' &&
                    segments?.find((s) => s.id === audience.segmentId)?.definition) ||
                  emptyGroup(),
              });
            else props.onChange({ kind: 'all' });
          }}
          data={[
            { value: 'all', label: 'All contacts' },
            { value: 'tag', label: 'Tag' },
            { value: 'list', label: 'List' },
            { value: 'segment', label: 'Segment' },
            { value: 'conditions', label: 'Conditions' },
          ]}
        />
        {audience.kind === 'segment' && (
          <Select
            size="xs"
            label="Segment"
            searchable
            allowDeselect={false}
            disabled={props.locked}
            data={(segments ?? []).map((s) => ({ value: s.id, label: s.name }))}
            value={audience.segmentId || null}
            onChange={(segmentId) => props.onChange({ kind: 'segment', segmentId: segmentId ?? '' })}
            nothingFoundMessage="No saved segment yet"
          />
        )}
        {audience.kind === 'segment' && (
          <Anchor component={Link} to="/segments" size="xs" mb={6}>
            Build segments
          </Anchor>
        )}
        {audience.kind === 'tag' && (
          <Select
            size="xs"
            label="Tag"
            searchable
            // Picking the tag already chosen must not clear the audience.
            allowDeselect={false}
            disabled={props.locked}
            data={options?.tags ?? []}
            value={audience.tag || null}
            onChange={(tag) => props.onChange({ kind: 'tag', tag: tag ?? '' })}
            nothingFoundMessage="No contact has a tag yet"
          />
        )}
        {audience.kind === 'list' && (
          <Select
            size="xs"
            label="List"
            searchable
            // Picking the tag already chosen must not clear the audience.
            allowDeselect={false}
            disabled={props.locked}
            data={options?.lists ?? []}
            value={audience.list || null}
            onChange={(list) => props.onChange({ kind: 'list', list: list ?? '' })}
            nothingFoundMessage="No contact is on a list yet"
          />
        )}
      </Group>
      {audience.kind === 'conditions' &&
        (props.locked ? (
          <Text size="sm" mt="xs">
            Custom conditions, resolved at Prepare (the report says when).
          </Text>
        ) : (
          <AudienceConditions
            definition={audience.definition}
            onChange={(definition) => props.onChange({ kind: 'conditions', definition })}
            onSaved={(segmentId) => props.onChange({ kind: 'segment', segmentId })}
          />
        ))}
      <Stack gap={4} mt="sm" aria-live="polite">
        {audience.kind === 'segment' && segments && !segments.some((s) => s.id === audience.segmentId) ? (
          <Text size="sm" c="red">
            {segments.length === 0
              ? 'No saved segment yet: build one on the Segments page.'
              : 'Pick a segment (the one chosen before was deleted).'}
          </Text>
        ) : (audience.kind === 'segment' || audience.kind === 'conditions') && !props.locked ? (
          <Text size="xs" c="dimmed">
            {audience.kind === 'segment' ? 'The segment is' : 'The conditions are'} resolved again at Prepare;
            the contacts matching at that moment get the messages.
          </Text>
        ) : null}
        {!result ? (
          <Loader size="xs" />
        ) : (
          <>
            <Text size="sm" fw={600} data-testid="recipient-count">
              {result.recipients.length.toLocaleString()} recipient{result.recipients.length === 1 ? '' : 's'}
              <Text span size="sm" c="dimmed" fw={400}>
                {' '}
                of {result.matched.toLocaleString()} contact{result.matched === 1 ? '' : 's'} in the audience
              </Text>
            </Text>
            {excluded.length > 0 && (
              <Group gap={6} aria-label="Excluded contacts">
                <Text size="xs" c="dimmed">
                  Excluded:
                </Text>
                {excluded.map(([reason, count]) => (
                  <Badge key={reason} size="sm" variant="light" color="orange">
                    {EXCLUSION_LABELS[reason]}: {count}
                  </Badge>
                ))}
              </Group>
            )}
            {result.matched === 0 && (
              <Text size="xs" c="dimmed">
                No contacts match. Add or import contacts, or pick another tag or list.
              </Text>
            )}
            <Text size="xs" c="dimmed">
              {CHANNEL_LABEL[props.draft.channel]} needs the contact's {CHANNEL_LABEL[props.draft.channel]}{' '}
              consent and{' '}
              {props.draft.channel === 'sms'
                ? 'a mobile phone number'
                : props.draft.channel === 'email'
                  ? 'a valid email address that has not hard-bounced'
                  : 'a WhatsApp number (or else a phone number)'}
              .
            </Text>
          </>
        )}
      </Stack>
    </Card>
  );
}
