// Erased identifiers are remembered only as SHA-256 hashes of `kind:value`, so neither a journal
// replay nor a new event carrying them can re-create or re-link an erased contact.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { StitchDb } from '../db';
import type { SuppressionKind } from '../db/types';

const cache = new Map<string, string>();
const CACHE_LIMIT = 20_000;

/**
 * Hex SHA-256 of `kind:value`. Synchronous on purpose: ingest hashes every event's identifiers, and
 * an await on crypto.subtle per identifier made ingestion wait on thousands of round trips.
 */
export function hashIdentifier(kind: SuppressionKind, value: string): string {
  const key = `${kind}:${value}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const hex = bytesToHex(sha256(utf8ToBytes(key)));
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, hex);
  return hex;
}

/** For importers and the campaign builder: is this identifier of an erased contact? */
export async function isSuppressed(db: StitchDb, kind: SuppressionKind, value: string): Promise<boolean> {
  return (await db.suppressions.get(hashIdentifier(kind, value))) !== undefined;
}
