// The one ingest loop per store: pulls journal records by offset, applies them in batches, acks
// only after each batch commits, then waits for `journal.appended` (or a slow poll). A Web Lock
// keeps it to one tab; yielding between batches keeps the UI responsive while catching up.
import type { Bridge } from '../../src-main/shared/bridge';
import type { RedactionRequest } from '../../src-main/shared/erasure';
import { appliedOffset, type StitchDb } from '../db';
import { finishPendingRedaction } from '../stitching/erase';
import { type IngestSettings, ingestBatch, ingestSettingsOf } from './batch';

export interface IngestProgress {
  /** Last journal offset applied to the store (-1 = none). */
  appliedOffset: number;
  /** Last offset in the journal, as last reported (-1 = empty). */
  lastOffset: number;
  /** Records are waiting: the UI shows "catching up". */
  catchingUp: boolean;
  /** The last failure, cleared by the next successful batch. */
  error: string | null;
}

export interface IngestLoopOptions {
  db: StitchDb;
  bridge: Bridge;
  /** Read once per catch-up; defaults to the main process's settings. */
  loadSettings?: () => Promise<IngestSettings>;
  batchSize?: number;
  /** Fallback poll when no `journal.appended` arrives. */
  pollMs?: number;
  /** Wait after a failed batch before retrying. */
  retryMs?: number;
  onProgress?: (progress: IngestProgress) => void;
  lockName?: string;
}

export const INGEST_LOCK = 'stitchdesk-ingest';

const redactOffsets = (offsets: number[]): RedactionRequest => ({
  emails: [],
  phones: [],
  visitorIds: [],
  userIds: [],
  messageIds: [],
  offsets,
});

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

export class IngestLoop {
  private readonly options: Required<Omit<IngestLoopOptions, 'onProgress'>> &
    Pick<IngestLoopOptions, 'onProgress'>;
  private stopped = false;
  private wake: (() => void) | null = null;
  /** Set by `journal.appended`; an append during a catch-up must not wait for the slow poll. */
  private appended = false;
  private running: Promise<void> | null = null;
  private readonly abort = new AbortController();
  private progress: IngestProgress = { appliedOffset: -1, lastOffset: -1, catchingUp: false, error: null };

  constructor(options: IngestLoopOptions) {
    const { bridge } = options;
    this.options = {
      loadSettings: async () => ingestSettingsOf(await bridge.invoke('settings.get', undefined)),
      batchSize: 500,
      pollMs: 30_000,
      retryMs: 5_000,
      lockName: INGEST_LOCK,
      ...options,
    };
  }

  get current(): IngestProgress {
    return this.progress;
  }

  /** Starts following the journal (once the lock is ours). */
  start(): void {
    if (this.running) return;
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
    this.running = locks
      ? locks
          .request(this.options.lockName, { signal: this.abort.signal }, () => this.follow())
          .catch((error: unknown) => {
            if (!this.stopped) this.report({ error: String(error) });
          })
      : this.follow();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    this.wake?.();
    await this.running;
    this.running = null;
  }

  /** Applies every record the journal holds after the store's offset; resolves when caught up. */
  async catchUp(): Promise<void> {
    const { db, bridge, batchSize } = this.options;
    this.appended = false;
    const settings = await this.options.loadSettings();
    // An erasure whose journal half failed (a journal fault, the app closed meanwhile) is retried here.
    await finishPendingRedaction(db, bridge).catch((error: unknown) =>
      this.report({ error: error instanceof Error ? error.message : String(error) }),
    );
    let applied = await appliedOffset(db);
    let firstRead = true;
    while (!this.stopped) {
      const read = await bridge.invoke('journal.read', { fromOffset: applied + 1, limit: batchSize });
      // A crash between commit and ack leaves the journal behind the store: ack what is committed.
      if (firstRead && read.ackedOffset < applied) await bridge.invoke('journal.ack', { offset: applied });
      firstRead = false;
      if (read.records.length === 0) {
        this.report({ appliedOffset: applied, lastOffset: read.lastOffset, catchingUp: false });
        return;
      }
      this.report({ appliedOffset: applied, lastOffset: read.lastOffset, catchingUp: true });
      const result = await ingestBatch(db, read.records, settings);
      applied = result.appliedOffset;
      // An erased person's events that came in again (a replay, her old cookie) leave the journal too.
      if (result.erasedOffsets.length > 0)
        await bridge.invoke('journal.redact', redactOffsets(result.erasedOffsets));
      await bridge.invoke('journal.ack', { offset: applied });
      this.report({
        appliedOffset: applied,
        lastOffset: Math.max(read.lastOffset, applied),
        catchingUp: applied < read.lastOffset,
        error: null,
      });
      await yieldToEventLoop();
    }
  }

  private async follow(): Promise<void> {
    const off = this.options.bridge.on('journal.appended', ({ lastOffset }) => {
      this.report({ lastOffset: Math.max(this.progress.lastOffset, lastOffset) });
      this.appended = true;
      this.wake?.();
    });
    try {
      while (!this.stopped) {
        try {
          await this.catchUp();
          await this.sleep(this.options.pollMs);
        } catch (error) {
          this.report({ error: error instanceof Error ? error.message : String(error), catchingUp: false });
          await this.sleep(this.options.retryMs);
        }
      }
    } finally {
      off();
    }
  }

  /** Waits `ms`, or less when woken by `journal.appended` or `stop()`. */
  private sleep(ms: number): Promise<void> {
    if (this.stopped || this.appended) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private report(patch: Partial<IngestProgress>): void {
    this.progress = { ...this.progress, ...patch };
    this.options.onProgress?.(this.progress);
  }
}
