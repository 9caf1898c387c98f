// Running a backup from the UI: the ingest loop pauses so the store rows and the journal position
// agree, and resumes afterwards. Automatic daily backups are started here too: the store lives in
// this window, so they run only while the app is open, in the one tab that holds the backup lock.
import type { BackupFinishResult, BackupTarget } from '../../src-main/shared/backup';
import { bridge } from '../platform';
import { appDb } from '../state/db';
import { useAppStore } from '../state/store';
import { type BackupProgress, backUpWorkspace } from './workspace';

const AUTO_LOCK = 'stitchdesk-auto-backup';
const FIRST_CHECK_MS = 30_000;
const CHECK_EVERY_MS = 10 * 60_000;

let running: Promise<unknown> | null = null;

/** One backup at a time per tab; the ingest loop is stopped meanwhile and restarted after. */
export async function runBackup(
  target: BackupTarget,
  passphrase: string | undefined,
  onProgress?: (progress: BackupProgress) => void,
): Promise<BackupFinishResult | null> {
  if (running) throw new Error('A backup is already running');
  const store = useAppStore.getState();
  const work = (async () => {
    await store.stopIngest();
    try {
      return await backUpWorkspace({
        db: appDb(),
        bridge,
        target,
        ...(passphrase !== undefined ? { passphrase } : {}),
        ...(onProgress ? { onProgress } : {}),
      });
    } finally {
      store.followIngest(appDb());
    }
  })();
  running = work;
  try {
    return await work;
  } finally {
    running = null;
  }
}

/** Checks now and then whether the daily backup is due and runs it; returns the stop function. */
export function startAutoBackups(): () => void {
  let stopped = false;
  const check = async () => {
    if (stopped || running) return;
    try {
      const schedule = await bridge.invoke('backup.schedule', undefined);
      if (!schedule.due) return;
      const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
      if (!locks) {
        await runBackup('auto', undefined);
        return;
      }
      await locks.request(AUTO_LOCK, { ifAvailable: true }, async (lock) => {
        if (lock && !stopped) await runBackup('auto', undefined);
      });
    } catch {
      // Main records the failure with the schedule (Settings shows it); the next check retries.
    }
  };
  const first = setTimeout(() => void check(), FIRST_CHECK_MS);
  const every = setInterval(() => void check(), CHECK_EVERY_MS);
  return () => {
    stopped = true;
    clearTimeout(first);
    clearInterval(every);
  };
}
