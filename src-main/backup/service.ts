// Workspace backup and restore on the main side. A backup is a session: the renderer streams its
// store tables in, then main adds every data-folder file and seals the file. A restore uploads a
// file, verifies all of it (and stages the data-folder files) before anything changes, hands the
// store rows back to the renderer, and only then swaps the data folder and reloads the services.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import {
  createWriteStream,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  type WriteStream,
} from 'node:fs';
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import type {
  BackupBeginRequest,
  BackupFinishStep,
  BackupSchedule,
  BackupScheduleInput,
  RestoreOpenStep,
  RestoreRowsBatch,
  RestoreSummary,
} from '../shared/backup';
import { LOGS_DIR, type Logger } from '../util/log';
import { type BackupFrame, BackupWriter, readBackupFrames } from './archive';
import { BackupFileError, DEFAULT_KDF, type KdfParams } from './container';
import {
  BackupScheduleError,
  BackupScheduleStore,
  backupFileName,
  MIN_PASSPHRASE_LENGTH,
  rotateBackups,
  SCHEDULE_FILE,
} from './schedule';

/** Manual backups (headless downloads) and uploaded restore files wait here; never backed up. */
export const BACKUPS_DIR = 'backups';
const LOCK_FILE = 'stitchdesk.lock';
/** A session nobody touches for this long is dropped (a closed tab must not hold files forever). */
const SESSION_IDLE_MS = 15 * 60 * 1000;
const DOWNLOAD_TTL_MS = 5 * 60 * 1000;
/** About this much row JSON per `restore.rows` answer. */
const ROWS_BATCH_CHARS = 2 * 1024 * 1024;
/** A long step (checking a file, copying the journal) answers after about this long and goes on at the next call. */
const STEP_MS = 2_000;

/** A request that cannot be served as asked; the bridge answers it with this status and code. */
export class BackupRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** What the backup service needs from the rest of the app to replace a workspace. */
export interface WorkspaceHooks {
  appVersion: string;
  /** True when this app has no sites, no links and no journal events yet. */
  isEmpty(): boolean;
  /** Closes whatever holds data-folder files open (the journal) before they are moved. */
  suspend(): Promise<void>;
  /** Reads the data folder again into fresh services: settings, sites, links and secret, journal. */
  resume(): Promise<void>;
  /** Desktop: the native save dialog for a backup file; null when cancelled. */
  saveDialog?: (suggestedName: string) => Promise<string | null>;
  /** Key-derivation cost; only tests lower it. */
  kdf?: KdfParams;
}

/**
 * True for what a workspace is made of. A generic rule on purpose: every regular file of the data
 * folder (settings, sites, links and the link secret, messaging, the journal with its position and
 * any archive, files other parts of the app add later) except what belongs to this computer or
 * this moment: the pid lock, the backups folder, the automatic-backup schedule, headless mode's
 * logs, and *.tmp files.
 */
export function isWorkspacePath(relativePath: string): boolean {
  const parts = relativePath.split('/');
  const top = parts[0];
  if (top === LOCK_FILE || top === BACKUPS_DIR || top === SCHEDULE_FILE || top === LOGS_DIR) return false;
  return parts.every((part) => part !== '' && part !== '.' && part !== '..' && !part.endsWith('.tmp'));
}

/** Every workspace file under `dataDir` (posix relative paths, sorted), skipping `exclude` folders. */
export function listWorkspaceFiles(dataDir: string, exclude: readonly string[] = []): string[] {
  const out: string[] = [];
  const walk = (dir: string, prefix: string) => {
    for (const name of readdirSync(dir).sort()) {
      const rel = prefix ? `${prefix}/${name}` : name;
      if (!isWorkspacePath(rel)) continue;
      const abs = join(dir, name);
      if (exclude.some((folder) => abs === folder)) continue;
      // lstat: a symlink is never followed out of the data folder.
      const stat = lstatSync(abs);
      if (stat.isDirectory()) walk(abs, rel);
      else if (stat.isFile()) out.push(rel);
    }
  };
  walk(dataDir, '');
  return out;
}

interface BackupSession {
  id: string;
  writer: BackupWriter;
  tables: ReadonlySet<string>;
  target: { kind: 'download' } | { kind: 'path' } | { kind: 'auto'; folder: string; keepLast: number };
  /** The data-folder files still to add, listed at the first `finish` call. */
  files: string[] | null;
  filesDone: number;
  touched: number;
}

