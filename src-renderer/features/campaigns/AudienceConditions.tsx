// A campaign audience built in place: the Segments page's builder inside the campaign, its live
// count, and "Save as segment", which keeps the conditions for other campaigns and points this
// campaign at the saved segment.
import { Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { countSegment } from '../../segments/count';
import type { SegmentGroup } from '../../segments/model';
import { appDb } from '../../state/db';
import { notifyError } from '../../ui/notifications';
import { SegmentBuilder } from '../segments/SegmentBuilder';
import { newSegment, SegmentCount, useBuilderOptions } from '../segments/SegmentsPage';

export function AudienceConditions(props: {
  definition: SegmentGroup;
  onChange: (definition: SegmentGroup) => void;
  onSaved: (segmentId: string) => void;
}) {
  const db = appDb();
  const options = useBuilderOptions();
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);

  const save = async () => {
    const used = name.trim();
    if (!used) {
      setError('Give the segment a name.');
      return;
    }
    try {
      await countSegment(db, props.definition); // refuses a definition that cannot be evaluated
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      return;
    }
    try {
      const segment = newSegment(props.definition, used);
      await db.segments.add(segment);
      props.onSaved(segment.id);
    } catch (e) {
      notifyError('Could not save the segment', e);
    }
  };

  if (!options) return null;
  return (
    <Stack gap="xs" mt="sm" aria-label="Audience conditions" role="group">
      <SegmentBuilder value={props.definition} onChange={props.onChange} options={options} />
      <Group gap={6}>
        <Text size="sm">Matching now:</Text>
        <SegmentCount definition={props.definition} />
      </Group>
      <Group align="flex-end" gap="xs">
        <TextInput
          size="xs"
          label="Save these conditions as a segment"
          placeholder="Segment name"
          value={name}
          onChange={(e) => {
            setName(e.currentTarget.value);
            setError(null);
          }}
          error={error}
        />
        <Button size="xs" variant="default" onClick={() => void save()}>
          Save as segment
        </Button>
      </Group>
    </Stack>
  );
}
