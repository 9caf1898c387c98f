// Erased identifiers are remembered only as keyed hashes of `kind:value` (HMAC-SHA256 with the
// workspace's secret), so neither a journal replay nor a new event carrying them can re-create or
// re-link an erased contact, and a copied store cannot be brute-forced back to a phone number. The
// key never reaches the renderer: the main process hashes, one bridge call per batch.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { Bridge } from '../../src-main/shared/bridge';
import type { IdentifierToHash } from '../../src-main/shared/erasure';
import type { StitchDb } from '../db';
import type { SuppressionKind } from '../db/types';

/** Keyed hashes of `items`, in order. */
export type IdentifierHasher = (items: readonly IdentifierToHash[]) => Promise<string[]>;

/** What the store writes on new suppression rows; rows without it are unkeyed SHA-256 (see below). */
export const KEYED_SCHEME = 'hmac-sha256';

let activeHasher: IdentifierHasher | undefined;

/** Set once at start (the app: the bridge; tests: the main process's own hashing). */
export function setIdentifierHasher(hasher: IdentifierHasher): void {
  activeHasher = hasher;
}

export function hashIdentifiers(items: readonly IdentifierToHash[]): Promise<string[]> {
  if (items.length === 0) return Promise.resolve([]);
  if (!activeHasher) return Promise.reject(new Error('No identifier hasher: call setIdentifierHasher first'));
  return activeHasher(items);
}

const CACHE_LIMIT = 20_000;
/** Hashes through the main process, remembering answers so a returning visitor costs nothing. */
export function bridgeHasher(bridge: Pick<Bridge, 'invoke'>): IdentifierHasher {
  const cache = new Map<string, string>();
  return async (items) => {
    const keyOf = (item: IdentifierToHash) => `${item.kind}:${item.value}`;
    const missing = [
      ...new Map(items.filter((i) => !cache.has(keyOf(i))).map((i) => [keyOf(i), i])).values(),
    ];
    if (missing.length > 0) {
      const { hashes } = await bridge.invoke('suppression.hash', { items: missing });
      if (cache.size + missing.length > CACHE_LIMIT) cache.clear();
      missing.forEach((item, i) => {
        const hash = hashes[i];
        if (hash) cache.set(keyOf(item), hash);
      });
    }
    return items.map((item) => {
      const hash = cache.get(keyOf(item));
      if (!hash) throw new Error('The main process returned too few identifier hashes');
      return hash;
    });
  };
}

/**
 * Rows written before hashes were keyed hold plain SHA-256 of `kind:value`. They cannot be re-keyed
 * (the store never kept the identifiers), so they are still honoured: while any exists, identifiers
 * are also checked under this hash.
 */
export function legacyHash(kind: SuppressionKind, value: string): string {
  return bytesToHex(sha256(utf8ToBytes(`${kind}:${value}`)));
}

/** True when an unkeyed row is left; usable inside a transaction on `suppressions`. */
export async function hasLegacySuppressions(db: StitchDb): Promise<boolean> {
  return (await db.suppressions.filter((row) => row.scheme !== KEYED_SCHEME).count()) > 0;
}

/** For importers and the campaign builder: which of these identifiers belong to an erased contact. */
export async function suppressedAmong(db: StitchDb, items: readonly IdentifierToHash[]): Promise<boolean[]> {
  if (items.length === 0 || (await db.suppressions.count()) === 0) return items.map(() => false);
  const keyed = await hashIdentifiers(items);
  const legacy = (await hasLegacySuppressions(db)) ? items.map((i) => legacyHash(i.kind, i.value)) : [];
  const rows = await db.suppressions.bulkGet([...keyed, ...legacy]);
  return items.map(
    (_, i) => rows[i] !== undefined || (legacy.length > 0 && rows[keyed.length + i] !== undefined),
  );
}

export async function isSuppressed(db: StitchDb, kind: SuppressionKind, value: string): Promise<boolean> {
  return (await suppressedAmong(db, [{ kind, value }]))[0] === true;
}
