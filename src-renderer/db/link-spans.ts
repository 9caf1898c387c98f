// The link spans table: a compact copy of every live visitor link, written beside each link write
// (stitching, unstitch, undo, confirm, erase, demo removal, rebuild), so a segment count maps
// thousands of browsers to contacts with one read instead of one index request per browser.
import Dexie, { type ObservabilitySet, type Table } from 'dexie';
import type { IdentityRow, LinkSpanRow } from './types';

interface SpanTables {
  linkSpans: Table<LinkSpanRow, string>;
}

/** A link's span, or undefined when it gives no browser's events to anyone (not a visitor link, or revoked). */
export function spanOf(link: IdentityRow): LinkSpanRow | undefined {
  if (link.kind !== 'visitor' || link.revokedAt !== null) return undefined;
  return { id: link.id, visitorId: link.value, contactId: link.contactId, from: link.from, to: link.to };
}

/**
 * Brings the spans of links just written (added, changed or revoked) in line with them. Call in
 * the transaction that wrote the links, with `linkSpans` in its scope.
 */
export async function syncSpans(db: SpanTables, links: readonly IdentityRow[]): Promise<void> {
  if (links.length === 0) return;
  const spans: LinkSpanRow[] = [];
  const gone: string[] = [];
  for (const link of links) {
    const span = spanOf(link);
    if (span) spans.push(span);
    else gone.push(link.id);
  }
  await Promise.all([
    spans.length > 0 && db.linkSpans.bulkPut(spans),
    gone.length > 0 && db.linkSpans.bulkDelete(gone),
  ]);
}

/** Drops the spans of links just deleted from `identities` (same transaction). */
export async function dropSpans(db: SpanTables, linkIds: readonly string[]): Promise<void> {
  if (linkIds.length > 0) await db.linkSpans.bulkDelete([...linkIds]);
}

/** Live visitor link spans by browser and by contact. */
export interface SpanIndex {
  byVisitor: ReadonlyMap<string, readonly LinkSpanRow[]>;
  byContact: ReadonlyMap<string, readonly LinkSpanRow[]>;
}

function indexSpans(rows: readonly LinkSpanRow[]): SpanIndex {
  const byVisitor = new Map<string, LinkSpanRow[]>();
  const byContact = new Map<string, LinkSpanRow[]>();
  const push = (map: Map<string, LinkSpanRow[]>, key: string, span: LinkSpanRow) => {
    const list = map.get(key);
    if (list) list.push(span);
    else map.set(key, [span]);
  };
  for (const span of rows) {
    push(byVisitor, span.visitorId, span);
    push(byContact, span.contactId, span);
  }
  return { byVisitor, byContact };
}

/**
 * Every live link span, grouped by browser and by contact, kept in memory between segment counts: reading the table is the largest
 * single read of a count (425 ms for 34,583 spans at 1M events on disk here), and a marketer editing
 * a segment recounts after each change with the links unchanged. Dropped on any write to the table,
 * in this window or another (Dexie's `storagemutated` carries both, before any live query re-runs),
 * and read again by the next count.
 */
export class LinkSpanCache {
  private index: Promise<SpanIndex> | null = null;
  /** Bumped on every drop: a read that a write overtook is used once, not kept. */
  private generation = 0;

  constructor(
    private readonly read: () => Promise<LinkSpanRow[]>,
    dbName: string,
  ) {
    const prefix = `idb://${dbName}/linkSpans/`;
    this.listener = (parts: ObservabilitySet) => {
      if ('all' in parts || Object.keys(parts).some((key) => key.startsWith(prefix))) this.drop();
    };
    Dexie.on('storagemutated', this.listener);
  }

  private readonly listener: (parts: ObservabilitySet) => void;

  /** Stops following writes (the store is closed). */
  stop(): void {
    Dexie.on.storagemutated.unsubscribe(this.listener);
    this.drop();
  }

  /** The spans as stored now, grouped (shared between callers: read only). */
  all(): Promise<SpanIndex> {
    if (this.index) return this.index;
    const generation = this.generation;
    const reading = this.read().then(indexSpans);
    this.index = reading;
    reading.then(
      () => {
        if (this.generation !== generation && this.index === reading) this.index = null;
      },
      () => {
        if (this.index === reading) this.index = null;
      },
    );
    return reading;
  }

  drop(): void {
    this.generation++;
    this.index = null;
  }
}
