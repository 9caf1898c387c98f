// What Settings → Maintenance says a rebuild can and cannot restore, from the journal's contents.
import { describe, expect, it } from 'vitest';
import type { JournalContents } from '../../../src-main/shared/bridge';
import { describeRebuildCoverage } from '../../../src-renderer/features/settings/journal-contents';
import { formatDateTime } from '../../../src-renderer/ui/format';

const contents = (patch: Partial<JournalContents>): JournalContents => ({
  records: 0,
  firstOffset: -1,
  lastOffset: -1,
  oldestReceivedAt: null,
  segmentBytes: 0,
  segments: 0,
  archiveBytes: 0,
  archivedSegments: 0,
  archiveExpiryDays: null,
  ...patch,
});
const since = '2025-03-01T10:00:00.000Z';

describe('describeRebuildCoverage', () => {
  it('a full journal: everything since the first event is replayed, nothing is lost, sizes in words', () => {
    const coverage = describeRebuildCoverage(
      contents({
        records: 12_345,
        firstOffset: 0,
        lastOffset: 12_344,
        oldestReceivedAt: since,
        segmentBytes: 3 * 1024 * 1024,
        segments: 1,
        archiveBytes: 1536,
        archivedSegments: 4,
      }),
    );
    expect(coverage.replays).toBe(
      `A rebuild replays all ${(12_345).toLocaleString()} events received since ${formatDateTime(Date.parse(since))}.`,
    );
    expect(coverage.cannotRestore).toBeNull();
    expect(coverage.expiry).toBe('Older events are compressed into the archive and kept: no expiry is set.');
    expect(coverage.sizes).toBe('Journal: 3.0 MB in 1 segment. Archive: 1.5 KB compressed, in 4 files.');
  });

  it('events before the oldest kept were expired by the setting and cannot be restored', () => {
    const coverage = describeRebuildCoverage(
      contents({
        records: 60,
        firstOffset: 40,
        lastOffset: 99,
        oldestReceivedAt: since,
        archiveExpiryDays: 90,
      }),
    );
    expect(coverage.replays).toContain('replays all 60 events');
    expect(coverage.cannotRestore).toBe(
      `The 40 events received before ${formatDateTime(Date.parse(since))} were deleted by your archive expiry setting and cannot be restored.`,
    );
    expect(coverage.expiry).toContain('Archived events older than 90 days are deleted');
  });

  it('an empty journal says there is nothing to replay; one emptied by expiry says how many are gone', () => {
    expect(describeRebuildCoverage(contents({})).replays).toBe(
      'The journal holds no events yet: a rebuild has nothing to replay.',
    );
    expect(describeRebuildCoverage(contents({})).cannotRestore).toBeNull();
    const emptied = describeRebuildCoverage(contents({ lastOffset: 9, archiveExpiryDays: 1 }));
    expect(emptied.cannotRestore).toContain('The 10 events received before now were deleted');
  });
});
