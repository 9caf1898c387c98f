// Collector-facing types shared with the renderer. Types only.

export interface Site {
  id: string;
  name: string;
  /** Origins (scheme://host[:port]) allowed to send events for this site. */
  origins: string[];
  /** Write key for Segment-spec clients (Basic auth `writeKey:`). */
  writeKey: string;
  createdAt: string;
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
  };
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
