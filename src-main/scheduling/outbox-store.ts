// The outbox's durable state in the data folder: a snapshot (outbox/outbox.json) and an append-only
// log (outbox/outbox.log) of every change since. A change is fsynced before the caller acts on it,
// so a message is recorded `sending` on disk before its provider request starts.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { DeliveryPoll } from '../messaging/delivery';
import type { MessagingChannel, OutgoingMessage } from '../shared/messaging';
import type { CampaignSchedule, OutboxState, ZoneSource } from '../shared/scheduling';
import { fsyncDir, writeFileAtomic } from '../util/fs';

export interface OutboxMessage {
  message: OutgoingMessage;
  campaignId: string;
  channel: MessagingChannel;
  /** When it may go out (moved on when quiet hours began before it could be sent). */
  sendAt: number;
  zones: string[];
  fallbackZone: string | null;
  zoneSource: ZoneSource;
  state: OutboxState;
  /** The store's sequence number of this message's latest change. */
  seq: number;
  sentAt?: number;
  providerId?: string;
  providerStatus?: string;
  errorCode?: number;
  error?: string;
  /** Recorded with `sending`: the provider drops repeats of its idempotency key, so resending is safe. */
  idempotent?: boolean;
  poll?: DeliveryPoll;
}

export interface OutboxCampaign {
  campaignId: string;
  channel: MessagingChannel;
  schedule: CampaignSchedule;
  state: 'active' | 'paused' | 'cancelled';
  seq: number;
}

type Row = { c: OutboxCampaign } | { m: OutboxMessage };

interface Snapshot {
  lastSeq: number;
  campaigns: OutboxCampaign[];
  messages: OutboxMessage[];
}

const SNAPSHOT = 'outbox.json';
const LOG = 'outbox.log';
/** Log lines after which the next commit folds the log into a fresh snapshot. */
const COMPACT_AFTER = 50_000;

export class OutboxStore {
  readonly campaigns = new Map<string, OutboxCampaign>();
  readonly messages = new Map<string, OutboxMessage>();
  private lastSeq = 0;
  private fd: number;
  private logLines = 0;
  private readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'outbox');
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    this.load();
    // Start every run from a snapshot: the log then holds only this run's changes.
    this.writeSnapshot();
    this.fd = openSync(join(this.dir, LOG), 'w', 0o600);
    fsyncDir(this.dir);
  }

  get seq(): number {
    return this.lastSeq;
  }

  private load(): void {
    const snapshotFile = join(this.dir, SNAPSHOT);
    if (existsSync(snapshotFile)) {
      const snapshot = JSON.parse(readFileSync(snapshotFile, 'utf8')) as Snapshot;
      this.lastSeq = snapshot.lastSeq;
      for (const c of snapshot.campaigns) this.campaigns.set(c.campaignId, c);
      for (const m of snapshot.messages) this.messages.set(m.message.messageId, m);
    }
    const logFile = join(this.dir, LOG);
    if (!existsSync(logFile)) return;
    for (const line of readFileSync(logFile, 'utf8').split('\n')) {
      if (line === '') continue;
      let row: Row;
      try {
        row = JSON.parse(line) as Row;
      } catch {
        // A line torn by a crash was never fsynced, so nothing acted on it: it did not happen.
        continue;
      }
      const seq = 'c' in row ? row.c.seq : row.m.seq;
      if (seq <= this.lastSeq) continue; // already in the snapshot (a crash mid-compaction)
      this.apply(row);
      this.lastSeq = seq;
    }
  }

  private apply(row: Row): void {
    if ('c' in row) this.campaigns.set(row.c.campaignId, row.c);
    else this.messages.set(row.m.message.messageId, row.m);
  }

  /** Gives each changed row the next sequence number, appends them and fsyncs, then applies them. */
  commit(changes: { campaigns?: OutboxCampaign[]; messages?: OutboxMessage[] }): void {
    const rows: Row[] = [
      ...(changes.campaigns ?? []).map((c): Row => ({ c: { ...c, seq: ++this.lastSeq } })),
      ...(changes.messages ?? []).map((m): Row => ({ m: { ...m, seq: ++this.lastSeq } })),
    ];
    if (rows.length === 0) return;
    writeSync(this.fd, `${rows.map((row) => JSON.stringify(row)).join('\n')}\n`);
    fsyncSync(this.fd);
    for (const row of rows) this.apply(row);
    this.logLines += rows.length;
    if (this.logLines >= COMPACT_AFTER) this.compact();
  }

  private writeSnapshot(): void {
    const snapshot: Snapshot = {
      lastSeq: this.lastSeq,
      campaigns: [...this.campaigns.values()],
      messages: [...this.messages.values()],
    };
    writeFileAtomic(join(this.dir, SNAPSHOT), JSON.stringify(snapshot), 0o600);
  }

  /** Folds the log into a fresh snapshot: older copies of changed rows are gone from disk after it. */
  compact(): void {
    this.writeSnapshot();
    closeSync(this.fd);
    this.fd = openSync(join(this.dir, LOG), 'w', 0o600);
    this.logLines = 0;
  }

  close(): void {
    closeSync(this.fd);
  }
}
