// A data folder whose journal has a damaged older segment: twelve events in segments of four, and
// one byte-level rot inside the second event's record, as a failing disk leaves it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openJournal } from '../../src-main/journal/journal';

export const DAMAGED_SEGMENT = '00000000000000000000.seg';

export async function seedDamagedJournal(dataDir: string): Promise<void> {
  const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const journal = await openJournal({
    dir: join(dataDir, 'journal'),
    retentionHours: () => 1e6,
    segmentBytes: 1024,
    log: silent,
  });
  for (let n = 0; n < 12; n++) {
    await journal.append([
      { source: 'app', event: { messageId: `m-${n}`, type: 'track', event: 'Seeded', anonymousId: 'v-1' } },
    ]);
  }
  await journal.close();
  const older = join(dataDir, 'journal', DAMAGED_SEGMENT);
  const bytes = readFileSync(older);
  bytes.write('"m-X"', bytes.indexOf('"m-1"'), 'latin1'); // record 1's payload rots
  writeFileSync(older, bytes);
}
