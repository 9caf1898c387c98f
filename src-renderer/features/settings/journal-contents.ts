// What Settings → Maintenance says a rebuild can and cannot restore, in words, from what the
// journal holds (its live segments and its archive) and the user's archive expiry setting.
import type { JournalContents } from '../../../src-main/shared/bridge';
import { formatBytes, formatCount, formatDateTime } from '../../ui/format';

export interface RebuildCoverage {
  /** What a rebuild replays. */
  replays: string;
  /** What it cannot bring back, when anything is gone. */
  cannotRestore: string | null;
  /** What the expiry setting will do from now on. */
  expiry: string;
  /** Disk use of the journal and its archive. */
  sizes: string;
}

export function describeRebuildCoverage(contents: JournalContents): RebuildCoverage {
  const oldest = contents.oldestReceivedAt ? formatDateTime(Date.parse(contents.oldestReceivedAt)) : null;
  const replays =
    contents.records === 0 || !oldest
      ? 'The journal holds no events yet: a rebuild has nothing to replay.'
      : `A rebuild replays all ${formatCount(contents.records)} ${contents.records === 1 ? 'event' : 'events'} received since ${oldest}.`;
  const gone =
    contents.firstOffset > 0 ? contents.firstOffset : contents.records === 0 ? contents.lastOffset + 1 : 0;
  const cannotRestore =
    gone > 0
      ? `The ${formatCount(gone)} ${gone === 1 ? 'event' : 'events'} received before ${oldest ?? 'now'} ${
          contents.archiveExpiryDays === null
            ? 'are no longer in the journal'
            : 'were deleted by your archive expiry setting'
        } and cannot be restored.`
      : null;
  const expiry =
    contents.archiveExpiryDays === null
      ? 'Older events are compressed into the archive and kept: no expiry is set.'
      : `Archived events older than ${formatCount(contents.archiveExpiryDays)} ${contents.archiveExpiryDays === 1 ? 'day' : 'days'} are deleted, as set in Collector and links; a rebuild cannot restore them after that.`;
  const sizes =
    `Journal: ${formatBytes(contents.segmentBytes)} in ${formatCount(contents.segments)} ${contents.segments === 1 ? 'segment' : 'segments'}. ` +
    `Archive: ${formatBytes(contents.archiveBytes)} compressed, in ${formatCount(contents.archivedSegments)} ${contents.archivedSegments === 1 ? 'file' : 'files'}.`;
  return { replays, cannotRestore, expiry, sizes };
}