interface RestoreSession {
  id: string;
  upload: string;
  expectedBytes: number;
  received: number;
  passphrase: string | null;
  staging: string | null;
  summary: RestoreSummary | null;
  rows: AsyncGenerator<BackupFrame> | null;
  /** The check in progress, and the passphrase it was started with. */
  check: {
    passphrase: string;
    progress: { bytesRead: number };
    steps: AsyncGenerator<void, RestoreSummary>;
  } | null;
  touched: number;
}

export class BackupService {
  readonly schedule: BackupScheduleStore;
  private backup: BackupSession | null = null;
  private restore: RestoreSession | null = null;
  private readonly downloads = new Map<string, { path: string; expires: number }>();
  private readonly reaper: NodeJS.Timeout;

  constructor(
    private readonly dataDir: string,
    private readonly hooks: WorkspaceHooks,
    private readonly log: Logger,
  ) {
    this.schedule = new BackupScheduleStore(dataDir);
    this.reaper = setInterval(() => void this.dropIdle(), 60_000);
    this.reaper.unref();
  }

  private get backupsDir(): string {
    return join(this.dataDir, BACKUPS_DIR);
  }

  // ---- backup ----

  async begin(request: BackupBeginRequest): Promise<{ backupId: string | null }> {
    if (this.backup) {
      if (Date.now() - this.backup.touched < SESSION_IDLE_MS) {
        throw new BackupRequestError(409, 'busy', 'Another backup is being written; wait for it to finish');
      }
      await this.cancel(this.backup.id);
    }
    const now = new Date();
    let passphrase: string;
    let path: string;
    let target: BackupSession['target'];
    if (request.target === 'auto') {
      const auto = this.schedule.target();
      passphrase = auto.passphrase;
      mkdirSync(auto.folder, { recursive: true });
      path = join(
        auto.folder,
        backupFileName(now, (name) => existsSync(join(auto.folder, name))),
      );
      target = { kind: 'auto', folder: auto.folder, keepLast: auto.keepLast };
    } else {
      if (!request.passphrase || request.passphrase.length < MIN_PASSPHRASE_LENGTH) {
        throw new BackupRequestError(
          400,
          'invalid_input',
          `The passphrase needs at least ${MIN_PASSPHRASE_LENGTH} characters`,
          'passphrase',
        );
      }
      passphrase = request.passphrase;
      const name = backupFileName(now);
      if (this.hooks.saveDialog) {
        const chosen = await this.hooks.saveDialog(name);
        if (!chosen) return { backupId: null };
        path = chosen;
        target = { kind: 'path' };
      } else {
        // Headless: the browser downloads it from here; older downloads are dropped first.
        const dir = join(this.backupsDir, 'downloads');
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        path = join(dir, name);
        target = { kind: 'download' };
      }
    }
    const writer = await BackupWriter.create(
      path,
      passphrase,
      {
        format: 'stitchdesk-workspace',
        createdAt: now.toISOString(),
        appVersion: this.hooks.appVersion,
        storeSchemaVersion: request.storeSchemaVersion,
        tables: request.tables,
      },
      this.hooks.kdf ?? DEFAULT_KDF,
    );
    const id = randomBytes(12).toString('base64url');
    this.backup = {
      id,
      writer,
      tables: new Set(request.tables),
      target,
      files: null,
      filesDone: 0,
      touched: Date.now(),
    };
    return { backupId: id };
  }

  async rows(backupId: string, table: string, rows: readonly unknown[]): Promise<{ bytes: number }> {
    const session = this.backupSession(backupId);
    if (!session.tables.has(table)) {
      throw new BackupRequestError(
        400,
        'invalid_input',
        `Table ${table} was not announced when the backup began`,
        'table',
      );
    }
    await session.writer.rows(table, rows);
    return { bytes: session.writer.bytesWritten };
  }

  async finish(backupId: string): Promise<BackupFinishStep> {
    const session = this.backupSession(backupId);
    const { writer, target } = session;
    const until = Date.now() + STEP_MS;
    try {
      session.files ??= listWorkspaceFiles(this.dataDir, target.kind === 'auto' ? [target.folder] : []);
      while (session.filesDone < session.files.length) {
        if (Date.now() > until)
          return { done: false, filesDone: session.filesDone, filesTotal: session.files.length };
        const file = session.files[session.filesDone] ?? '';
        await writer.file(file, join(this.dataDir, ...file.split('/')));
        session.filesDone += 1;
      }
      const bytes = await writer.finish();
      this.backup = null;
      const fileName = writer.path.split(sep).pop() ?? writer.path;
      if (target.kind === 'auto') {
        rotateBackups(target.folder, target.keepLast);
        this.schedule.recordResult({ at: new Date().toISOString(), file: writer.path });
      }
      this.log.info(`backup written: ${writer.path} (${bytes} bytes)`);
      if (target.kind === 'download')
        return {
          done: true,
          fileName,
          bytes,
          downloadUrl: `/bridge/download/${this.issueDownload(writer.path)}`,
        };
      return { done: true, fileName, bytes, path: writer.path };
    } catch (error) {
      this.backup = null;
      await writer.abort();
      if (target.kind === 'auto') this.schedule.recordResult({ error: (error as Error).message });
      throw error;
    }
  }

