// A real journal in a temp folder for tests on the renderer side, which reach main-process code
// only at run time: it is what the bridge serves, plus a way to make its segments look old.
import { mkdtempSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redactJournal } from '../../src-main/erasure/redaction';
import { openJournal } from '../../src-main/journal/journal';
import type { OpenedJournal } from '../../src-main/journal/types';
import type { RedactionReport, RedactionRequest } from '../../src-main/shared/erasure';

const DAY_MS = 24 * 3_600_000;

export interface TempJournal {
  journal: OpenedJournal;
  dir: string;
  /**
   * Sets the modification time of every segment written in the last hour to `daysAgo` days ago:
   * retention decides by a segment's last write, so this is how a test makes history old.
   */
  ageRecentSegments(daysAgo: number): void;
  /** What the bridge's `journal.redact` does, on this journal. */
  redact(request: RedactionRequest & { offsets?: number[] }): Promise<RedactionReport>;
}

export async function openTempJournal(opts: {
  segmentBytes: number;
  retentionHours: number;
}): Promise<TempJournal> {
  const dir = join(mkdtempSync(join(tmpdir(), 'stitchdesk-journal-')), 'journal');
  const journal = await openJournal({
    dir,
    segmentBytes: opts.segmentBytes,
    retentionHours: () => opts.retentionHours,
    log: { info: () => {}, warn: () => {}, error: () => {} },
  });
  return {
    journal,
    dir,
    redact: (request) => redactJournal(journal, request),
    ageRecentSegments(daysAgo) {
      const when = new Date(Date.now() - daysAgo * DAY_MS);
      for (const name of readdirSync(dir).filter((n) => n.endsWith('.seg'))) {
        const file = join(dir, name);
        if (statSync(file).mtimeMs > Date.now() - 3_600_000) utimesSync(file, when, when);
      }
    },
  };
}
