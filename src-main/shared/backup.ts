// Workspace backup and restore as the bridge carries them. Types only.

/** Where a backup goes: chosen by the user now (`file`), or the automatic backups folder (`auto`). */
export type BackupTarget = 'file' | 'auto';

export interface BackupBeginRequest {
  target: BackupTarget;
  /** Required for `file`; `auto` uses the passphrase kept with the schedule. */
  passphrase?: string;
  /** The store's Dexie schema version, so a restore can upgrade older rows. */
  storeSchemaVersion: number;
  /** The store tables, in the order their rows will come. */
  tables: string[];
}

/** `backupId` null: the user cancelled the save dialog (desktop). */
export interface BackupBeginResult {
  backupId: string | null;
}

export interface BackupFinishResult {
  fileName: string;
  bytes: number;
  /** Where the file was written (desktop, automatic backups). */
  path?: string;
  /** Headless mode: a one-time address the browser downloads the file from. */
  downloadUrl?: string;
}

/** Long steps answer in slices (a request must not idle past the server's timeouts): call again until done. */
export type BackupFinishStep =
  | { done: false; filesDone: number; filesTotal: number }
  | ({ done: true } & BackupFinishResult);

export interface BackupSchedule {
  enabled: boolean;
  /** Absolute folder on this computer; null until chosen. */
  folder: string | null;
  keepLast: number;
  /** A passphrase is kept for automatic backups (it is never sent back). */
  hasPassphrase: boolean;
  lastBackupAt: string | null;
  lastBackupFile: string | null;
  lastError: string | null;
  /** True when enabled and the last automatic backup is a day old or missing. */
  due: boolean;
}

export interface BackupScheduleInput {
  enabled: boolean;
  folder: string | null;
  keepLast: number;
  /** Omitted: keep the stored one. */
  passphrase?: string;
}

export type BackupProblem = 'foreign' | 'unsupported' | 'wrong_passphrase' | 'truncated' | 'damaged';

export interface RestoreSummary {
  restoreId: string;
  createdAt: string;
  appVersion: string;
  storeSchemaVersion: number;
  /** Rows per store table. */
  rows: Record<string, number>;
  /** Data-folder files in the backup (relative paths). */
  files: string[];
  /** False when this app already has sites, links or journal events (a restore replaces them). */
  workspaceEmpty: boolean;
}

/** `restore.open` checks the file a slice at a time: call again until `summary` is set. */
export interface RestoreOpenStep {
  checkedBytes: number;
  totalBytes: number;
  summary: RestoreSummary | null;
}

export interface RestoreRowsBatch {
  /** Rows as JSON array text, one entry per backup frame, in backup order. */
  frames: { table: string; json: string }[];
  done: boolean;
}
