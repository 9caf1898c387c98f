// Keyed hashes of erased identifiers (HMAC-SHA256 with a per-workspace secret that never leaves this
// process): the store keeps only these, so a stolen store cannot be brute-forced back to a phone number.
import { createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { IdentifierToHash } from '../shared/erasure';
import { writeFileAtomic } from '../util/fs';

const KEY_BYTES = 32;
export const SUPPRESSION_KEY_FILE = 'suppression.key';
/** Binds hashes to this use of the key, so no other keyed value can be confused with one. */
const HASH_DOMAIN = 'stitchdesk/suppression/v1\0';

/**
 * Reads the workspace's suppression key from the data dir, creating it (owner-only) on first run.
 * A damaged key is an error rather than silently replaced: a new key would forget every erasure.
 */
export function loadOrCreateSuppressionKey(dataDir: string): Buffer {
  const file = join(dataDir, SUPPRESSION_KEY_FILE);
  if (!existsSync(file)) {
    writeFileAtomic(file, `${randomBytes(KEY_BYTES).toString('base64')}\n`, 0o600);
  } else if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) {
    chmodSync(file, 0o600);
  }
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== KEY_BYTES)
    throw new Error(`${file} is damaged: expected a ${KEY_BYTES}-byte base64 key`);
  return key;
}

/** Hex HMAC-SHA256 of `kind:value` for each item, in order. */
export type IdentifierHasher = (items: readonly IdentifierToHash[]) => string[];

export function createIdentifierHasher(key: Buffer): IdentifierHasher {
  return (items) =>
    items.map(({ kind, value }) =>
      createHmac('sha256', key).update(HASH_DOMAIN).update(`${kind}:${value}`).digest('hex'),
    );
}