  async cancel(backupId: string): Promise<void> {
    if (this.backup?.id !== backupId) return;
    const { writer, target } = this.backup;
    this.backup = null;
    await writer.abort();
    if (target.kind === 'auto') this.schedule.recordResult({ error: 'The automatic backup was interrupted' });
  }

  scheduleStatus(): BackupSchedule {
    return this.schedule.status();
  }

  configureSchedule(input: BackupScheduleInput): BackupSchedule {
    return this.schedule.configure(input);
  }

  /** The file a one-time download ticket stands for (and forgets the ticket), or null. */
  takeDownload(ticket: string): string | null {
    const entry = this.downloads.get(ticket);
    this.downloads.delete(ticket);
    if (!entry || entry.expires < Date.now() || !existsSync(entry.path)) return null;
    return entry.path;
  }

  private issueDownload(path: string): string {
    const ticket = randomBytes(32).toString('base64url');
    this.downloads.set(ticket, { path, expires: Date.now() + DOWNLOAD_TTL_MS });
    return ticket;
  }

  private backupSession(id: string): BackupSession {
    if (this.backup?.id !== id)
      throw new BackupRequestError(
        404,
        'not_found',
        'No backup in progress with this id (it may have timed out)',
        'backupId',
      );
    this.backup.touched = Date.now();
    return this.backup;
  }

  // ---- restore ----

