// Automatic daily backups: the schedule (folder, how many to keep, the passphrase they are sealed
// with) in backup-schedule.json, owner-only, and the keep-last-N rotation of the folder. The file
// belongs to this computer: it is not carried in backups nor replaced by a restore.
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import type { BackupSchedule, BackupScheduleInput } from '../shared/backup';
import { writeFileAtomic } from '../util/fs';

export const SCHEDULE_FILE = 'backup-schedule.json';
const DAY_MS = 24 * 60 * 60 * 1000;
/** Backup file names sort by time: `stitchdesk-backup-2026-12-01T20-15-00-000Z.stbk`. */
const BACKUP_NAME = /^stitchdesk-backup-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z(?:-\d+)?\.stbk$/;

export const MIN_PASSPHRASE_LENGTH = 8;

export const scheduleInputSchema = z.strictObject({
  enabled: z.boolean(),
  folder: z
    .string()
    .trim()
    .min(1)
    .max(1024)
    .refine((folder) => isAbsolute(folder), 'must be an absolute folder path')
    .nullable(),
  keepLast: z.number().int().min(1).max(365),
  passphrase: z
    .string()
    .min(MIN_PASSPHRASE_LENGTH, `at least ${MIN_PASSPHRASE_LENGTH} characters`)
    .max(1024)
    .optional(),
});

const storedSchema = z.strictObject({
  enabled: z.boolean(),
  folder: z.string().nullable(),
  keepLast: z.number().int().min(1),
  passphrase: z.string().nullable(),
  lastBackupAt: z.string().nullable(),
  lastBackupFile: z.string().nullable(),
  lastError: z.string().nullable(),
});
type Stored = z.infer<typeof storedSchema>;

const DEFAULTS: Stored = {
  enabled: false,
  folder: null,
  keepLast: 7,
  passphrase: null,
  lastBackupAt: null,
  lastBackupFile: null,
  lastError: null,
};

/** The schedule cannot be used as asked (no folder, no passphrase): a 400 naming the field. */
export class BackupScheduleError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export function backupFileName(at: Date, taken: (name: string) => boolean = () => false): string {
  const stamp = at.toISOString().replace(/[:.]/g, '-');
  let name = `stitchdesk-backup-${stamp}.stbk`;
  for (let n = 2; taken(name); n++) name = `stitchdesk-backup-${stamp}-${n}.stbk`;
  return name;
}

/** Deletes all but the newest `keep` backups in `folder`; other files there are never touched. */
export function rotateBackups(folder: string, keep: number): string[] {
  const names = readdirSync(folder)
    .filter((name) => BACKUP_NAME.test(name))
    .sort();
  const removed = names.slice(0, Math.max(0, names.length - keep));
  for (const name of removed) rmSync(join(folder, name), { force: true });
  return removed;
}

export class BackupScheduleStore {
  private readonly file: string;
  private stored: Stored;

  constructor(dataDir: string) {
    this.file = join(dataDir, SCHEDULE_FILE);
    this.stored = existsSync(this.file)
      ? { ...DEFAULTS, ...storedSchema.partial().parse(JSON.parse(readFileSync(this.file, 'utf8'))) }
      : { ...DEFAULTS };
  }

  status(now = Date.now()): BackupSchedule {
    const { passphrase, ...rest } = this.stored;
    const last = rest.lastBackupAt ? Date.parse(rest.lastBackupAt) : Number.NaN;
    const ready = rest.enabled && rest.folder !== null && passphrase !== null;
    return { ...rest, hasPassphrase: passphrase !== null, due: ready && !(now - last < DAY_MS) };
  }

  configure(input: BackupScheduleInput): BackupSchedule {
    const parsed = scheduleInputSchema.parse(input);
    const passphrase = parsed.passphrase ?? this.stored.passphrase;
    if (parsed.enabled && parsed.folder === null) {
      throw new BackupScheduleError('folder', 'Choose the folder automatic backups go to');
    }
    if (parsed.enabled && passphrase === null) {
      throw new BackupScheduleError('passphrase', 'Set the passphrase automatic backups are encrypted with');
    }
    this.save({
      ...this.stored,
      enabled: parsed.enabled,
      folder: parsed.folder,
      keepLast: parsed.keepLast,
      passphrase,
    });
    return this.status();
  }

  /** What an automatic backup needs, or an error saying what is missing. */
  target(): { folder: string; keepLast: number; passphrase: string } {
    const { enabled, folder, passphrase, keepLast } = this.stored;
    if (!enabled || folder === null || passphrase === null) {
      throw new BackupScheduleError('enabled', 'Automatic backups are not set up');
    }
    return { folder, keepLast, passphrase };
  }

  recordResult(result: { at: string; file: string } | { error: string }): void {
    this.save(
      'error' in result
        ? { ...this.stored, lastError: result.error }
        : { ...this.stored, lastBackupAt: result.at, lastBackupFile: result.file, lastError: null },
    );
  }

  private save(next: Stored): void {
    writeFileAtomic(this.file, `${JSON.stringify(next, null, 2)}\n`, 0o600);
    if (process.platform !== 'win32') chmodSync(this.file, 0o600);
    this.stored = next;
  }
}
