// The status bar: the collector's address and state, and the journal's health, as the main process
// reports them.
import { Group, Indicator, Text } from '@mantine/core';
import { damageLine, faultLine } from '../features/settings/journal-health';
import { selectIngestBacklog } from '../state/ingest-slice';
import { useAppStore } from '../state/store';

const STATE_COLOR = { listening: 'teal', starting: 'yellow', stopped: 'gray', error: 'red' } as const;
/** Shades dark enough for the bar's small text to meet WCAG AA contrast; `dimmed`, red.6, blue.6 are not. */
const TEXT_COLOR = { quiet: 'gray.7', error: 'red.9', busy: 'blue.9' } as const;

export function StatusBar() {
  const status = useAppStore((s) => s.collectorStatus);
  const error = useAppStore((s) => s.collectorError);
  const ingest = useAppStore((s) => s.ingestProgress);
  const backlog = useAppStore(selectIngestBacklog);
  const journalFault = status ? faultLine(status.journal.fault) : null;
  const journalDamage = status ? damageLine(status.journal) : null;
  return (
    <Group h="100%" px="md" gap="lg" role="status" aria-label="Collector status">
      <Group gap={8}>
        <Indicator
          color={status ? STATE_COLOR[status.state] : 'gray'}
          size={9}
          processing={status?.state === 'starting'}
        >
          <span />
        </Indicator>
        <Text size="xs">
          Collector {error ? `unreachable: ${error}` : status ? status.state : 'connecting…'}
          {status?.address ? ` at ${status.address}` : ''}
        </Text>
      </Group>
      {status && (
        <Text size="xs" c={TEXT_COLOR.quiet}>
          {status.received} events received · journal lag {status.journal.lag}
        </Text>
      )}
      {ingest && (
        <Text
          size="xs"
          c={ingest.error ? TEXT_COLOR.error : backlog > 0 ? TEXT_COLOR.busy : TEXT_COLOR.quiet}
          aria-label="Store status"
        >
          {ingest.error
            ? `Store: ${ingest.error}`
            : backlog > 0
              ? `Catching up: ${backlog.toLocaleString()} events to apply`
              : 'Store up to date'}
        </Text>
      )}
      {journalFault && (
        <Text size="xs" c={TEXT_COLOR.error} fw={600}>
          {journalFault}
        </Text>
      )}
      {journalDamage && (
        <Text size="xs" fw={600}>
          {journalDamage}
        </Text>
      )}
      {status?.message && (
        <Text size="xs" c="orange">
          {status.message}
        </Text>
      )}
    </Group>
  );
}
