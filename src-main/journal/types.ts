// The journal's public surface, as the collector and the bridge use it.
import type { JournalContents, JournalReadResult } from '../shared/bridge';
import type { JournalDamageReport, JournalFault } from '../shared/collector';
import type { RedactionReport } from '../shared/erasure';
import type { EventSource, JournalRecord, TrackedEvent } from '../shared/events';

export interface JournalEntryInput {
  source: EventSource;
  siteId?: string;
  event: TrackedEvent;
}

export interface JournalStats {
  bytes: number;
  segments: number;
  /** Offset of the last record (-1 when empty). */
  lastOffset: number;
  /** Highest offset the store has acknowledged (-1 when none). */
  ackedOffset: number;
}

export interface EventJournal {
  /**
   * Appends entries; resolves only once they are fsync'd (group commit: concurrent appends share
   * one fsync). Each record gets the next offset and `receivedAt`. Resolves in input order.
   */
  append(entries: JournalEntryInput[]): Promise<JournalRecord[]>;
  read(fromOffset: number, limit: number): Promise<JournalReadResult>;
  ack(offset: number): Promise<number>;
  /**
   * Replaces every record `matches` picks by a redaction record at the same offset (erasure); with
   * `within`, only the segments holding those offsets are read.
   */
  /**
   * Erasure: every record `matches` picks, in segments and archives, becomes a redaction record at
   * the same offset (`within` limits it to the segments holding those offsets); quarantined bytes
   * that contain one of `needles` are deleted.
   */
  redact(
    matches: (record: JournalRecord) => boolean,
    within?: readonly number[],
    needles?: readonly string[],
  ): Promise<RedactionReport>;
  stats(): JournalStats;
  close(): Promise<void>;
}

/** How appends reached the disk; lets tests and the benchmark see group commit at work. */
export interface CommitStats {
  /** Group commits that reached the disk: one write and one fsync each, whatever number of appends. */
  flushes: number;
  /** fsync/fdatasync calls made for appends (a segment rollover adds one for the folder). */
  syncs: number;
  /** Successful `append` calls with at least one entry. */
  appends: number;
}

/** Whether the journal can store events now, and what damage recovery set aside. */
export interface JournalHealth {
  fault?: JournalFault;
  damage: JournalDamageReport[];
}

/** The journal as `openJournal` hands it to the services. */
export interface OpenedJournal extends EventJournal {
  /** Called with the new last offset after each durable flush; returns the unsubscribe function. */
  onAppend(listener: (lastOffset: number) => void): () => void;
  commitStats(): CommitStats;
  health(): JournalHealth;
  /** What a rebuild can replay: record count, the oldest record, live and archived sizes. */
  contents(): Promise<JournalContents>;
}