  async restoreBegin(bytes: number): Promise<{ restoreId: string }> {
    await this.discardRestore();
    const dir = join(this.backupsDir, 'incoming');
    rmSync(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const id = randomBytes(12).toString('base64url');
    const upload = join(dir, `${id}.stbk`);
    await appendFile(upload, Buffer.alloc(0), { mode: 0o600 });
    this.restore = {
      id,
      upload,
      expectedBytes: bytes,
      received: 0,
      passphrase: null,
      staging: null,
      summary: null,
      rows: null,
      check: null,
      touched: Date.now(),
    };
    return { restoreId: id };
  }

  async restoreUpload(restoreId: string, offset: number, data: Buffer): Promise<{ received: number }> {
    const session = this.restoreSession(restoreId);
    if (offset !== session.received) {
      throw new BackupRequestError(
        409,
        'out_of_order',
        `Expected the part at byte ${session.received}, got ${offset}`,
        'offset',
      );
    }
    if (session.received + data.length > session.expectedBytes) {
      throw new BackupRequestError(400, 'invalid_input', 'More bytes than announced', 'data');
    }
    await appendFile(session.upload, data);
    session.received += data.length;
    return { received: session.received };
  }

  /**
   * Decrypts and checks the whole file, staging its data-folder files; changes nothing else. Works
   * for about STEP_MS per call: the caller calls again until `summary` is set.
   */
  async restoreOpen(restoreId: string, passphrase: string): Promise<RestoreOpenStep> {
    const session = this.restoreSession(restoreId);
    if (session.received !== session.expectedBytes) {
      throw new BackupRequestError(
        409,
        'incomplete',
        `Only ${session.received} of ${session.expectedBytes} bytes were uploaded`,
      );
    }
    if (session.summary && session.passphrase === passphrase) {
      return {
        checkedBytes: session.expectedBytes,
        totalBytes: session.expectedBytes,
        summary: session.summary,
      };
    }
    if (!session.check || session.check.passphrase !== passphrase) {
      await session.check?.steps.return(undefined as never);
      this.dropStaging(session);
      const staging = join(this.dataDir, `restore-${session.id}.tmp`);
      mkdirSync(staging, { mode: 0o700 });
      session.staging = staging;
      const progress = { bytesRead: 0 };
      session.check = {
        passphrase,
        progress,
        steps: this.verifyAndStage(session.upload, passphrase, staging, session.id, progress),
      };
    }
    const { check } = session;
    const until = Date.now() + STEP_MS;
    try {
      for (;;) {
        const step = await check.steps.next();
        if (step.done) {
          session.check = null;
          session.passphrase = passphrase;
          session.summary = step.value;
          return {
            checkedBytes: session.expectedBytes,
            totalBytes: session.expectedBytes,
            summary: step.value,
          };
        }
        if (Date.now() > until)
          return { checkedBytes: check.progress.bytesRead, totalBytes: session.expectedBytes, summary: null };
      }
    } catch (error) {
      session.check = null;
      this.dropStaging(session);
      throw error;
    }
  }

  /** The next store rows, in backup order, after `restoreOpen` verified the file. */
  async restoreRows(restoreId: string): Promise<RestoreRowsBatch> {
    const session = this.restoreSession(restoreId);
    if (!session.summary || !session.passphrase)
      throw new BackupRequestError(409, 'not_verified', 'Open the backup with its passphrase first');
    session.rows ??= readBackupFrames(session.upload, session.passphrase);
    const frames: RestoreRowsBatch['frames'] = [];
    let chars = 0;
    while (chars < ROWS_BATCH_CHARS) {
      const next = await session.rows.next();
      if (next.done || next.value.kind === 'end') return { frames, done: true };
      if (next.value.kind !== 'rows') continue;
      frames.push({ table: next.value.table, json: next.value.json });
      chars += next.value.json.length;
    }
    return { frames, done: false };
  }

  /**
   * Replaces the workspace's data-folder files with the verified backup's and reloads the services.
   * Refused over a workspace that already has data unless `replace` says the user confirmed it.
   */
  async restoreCommit(restoreId: string, replace: boolean): Promise<{ restored: string[] }> {
    const session = this.restoreSession(restoreId);
    const { staging, summary } = session;
    if (!staging || !summary)
      throw new BackupRequestError(409, 'not_verified', 'Open the backup with its passphrase first');
    if (!replace && !this.hooks.isEmpty()) {
      throw new BackupRequestError(
        409,
        'workspace_not_empty',
        'This app already has sites, links or events; confirm that the restore replaces them',
      );
    }
    const aside = join(this.dataDir, `replaced-${session.id}.tmp`);
    mkdirSync(aside, { mode: 0o700 });
    const current = topLevelWorkspaceEntries(this.dataDir);
    const incoming = readdirSync(staging);
    await this.hooks.suspend();
    try {
      for (const name of current) renameSync(join(this.dataDir, name), join(aside, name));
      for (const name of incoming) renameSync(join(staging, name), join(this.dataDir, name));
      await this.hooks.resume();
    } catch (error) {
      // Put the previous workspace back as it was, then bring its services up again.
      this.log.error(`restore failed, putting the previous workspace back: ${(error as Error).message}`);
      for (const name of topLevelWorkspaceEntries(this.dataDir))
        rmSync(join(this.dataDir, name), { recursive: true, force: true });
      for (const name of readdirSync(aside)) renameSync(join(aside, name), join(this.dataDir, name));
      rmSync(aside, { recursive: true, force: true });
      await this.hooks.resume();
      throw error;
    }
    rmSync(aside, { recursive: true, force: true });
    await this.discardRestore();
    this.log.info(`workspace restored from a backup made ${summary.createdAt} (${incoming.length} entries)`);
    return { restored: summary.files };
  }

  /** Drops the restore in progress (only that one, when `restoreId` is given) and its files. */
  async discardRestore(restoreId?: string): Promise<void> {
    if (restoreId !== undefined && this.restore?.id !== restoreId) return;
    const session = this.restore;
    this.restore = null;
    if (!session) return;
    await session.rows?.return(undefined);
    await session.check?.steps.return(undefined as never).catch(() => undefined);
    this.dropStaging(session);
    rmSync(session.upload, { force: true });
  }

  close(): void {
    clearInterval(this.reaper);
    void this.discardRestore();
    if (this.backup) void this.cancel(this.backup.id);
  }

  private restoreSession(id: string): RestoreSession {
    if (this.restore?.id !== id)
      throw new BackupRequestError(
        404,
        'not_found',
        'No restore in progress with this id (it may have timed out)',
        'restoreId',
      );
    this.restore.touched = Date.now();
    return this.restore;
  }

  private dropStaging(session: RestoreSession): void {
    if (session.staging) rmSync(session.staging, { recursive: true, force: true });
    session.staging = null;
    session.summary = null;
  }

  private async dropIdle(): Promise<void> {
    const now = Date.now();
    if (this.backup && now - this.backup.touched > SESSION_IDLE_MS) await this.cancel(this.backup.id);
    if (this.restore && now - this.restore.touched > SESSION_IDLE_MS) await this.discardRestore();
    for (const [ticket, entry] of this.downloads) if (entry.expires < now) this.downloads.delete(ticket);
  }

  /** Yields after each entry, so `restoreOpen` can answer between slices; returns the summary. */
  private async *verifyAndStage(
    upload: string,
    passphrase: string,
    staging: string,
    restoreId: string,
    progress: { bytesRead: number },
  ): AsyncGenerator<void, RestoreSummary> {
    let manifest: Extract<BackupFrame, { kind: 'manifest' }>['manifest'] | null = null;
    const rows: Record<string, number> = Object.create(null);
    const files = new Map<string, number>();
    // The staged file being written: parts of one file arrive one after another.
    const writing: { file: { path: string; stream: WriteStream } | null; error: Error | null } = {
      file: null,
      error: null,
    };
    const closeFile = async () => {
      const { file } = writing;
      writing.file = null;
      if (!file) return;
      if (!file.stream.destroyed) {
        file.stream.end();
        await once(file.stream, 'close');
      }
      if (writing.error) throw writing.error;
    };
    try {
      for await (const frame of readBackupFrames(upload, passphrase, progress)) {
        yield;
        if (frame.kind === 'manifest') {
          manifest = frame.manifest;
        } else if (frame.kind === 'rows') {
          if (!manifest?.tables.includes(frame.table)) {
            throw new BackupFileError(
              'damaged',
              `The backup has rows for an undeclared table ${frame.table.slice(0, 40)}`,
            );
          }
          // Every chunk is authenticated, so the rows are the writer's own JSON: counted, not parsed.
          rows[frame.table] = (rows[frame.table] ?? 0) + frame.count;
        } else if (frame.kind === 'file') {
          const target = stagedPath(staging, frame.path);
          let file = writing.file;
          if (file?.path !== target) {
            if (files.has(frame.path))
              throw new BackupFileError('damaged', `The backup carries ${frame.path} twice`);
            await closeFile();
            mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
            file = { path: target, stream: createWriteStream(target, { mode: 0o600 }) };
            // A full disk while staging fails the restore (nothing changed yet), not the process.
            file.stream.on('error', (error) => {
              writing.error ??= error;
            });
            writing.file = file;
            files.set(frame.path, 0);
          }
          if (writing.error) throw writing.error;
          if (!file.stream.write(frame.data)) await once(file.stream, 'drain');
          files.set(frame.path, (files.get(frame.path) ?? 0) + frame.data.length);
        } else {
          await closeFile();
          checkTotals(frame.totals, rows, files);
        }
      }
    } finally {
      await closeFile();
    }
    if (!manifest) throw new BackupFileError('foreign', 'The backup has no manifest');
    return {
      restoreId,
      createdAt: manifest.createdAt,
      appVersion: manifest.appVersion,
      storeSchemaVersion: manifest.storeSchemaVersion,
      rows: { ...rows },
      files: [...files.keys()],
      workspaceEmpty: this.hooks.isEmpty(),
    };
  }
}

/** Where a backed-up file goes in the staging folder; a path that could escape it is refused. */
function stagedPath(staging: string, path: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses.
  if (!isWorkspacePath(path) || path.includes('\\') || /[\u0000-\u001f]/.test(path) || path.includes(':')) {
    throw new BackupFileError('damaged', `The backup names a file outside a workspace: ${path.slice(0, 80)}`);
  }
  const target = join(staging, ...path.split('/'));
  const rel = relative(staging, target);
  if (rel.startsWith('..') || isAbsolute(rel)) {
    throw new BackupFileError('damaged', `The backup names a file outside a workspace: ${path.slice(0, 80)}`);
  }
  return target;
}

function checkTotals(
  totals: { rows: Record<string, number>; files: Record<string, number> },
  rows: Record<string, number>,
  files: Map<string, number>,
): void {
  const rowTables = new Set([...Object.keys(totals.rows), ...Object.keys(rows)]);
  for (const table of rowTables) {
    if ((totals.rows[table] ?? 0) !== (rows[table] ?? 0)) {
      throw new BackupFileError('damaged', `The backup's ${table} rows do not add up to its end record`);
    }
  }
  const names = new Set([...Object.keys(totals.files), ...files.keys()]);
  for (const name of names) {
    if (totals.files[name] !== files.get(name)) {
      throw new BackupFileError('damaged', `The backup's copy of ${name} does not match its end record`);
    }
  }
}

/** The data folder's top-level entries a restore replaces (the lock, backups and schedule stay). */
function topLevelWorkspaceEntries(dataDir: string): string[] {
  return readdirSync(dataDir).filter(
    (name) =>
      isWorkspacePath(name) &&
      existsSync(join(dataDir, name)) &&
      (statSync(join(dataDir, name)).isFile() || statSync(join(dataDir, name)).isDirectory()),
  );
}

export { BackupFileError, BackupScheduleError };
