// The store's acknowledged offset: one small JSON file in the journal folder, replaced atomically.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../util/log';
import { replaceFileDurably } from './disk';
import { FORMAT_VERSION } from './format';

export const ACKED_OFFSET_FILE = 'acked.json';

/** -1 when nothing was ever acked. */
export async function loadAckedOffset(dir: string, log: Logger): Promise<number> {
  const file = join(dir, ACKED_OFFSET_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return -1;
    throw error;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    const offset = (parsed as { ackedOffset?: unknown } | null)?.ackedOffset;
    if (typeof offset === 'number' && Number.isSafeInteger(offset) && offset >= -1) return offset;
  } catch {
    // reported below, like any other unreadable content
  }
  // Forgetting the ack only delays retention and re-offers records the store skips by messageId.
  log.warn(`journal: ${file} is unreadable; starting as if nothing was acknowledged`);
  return -1;
}

export async function saveAckedOffset(dir: string, ackedOffset: number): Promise<void> {
  await replaceFileDurably(
    join(dir, ACKED_OFFSET_FILE),
    `${JSON.stringify({ format: FORMAT_VERSION, ackedOffset })}\n`,
  );
}
