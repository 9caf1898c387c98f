// Collector-facing types shared with the renderer. Types only.

export interface Site {
  id: string;
  name: string;
  /** Origins (scheme://host[:port]) allowed to send events for this site. */
  origins: string[];
  /** Write key for Segment-spec clients (Basic auth `writeKey:`). */
  writeKey: string;
  createdAt: string;
  /** The built-in demo site (served by the collector at /demo/), created by the guided first run. */
  demo?: boolean;
}

/** What the collector has seen of a site: is its snippet installed, and who was turned away. */
export interface SiteActivity {
  siteId: string;
  /** The first accepted event (ISO 8601): the snippet works. */
  firstEventAt?: string;
  lastEventAt?: string;
  /** Origin header of the last accepted request; absent when a server-side client sent none. */
  lastOrigin?: string;
  /** Origins refused for this site (not in its allowed list), most recent first. */
  rejectedOrigins: RejectedOrigin[];
}

export interface RejectedOrigin {
  origin: string;
  count: number;
  lastAt: string;
}

/** The demo site and where its pages are (the link base's /demo/, else the collector's). */
export interface DemoSetup {
  site: Site;
  pagesUrl: string;
}

export interface SiteInput {
  name: string;
  origins: string[];
}

export type CollectorState = 'starting' | 'listening' | 'stopped' | 'error';

export interface CollectorStatus {
  state: CollectorState;
  /** Base URL the collector answers on, e.g. http://127.0.0.1:7420 */
  address: string;
  host: string;
  port: number;
  /** Set when the configured port was taken and another was picked, or on error. */
  message?: string;
  uptimeMs: number;
  received: number;
  rejected: Record<string, number>;
  journal: {
    bytes: number;
    segments: number;
    lastOffset: number;
    ackedOffset: number;
    lag: number;
    /** Set while the journal cannot store events; the collector answers 503 meanwhile. */
    fault?: JournalFault;
    /** Damage found in the journal's files, oldest first; kept until the quarantine folder is emptied. */
    damage?: JournalDamageReport[];
  };
}

/** The journal's last commit failed: events are refused (503 + Retry-After) until one succeeds. */
export interface JournalFault {
  /** In words, e.g. "the disk is full (ENOSPC)". */
  cause: string;
  /** The system error code when there is one: ENOSPC, EIO, EROFS, … */
  code?: string;
  /** When the first failure of this run happened (ISO 8601). */
  since: string;
  /** Failed commits since then (intake and tracked-link taps alike). */
  failures: number;
}

/**
 * Damage that recovery found in a segment file and set aside instead of stopping the app. Intact
 * records on either side stay in the journal; the damaged bytes are copied to `quarantineFile`.
 */
export interface JournalDamageReport {
  /** When recovery found it (ISO 8601). */
  detectedAt: string;
  /** The segment file's name, e.g. 00000000000000000000.seg. */
  segment: string;
  /** What was wrong, e.g. "checksum mismatch". */
  reason: string;
  /** Where the damaged bytes were in the segment file: [from, to). Absent for a missing file. */
  bytes?: { from: number; to: number };
  /** The offsets whose events were lost (inclusive); absent when the damage cost no record. */
  lostOffsets?: { from: number; to: number };
  /** How many of the lost offsets the store had already applied (their events are still in the store). */
  lostButApplied: number;
  /** Where the damaged bytes were moved; absent when there were no bytes to keep. */
  quarantineFile?: string;
}

export interface LiveFeedItem {
  /** Increases by one per item within a run; lets a client merge fetched and pushed items. */
  seq: number;
  at: string;
  outcome: 'accepted' | 'rejected';
  path: string;
  /** Event type for accepted items, error code for rejected ones. */
  kind: string;
  siteId?: string;
  detail?: string;
}
