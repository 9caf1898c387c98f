// Settings → Maintenance → Journal health: whether events are being saved, and every piece of
// damage the app found in the journal's files, what it cost and where the damaged data went.
import { Alert, Stack, Text, Title } from '@mantine/core';
import { useAppStore } from '../../state/store';
import { damageExplanation, faultExplanation } from './journal-health';

export function JournalHealthSection() {
  const journal = useAppStore((s) => s.collectorStatus?.journal);
  if (!journal) return null;
  const reports = journal.damage ?? [];
  return (
    <Stack gap="xs" maw={640} mt="md" aria-labelledby="journal-health-title" component="section">
      <Title order={5} id="journal-health-title">
        Journal health
      </Title>
      {journal.fault && (
        <Alert color="red" title="Events are not being saved">
          {faultExplanation(journal.fault)}
        </Alert>
      )}
      {!journal.fault && reports.length === 0 && (
        <Text size="sm">Events are being saved, and no damage has been found in the journal.</Text>
      )}
      {reports.length > 0 && (
        <Text size="sm">
          The app checks the journal each time it starts. Damaged data is set aside so the app keeps working;
          the list stays here until the quarantine folder is emptied.
        </Text>
      )}
      {reports.map((report) => {
        const { title, text, detail } = damageExplanation(report);
        return (
          <Alert
            key={`${report.segment}-${report.bytes?.from ?? 'missing'}-${report.detectedAt}`}
            color="orange"
            title={title}
            // The light orange of the default title is too faint to read on its background.
            styles={{ title: { color: 'var(--mantine-color-text)' } }}
          >
            <Text size="sm">{text}</Text>
            <Text size="xs" mt={4}>
              {detail}
            </Text>
          </Alert>
        );
      })}
    </Stack>
  );
}
