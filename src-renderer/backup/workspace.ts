// The store's half of a workspace backup and restore: every table streamed to the main process in
// chunks (main seals the file and adds the data folder), and a verified backup's rows imported into
// a fresh database that becomes the active store once main has swapped its data folder.
import Dexie, { type DexieOptions, type Table } from 'dexie';
import type { BackupFinishResult, BackupTarget, RestoreSummary } from '../../src-main/shared/backup';
import type { Bridge } from '../../src-main/shared/bridge';
import { ACTIVE_DB_KEY, openStitchDb, type StitchDb } from '../db';
import { ACTIVITY_TABLE, activityMiddleware } from '../db/activity-keys';
import { currentSchemaVersion, schemaVersions } from '../db/versions';

/** Rows are read a page at a time, and sent in parts that stay under the bridge's 1 MB body limit. */
const PAGE_ROWS = 1000;
const MAX_PART_CHARS = 700_000;
/** File bytes per upload call: 512 KiB is ~700 KB of base64. */
export const UPLOAD_PART_BYTES = 512 * 1024;

export interface BackupProgress {
  phase: 'store' | 'files' | 'done';
  rowsDone: number;
  rowsTotal: number;
  /** Data-folder files added so far (phase `files`). */
  filesDone?: number;
  filesTotal?: number;
}

export interface RestoreProgress {
  phase: 'uploading' | 'verifying' | 'importing' | 'replacing' | 'done';
  done: number;
  total: number;
}

/** The rows of one table in primary-key order, a page at a time (never the whole table at once). */
async function* tablePages(table: Table): AsyncGenerator<object[]> {
  const keyPath = table.schema.primKey.keyPath;
  let last: unknown;
  for (;;) {
    const collection = last === undefined ? table.orderBy(':id') : table.where(':id').above(last);
    const rows: object[] = await collection.limit(PAGE_ROWS).toArray();
    if (rows.length === 0) return;
    yield rows;
    const lastRow = rows[rows.length - 1];
    if (rows.length < PAGE_ROWS || !keyPath || !lastRow) return;
    last = Dexie.getByKeyPath(lastRow, keyPath);
  }
}

/** Splits a page into parts whose JSON stays under the bridge body limit. */
function* parts(rows: unknown[]): Generator<unknown[]> {
  if (rows.length <= 1 || JSON.stringify(rows).length <= MAX_PART_CHARS) {
    yield rows;
    return;
  }
  const half = Math.ceil(rows.length / 2);
  yield* parts(rows.slice(0, half));
  yield* parts(rows.slice(half));
}

/** True when the store holds nothing a restore would replace. */
export async function storeIsEmpty(db: StitchDb): Promise<boolean> {
  const counts = await Promise.all(
    [db.contacts, db.campaigns, db.events, db.visitors, db.audit].map((table) => table.count()),
  );
  return counts.every((n) => n === 0);
}

/**
 * Backs up the workspace: the store's tables, then main adds the data folder. The ingest loop should
 * be paused meanwhile so the rows and the journal position agree. Null when the user cancelled.
 */
