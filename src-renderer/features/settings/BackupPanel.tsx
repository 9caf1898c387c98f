// Settings → Backup & restore: the whole workspace (store, settings, sites, links and their secret,
// journal) in one file encrypted with a passphrase; a restore into an empty app; daily backups.
import {
  Alert,
  Button,
  Card,
  Checkbox,
  Divider,
  Group,
  Input,
  NumberInput,
  PasswordInput,
  Progress,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import Dexie from 'dexie';
import { useEffect, useId, useState } from 'react';
import type { BackupSchedule, RestoreSummary } from '../../../src-main/shared/backup';
import { runBackup } from '../../backup/run';
import {
  type BackupProgress,
  openBackup,
  type RestoreProgress,
  restoreWorkspace,
  storeIsEmpty,
} from '../../backup/workspace';
import { bridge } from '../../platform';
import { appDb } from '../../state/db';
import { useAppStore } from '../../state/store';
import { formatCount } from '../../ui/format';
import { downloadUrl } from '../../ui/save-file';

const MIN_PASSPHRASE = 8;
/** Mantine's default description grey is below WCAG AA contrast on white; this one is not. */
const READABLE = { description: { color: 'var(--mantine-color-gray-7)' } };
/** Likewise for the light alerts' coloured titles. */
const READABLE_ALERT = { title: { color: 'var(--mantine-color-gray-9)' } };
const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

function backupPercent(p: BackupProgress | null): number {
  if (!p) return 2;
  if (p.phase === 'done') return 100;
  if (p.phase === 'files') return 95;
  return p.rowsTotal === 0 ? 50 : Math.max(2, (p.rowsDone / p.rowsTotal) * 90);
}

function restorePercent(p: RestoreProgress | null): number {
  if (!p) return 2;
  const share = p.total === 0 ? 1 : p.done / p.total;
  switch (p.phase) {
    case 'uploading':
      return Math.max(2, share * 40);
    case 'verifying':
      return 40 + share * 10;
    case 'importing':
      return 50 + share * 45;
    default:
      return 100;
  }
}

function BackupNow() {
  const [passphrase, setPassphrase] = useState('');
  const [repeat, setRepeat] = useState('');
  const [progress, setProgress] = useState<BackupProgress | null>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const mismatch = repeat.length > 0 && repeat !== passphrase;
  const ready = passphrase.length >= MIN_PASSPHRASE && repeat === passphrase;

  const start = async () => {
    setBusy(true);
    setOutcome(null);
    setProgress(null);
    try {
      const result = await runBackup('file', passphrase, setProgress);
      if (!result) {
        setOutcome({ ok: false, text: 'Cancelled: no backup was written.' });
      } else if (result.downloadUrl) {
        downloadUrl(result.downloadUrl, result.fileName);
        setOutcome({ ok: true, text: `Backup ready: ${result.fileName} is in your downloads.` });
      } else {
        setOutcome({ ok: true, text: `Backup saved to ${result.path ?? result.fileName}.` });
      }
      setPassphrase('');
      setRepeat('');
    } catch (error) {
      setOutcome({ ok: false, text: `The backup failed: ${message(error)}` });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Stack gap="xs">
      <Title order={5}>Back up now</Title>
      <Text size="sm">
        One file holds the whole workspace: contacts, campaigns, messages, timelines, the audit log, settings,
        sites, tracked links and the secret that signs them, and the event journal. It is encrypted with the
        passphrase you choose here; without it the file cannot be opened, so keep it somewhere safe.
      </Text>
      <Group align="flex-start" grow maw={560}>
        <PasswordInput
          label="Backup passphrase"
          styles={READABLE}
          description={`At least ${MIN_PASSPHRASE} characters`}
          value={passphrase}
          onChange={(event) => setPassphrase(event.currentTarget.value)}
          autoComplete="new-password"
        />
        <PasswordInput
          label="Repeat the passphrase"
          value={repeat}
          error={mismatch ? 'The two passphrases differ' : undefined}
          onChange={(event) => setRepeat(event.currentTarget.value)}
          autoComplete="new-password"
        />
      </Group>
      {busy && (
        <Stack gap={4} maw={560}>
          <Progress value={backupPercent(progress)} animated aria-label="Backup progress" />
          <Text size="xs" c="gray.7" aria-live="polite">
            {progress?.phase === 'files'
              ? `Adding settings, links and the journal${progress.filesTotal ? ` (${formatCount(progress.filesDone ?? 0)} of ${formatCount(progress.filesTotal)} files)` : ''}, then encrypting…`
              : `Writing the store: ${formatCount(progress?.rowsDone ?? 0)} of ${formatCount(progress?.rowsTotal ?? 0)} rows`}
          </Text>
        </Stack>
      )}
      {outcome && (
        <Alert styles={READABLE_ALERT} color={outcome.ok ? 'teal' : 'red'} maw={560} role="status">
          {outcome.text}
        </Alert>
      )}
      <Group>
        <Button size="xs" onClick={start} disabled={!ready || busy} loading={busy}>
          Back up now
        </Button>
      </Group>
    </Stack>
  );
}

type RestoreState =
  | { step: 'idle' }
  | { step: 'opening'; progress: RestoreProgress | null }
  | { step: 'verified'; summary: RestoreSummary; storeEmpty: boolean }
  | { step: 'restoring'; summary: RestoreSummary; progress: RestoreProgress | null }
  | { step: 'failed'; text: string };

function RestoreFromFile() {
  const inputId = useId();
  const [file, setFile] = useState<File | null>(null);
  const [passphrase, setPassphrase] = useState('');
  const [confirmReplace, setConfirmReplace] = useState(false);
  const [state, setState] = useState<RestoreState>({ step: 'idle' });

  const check = async () => {
    if (!file) return;
    setState({ step: 'opening', progress: null });
    try {
      const summary = await openBackup({
        bridge,
        file,
        passphrase,
        onProgress: (progress) => setState({ step: 'opening', progress }),
      });
      setState({ step: 'verified', summary, storeEmpty: await storeIsEmpty(appDb()) });
    } catch (error) {
      setState({ step: 'failed', text: `${message(error)}. Nothing was changed.` });
    }
  };

  const restore = async (summary: RestoreSummary, replace: boolean) => {
    setState({ step: 'restoring', summary, progress: null });
    const old = appDb();
    try {
      await useAppStore.getState().stopIngest();
      await restoreWorkspace({
        bridge,
        summary,
        replace,
        onProgress: (progress) => setState({ step: 'restoring', summary, progress }),
      });
    } catch (error) {
      setState({ step: 'failed', text: `The restore stopped: ${message(error)}. Nothing was changed.` });
      useAppStore.getState().followIngest(old);
      return;
    }
    old.close();
    // The replaced store goes, as in a rebuild; waiting on other tabs must not hold up the switch.
    await Promise.race([Dexie.delete(old.name), new Promise((resolve) => setTimeout(resolve, 2_000))]);
    window.location.reload();
  };

  const verified = state.step === 'verified' ? state : null;
  const needsConfirm = verified ? !verified.summary.workspaceEmpty || !verified.storeEmpty : false;
  const busy = state.step === 'opening' || state.step === 'restoring';
  const progress = state.step === 'opening' || state.step === 'restoring' ? state.progress : null;
  const rows = (summary: RestoreSummary, table: string, one: string, many: string) => {
    const n = summary.rows[table] ?? 0;
    return `${formatCount(n)} ${n === 1 ? one : many}`;
  };

  return (
    <Stack gap="xs">
      <Title order={5}>Restore from a backup</Title>
      <Text size="sm">
        Restoring is meant for a new, empty app (a new computer, a teammate taking over). The whole file is
        decrypted and checked before anything changes; links sent before the backup keep working.
      </Text>
      <Input.Wrapper label="Backup file" id={inputId} maw={560}>
        <input
          id={inputId}
          type="file"
          accept=".stbk,application/octet-stream"
          style={{ display: 'block', marginTop: 4, fontSize: 13 }}
          onChange={(event) => {
            setFile(event.currentTarget.files?.[0] ?? null);
            setState({ step: 'idle' });
          }}
        />
      </Input.Wrapper>
      <PasswordInput
        label="Passphrase of the backup"
        maw={560}
        value={passphrase}
        onChange={(event) => setPassphrase(event.currentTarget.value)}
        autoComplete="off"
      />
      {state.step === 'failed' && (
        <Alert styles={READABLE_ALERT} color="red" title="This backup cannot be restored" maw={560}>
          {state.text}
        </Alert>
      )}
      {verified && (
        <Alert styles={READABLE_ALERT} color="teal" title="The backup checks out" maw={560}>
          <Text size="sm">
            Made {new Date(verified.summary.createdAt).toLocaleString()} by Stitchdesk{' '}
            {verified.summary.appVersion}: {rows(verified.summary, 'contacts', 'contact', 'contacts')},{' '}
            {rows(verified.summary, 'campaigns', 'campaign', 'campaigns')},{' '}
            {rows(verified.summary, 'events', 'event', 'events')}, {verified.summary.files.length} data files.
          </Text>
        </Alert>
      )}
      {verified && needsConfirm && (
        <Checkbox
          maw={560}
          color="red"
          label="This app already has data. Replace all of it with the backup (it cannot be undone)."
          checked={confirmReplace}
          onChange={(event) => setConfirmReplace(event.currentTarget.checked)}
        />
      )}
      {busy && (
        <Stack gap={4} maw={560}>
          <Progress value={restorePercent(progress)} animated aria-label="Restore progress" />
          <Text size="xs" c="gray.7" aria-live="polite">
            {progress?.phase === 'uploading'
              ? `Reading the file: ${formatCount(Math.round(progress.done / 1024))} of ${formatCount(Math.round(progress.total / 1024))} KB`
              : progress?.phase === 'importing'
                ? `Importing the store: ${formatCount(progress.done)} of ${formatCount(progress.total)} rows`
                : progress?.phase === 'replacing' || progress?.phase === 'done'
                  ? 'Replacing settings, links and the journal, then reloading…'
                  : 'Decrypting and checking the whole file…'}
          </Text>
        </Stack>
      )}
      <Group>
        {!verified ? (
          <Button size="xs" variant="default" onClick={check} disabled={!file || !passphrase || busy}>
            Check the backup
          </Button>
        ) : (
          <Button
            size="xs"
            color="red.9"
            onClick={() => restore(verified.summary, needsConfirm)}
            disabled={needsConfirm && !confirmReplace}
          >
            Restore this workspace
          </Button>
        )}
      </Group>
    </Stack>
  );
}

function AutomaticBackups() {
  const [schedule, setSchedule] = useState<BackupSchedule | null>(null);
  const [draft, setDraft] = useState({ enabled: false, folder: '', keepLast: 7, passphrase: '' });
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);

  useEffect(() => {
    bridge.invoke('backup.schedule', undefined).then(
      (loaded) => {
        setSchedule(loaded);
        setDraft({
          enabled: loaded.enabled,
          folder: loaded.folder ?? '',
          keepLast: loaded.keepLast,
          passphrase: '',
        });
      },
      (error: unknown) => setOutcome({ ok: false, text: message(error) }),
    );
  }, []);

  const save = async () => {
    try {
      const next = await bridge.invoke('backup.configureSchedule', {
        enabled: draft.enabled,
        folder: draft.folder.trim() || null,
        keepLast: draft.keepLast,
        ...(draft.passphrase ? { passphrase: draft.passphrase } : {}),
      });
      setSchedule(next);
      setDraft({ ...draft, passphrase: '' });
      setOutcome({ ok: true, text: 'Saved.' });
    } catch (error) {
      setOutcome({ ok: false, text: message(error) });
    }
  };

  return (
    <Stack gap="xs">
      <Title order={5}>Automatic backups</Title>
      <Text size="sm">
        Once a day, a backup is written to the folder below and only the newest ones are kept. The store lives
        in this app's window, so automatic backups run only while the app is open: a day the app stays closed
        is a day without a backup.
      </Text>
      <Stack gap="xs" maw={560}>
        <Switch
          label="Back up every day"
          checked={draft.enabled}
          onChange={(event) => setDraft({ ...draft, enabled: event.currentTarget.checked })}
        />
        <TextInput
          label="Backup folder"
          styles={READABLE}
          description="A folder on this computer, ideally on another disk or a synced drive"
          placeholder="/home/you/Backups/Stitchdesk"
          value={draft.folder}
          onChange={(event) => setDraft({ ...draft, folder: event.currentTarget.value })}
        />
        <NumberInput
          label="Keep the last"
          suffix=" backups"
          min={1}
          max={365}
          value={draft.keepLast}
          onChange={(value) => typeof value === 'number' && setDraft({ ...draft, keepLast: value })}
        />
        <PasswordInput
          label="Passphrase for automatic backups"
          styles={READABLE}
          description={
            schedule?.hasPassphrase
              ? 'A passphrase is set; type a new one to change it'
              : `Kept on this computer to seal each backup; at least ${MIN_PASSPHRASE} characters`
          }
          value={draft.passphrase}
          onChange={(event) => setDraft({ ...draft, passphrase: event.currentTarget.value })}
          autoComplete="new-password"
        />
        <Text size="xs" c="gray.7" data-testid="last-auto-backup">
          {schedule?.lastError
            ? `The last automatic backup failed: ${schedule.lastError}`
            : schedule?.lastBackupAt
              ? `Last automatic backup: ${new Date(schedule.lastBackupAt).toLocaleString()}`
              : 'No automatic backup yet.'}
        </Text>
        {outcome && (
          <Alert styles={READABLE_ALERT} color={outcome.ok ? 'teal' : 'red'} role="status">
            {outcome.text}
          </Alert>
        )}
        <Group>
          <Button size="xs" variant="default" onClick={save}>
            Save backup schedule
          </Button>
        </Group>
      </Stack>
    </Stack>
  );
}

export function BackupPanel() {
  return (
    <Card withBorder component="section" id="backup-restore" aria-labelledby="backup-restore-title">
      <Title order={4} mb="xs" id="backup-restore-title">
        Backup &amp; restore
      </Title>
      <Stack gap="md">
        <BackupNow />
        <Divider />
        <RestoreFromFile />
        <Divider />
        <AutomaticBackups />
      </Stack>
    </Card>
  );
}
