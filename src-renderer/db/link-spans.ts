// The link spans table: a compact copy of every live visitor link, written beside each link write
// (stitching, unstitch, undo, confirm, erase, demo removal, rebuild), so a segment count maps
// thousands of browsers to contacts with one read instead of one index request per browser.
import type { Table } from 'dexie';
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