export async function backUpWorkspace(options: {
  db: StitchDb;
  bridge: Bridge;
  target: BackupTarget;
  passphrase?: string;
  onProgress?: (progress: BackupProgress) => void;
}): Promise<BackupFinishResult | null> {
  const { db, bridge, onProgress } = options;
  // The activity keys are not backed up: the restore's event writes make them again.
  const tables = db.tables.filter((table) => table.name !== ACTIVITY_TABLE);
  const rowsTotal = (await Promise.all(tables.map((table) => table.count()))).reduce((a, b) => a + b, 0);
  const { backupId } = await bridge.invoke('backup.begin', {
    target: options.target,
    ...(options.passphrase !== undefined ? { passphrase: options.passphrase } : {}),
    storeSchemaVersion: currentSchemaVersion,
    tables: tables.map((table) => table.name),
  });
  if (!backupId) return null;
  try {
    let rowsDone = 0;
    onProgress?.({ phase: 'store', rowsDone, rowsTotal });
    for (const table of tables) {
      for await (const page of tablePages(table)) {
        for (const rows of parts(page)) {
          await bridge.invoke('backup.rows', { backupId, table: table.name, rows });
          rowsDone += rows.length;
          onProgress?.({ phase: 'store', rowsDone, rowsTotal });
        }
      }
    }
    onProgress?.({ phase: 'files', rowsDone, rowsTotal });
    for (;;) {
      const step = await bridge.invoke('backup.finish', { backupId });
      if (step.done) {
        onProgress?.({ phase: 'done', rowsDone, rowsTotal });
        return step;
      }
      onProgress?.({
        phase: 'files',
        rowsDone,
        rowsTotal,
        filesDone: step.filesDone,
        filesTotal: step.filesTotal,
      });
    }
  } catch (error) {
    await bridge.invoke('backup.cancel', { backupId }).catch(() => undefined);
    throw error;
  }
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** Uploads a backup file to main in parts, then has main decrypt and verify all of it. */
export async function openBackup(options: {
  bridge: Bridge;
  file: Blob;
  passphrase: string;
  onProgress?: (progress: RestoreProgress) => void;
}): Promise<RestoreSummary> {
  const { bridge, file, onProgress } = options;
  const { restoreId } = await bridge.invoke('restore.begin', { bytes: file.size });
  try {
    for (let offset = 0; offset < file.size; offset += UPLOAD_PART_BYTES) {
      const part = new Uint8Array(await file.slice(offset, offset + UPLOAD_PART_BYTES).arrayBuffer());
      await bridge.invoke('restore.upload', { restoreId, offset, data: toBase64(part) });
      onProgress?.({ phase: 'uploading', done: offset + part.length, total: file.size });
    }
    onProgress?.({ phase: 'verifying', done: 0, total: file.size });
    for (;;) {
      const step = await bridge.invoke('restore.open', { restoreId, passphrase: options.passphrase });
      if (step.summary) return step.summary;
      onProgress?.({ phase: 'verifying', done: step.checkedBytes, total: step.totalBytes });
    }
  } catch (error) {
    await bridge.invoke('restore.discard', { restoreId }).catch(() => undefined);
    throw error;
  }
}

/**
 * Imports a verified backup's rows into a new database, then has main replace its data folder, and
 * makes the new database the active store. Until main's swap succeeds nothing in use has changed:
 * on failure the new database is deleted. The caller stops the ingest loop first and reloads after.
 */
export async function restoreWorkspace(options: {
  bridge: Bridge;
  summary: RestoreSummary;
  replace: boolean;
  name?: string;
  onProgress?: (progress: RestoreProgress) => void;
  storage?: Pick<Storage, 'setItem'>;
  dbOptions?: DexieOptions;
}): Promise<StitchDb> {
  const { bridge, summary, onProgress } = options;
  if (summary.storeSchemaVersion > currentSchemaVersion) {
    throw new Error(
      `This backup was made by a newer version of Stitchdesk (store version ${summary.storeSchemaVersion}); update the app first`,
    );
  }
  const name = options.name ?? `stitchdesk-restored-${Date.now()}`;
  const total = Object.values(summary.rows).reduce((a, b) => a + b, 0);
  try {
    // Rows go in at the schema they were read at; opening the store afterwards runs the upgrades.
    const staging = new Dexie(name, options.dbOptions);
    for (const { version, stores } of schemaVersions) {
      if (version <= summary.storeSchemaVersion) staging.version(version).stores(stores);
    }
    // Restored events make their activity keys as they are written (the upgrade does, for an older backup).
    staging.use(activityMiddleware());
    await staging.open();
    let done = 0;
    onProgress?.({ phase: 'importing', done, total });
    for (;;) {
      const batch = await bridge.invoke('restore.rows', { restoreId: summary.restoreId });
      for (const frame of batch.frames) {
        const rows: unknown[] = JSON.parse(frame.json);
        await staging.table(frame.table).bulkAdd(rows);
        done += rows.length;
        onProgress?.({ phase: 'importing', done, total });
      }
      if (batch.done) break;
    }
    staging.close();
    const target = openStitchDb(name, options.dbOptions);
    await target.open();
    onProgress?.({ phase: 'replacing', done, total });
    await bridge.invoke('restore.commit', { restoreId: summary.restoreId, replace: options.replace });
    (options.storage ?? globalThis.localStorage)?.setItem(ACTIVE_DB_KEY, name);
    onProgress?.({ phase: 'done', done, total });
    return target;
  } catch (error) {
    await Dexie.delete(name).catch(() => undefined);
    await bridge.invoke('restore.discard', { restoreId: summary.restoreId }).catch(() => undefined);
    throw error;
  }
}
