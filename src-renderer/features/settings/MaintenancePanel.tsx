// Settings → Maintenance: rebuild the stitched store from the journal (after a bug fix in the rules,
// or a damaged store), and say in words what a rebuild can and cannot restore, with the journal's
// and its archive's sizes. The ingest loop is stopped first; the page reloads onto the new store.
import { Alert, Button, Card, Group, Modal, Progress, Stack, Text, Title } from '@mantine/core';
import Dexie from 'dexie';
import { useEffect, useState } from 'react';
import type { JournalContents } from '../../../src-main/shared/bridge';
import { type RebuildProgress, rebuildStore } from '../../ingest/rebuild';
import { bridge } from '../../platform';
import { appDb } from '../../state/db';
import { useAppStore } from '../../state/store';
import { formatCount } from '../../ui/format';
import { JournalHealthSection } from './JournalHealthSection';
import { describeRebuildCoverage } from './journal-contents';

type State =
  | { step: 'idle' }
  | { step: 'confirm' }
  | { step: 'running'; progress: RebuildProgress | null }
  | { step: 'failed'; message: string };

const percent = (p: RebuildProgress | null): number =>
  !p || p.phase === 'copying'
    ? 2
    : p.phase === 'done' || p.lastOffset <= 0
      ? 100
      : Math.min(100, Math.max(2, ((p.appliedOffset + 1) / (p.lastOffset + 1)) * 100));

export function MaintenancePanel() {
  const [state, setState] = useState<State>({ step: 'idle' });
  const [contents, setContents] = useState<JournalContents | { error: string } | null>(null);

  useEffect(() => {
    bridge
      .invoke('journal.contents', undefined)
      .then(setContents, (error: Error) => setContents({ error: error.message }));
  }, []);
  const coverage = contents && !('error' in contents) ? describeRebuildCoverage(contents) : null;

  const rebuild = async () => {
    setState({ step: 'running', progress: null });
    const old = appDb();
    try {
      await useAppStore.getState().stopIngest();
      await rebuildStore({
        source: old,
        bridge,
        onProgress: (progress) => setState({ step: 'running', progress }),
      });
    } catch (error) {
      // The old store is still the active one: a reload restarts its ingest loop.
      setState({ step: 'failed', message: error instanceof Error ? error.message : String(error) });
      return;
    }
    old.close();
    // Deleting waits for other tabs to let go of the old store; it must not hold up the switch.
    await Promise.race([Dexie.delete(old.name), new Promise((resolve) => setTimeout(resolve, 2_000))]);
    window.location.reload();
  };

  const running = state.step === 'running' ? state : null;
  return (
    <Card withBorder component="section" aria-labelledby="maintenance-title">
      <Title order={4} mb="xs" id="maintenance-title">
        Maintenance
      </Title>
      <Stack gap="xs" maw={640}>
        <Text size="sm">
          Rebuilding replays every event in the journal into a fresh store, applying the current stitching
          rules. Contacts, campaigns, messages, links made by hand, removed links, the audit log and erasures
          are carried over. The app reloads when it is done.
        </Text>
        {coverage && (
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              {coverage.replays}
            </Text>
            {coverage.cannotRestore && (
              <Text size="sm" c="red.9">
                {coverage.cannotRestore}
              </Text>
            )}
            <Text size="sm">{coverage.expiry}</Text>
            <Text size="sm">{coverage.sizes}</Text>
          </Stack>
        )}
        {contents && 'error' in contents && (
          <Text size="sm" c="red.8">
            What the journal holds could not be read: {contents.error}
          </Text>
        )}
        {state.step === 'failed' && (
          <Alert color="red" title="The rebuild stopped">
            {state.message}. Nothing was changed; reload the app to resume ingesting into the current store.
          </Alert>
        )}
        {running && (
          <Stack gap={4}>
            <Progress value={percent(running.progress)} animated aria-label="Rebuild progress" />
            <Text size="xs" c="dimmed">
              {running.progress?.phase === 'replaying'
                ? `Replaying the journal: ${formatCount(running.progress.appliedOffset + 1)} of ${formatCount(running.progress.lastOffset + 1)} records`
                : running.progress?.phase === 'done'
                  ? 'Done. Reloading…'
                  : 'Copying contacts, campaigns and decisions…'}
            </Text>
          </Stack>
        )}
        <Group>
          <Button
            variant="default"
            color="red"
            size="xs"
            onClick={() => setState({ step: 'confirm' })}
            disabled={running !== null}
          >
            Rebuild the store from the journal
          </Button>
        </Group>
      </Stack>
      <JournalHealthSection />
      <Modal
        opened={state.step === 'confirm'}
        onClose={() => setState({ step: 'idle' })}
        title="Rebuild the store?"
      >
        <Stack gap="sm">
          <Text size="sm">
            Events stop being ingested while the store is rebuilt, and the app reloads at the end. With a long
            journal this can take a few minutes. Events that arrive meanwhile wait in the journal.
          </Text>
          <Group justify="flex-end" gap="xs">
            <Button variant="default" onClick={() => setState({ step: 'idle' })}>
              Cancel
            </Button>
            <Button color="red" onClick={rebuild}>
              Rebuild now
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  );
}
