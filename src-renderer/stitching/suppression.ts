// Erased identifiers are remembered only as SHA-256 hashes of `kind:value`, so neither a journal
// replay nor a new event carrying them can re-create or re-link an erased contact.
import type { StitchDb } from '../db';
import type { SuppressionKind } from '../db/types';

const cache = new Map<string, string>();
const CACHE_LIMIT = 20_000;

export async function hashIdentifier(kind: SuppressionKind, value: string): Promise<string> {
  const key = `${kind}:${value}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key));
  const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, hex);
  return hex;
}

/** For importers and the campaign builder: is this identifier of an erased contact? */
export async function isSuppressed(db: StitchDb, kind: SuppressionKind, value: string): Promise<boolean> {
  return (await db.suppressions.get(await hashIdentifier(kind, value))) !== undefined;
}
