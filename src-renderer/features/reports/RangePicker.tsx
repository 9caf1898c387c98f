// The date range of a report: last 7, 30 or 90 days, all time, or two dates of one's own. The
// queries count clicks, stitches, goals and post-click activity in it; the caption says what moves.
import { Group, SegmentedControl, Text, TextInput } from '@mantine/core';
import { useMemo, useState } from 'react';
import { dayRange, presetRange, type RangePreset, type ReportRange } from '../../queries/report-range';

export interface RangeChoice {
  preset: RangePreset;
  /** `YYYY-MM-DD`, for `custom`. */
  fromDay: string;
  toDay: string;
}

const PRESETS: { value: RangePreset; label: string }[] = [
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
  { value: '90d', label: 'Last 90 days' },
  { value: 'all', label: 'All time' },
  { value: 'custom', label: 'Custom' },
];

const isPreset = (value: string): value is RangePreset => PRESETS.some((p) => p.value === value);

/** The picker's state and the range it stands for (presets counted back from when they were picked). */
export function useRangeChoice(): [RangeChoice, (next: RangeChoice) => void, ReportRange] {
  const [choice, setChoice] = useState<RangeChoice>({ preset: 'all', fromDay: '', toDay: '' });
  const range = useMemo(
    () =>
      choice.preset === 'custom'
        ? dayRange(choice.fromDay, choice.toDay)
        : presetRange(choice.preset, Date.now()),
    [choice],
  );
  return [choice, setChoice, range];
}

export function RangePicker(props: { value: RangeChoice; onChange: (next: RangeChoice) => void }) {
  const { value } = props;
  return (
    <Group gap="sm" align="flex-end" wrap="wrap">
      <SegmentedControl
        size="xs"
        aria-label="Date range"
        value={value.preset}
        onChange={(preset) => isPreset(preset) && props.onChange({ ...value, preset })}
        data={PRESETS}
      />
      {value.preset === 'custom' && (
        <>
          <TextInput
            size="xs"
            type="date"
            label="From"
            value={value.fromDay}
            max={value.toDay || undefined}
            onChange={(e) => props.onChange({ ...value, fromDay: e.currentTarget.value })}
          />
          <TextInput
            size="xs"
            type="date"
            label="To"
            value={value.toDay}
            min={value.fromDay || undefined}
            onChange={(e) => props.onChange({ ...value, toDay: e.currentTarget.value })}
          />
        </>
      )}
      <Text size="xs" c="gray.7" data-testid="range-caption">
        {captionOf(value)}
      </Text>
    </Group>
  );
}

function captionOf(choice: RangeChoice): string {
  const counted = 'clicks, stitches, goals and post-click figures';
  if (choice.preset === 'all') return `All ${counted}.`;
  if (choice.preset !== 'custom') {
    const days = choice.preset === '7d' ? 7 : choice.preset === '30d' ? 30 : 90;
    return `The ${counted} of the last ${days} days, today included; sends are every send of the campaign.`;
  }
  const from = choice.fromDay || 'the beginning';
  const to = choice.toDay || 'today';
  return `The ${counted} from ${from} to ${to}, both days included; sends are every send of the campaign.`;
}
