// Rebuilds the stitched store from the journal into a fresh database, carrying over what the
// journal does not hold (contacts, campaigns, messages, manual links and user decisions, audit,
// erasure suppressions, sends), then makes it the active store.
import type { DexieOptions } from 'dexie';
import type { Bridge } from '../../src-main/shared/bridge';
import { ACTIVE_DB_KEY, openStitchDb, type StitchDb } from '../db';
import { computeContactStats, emptyStats } from '../db/stats';
import { carryPendingRedaction } from '../stitching/erase';
import { type IngestSettings, ingestBatch } from './batch';

export interface RebuildProgress {
  phase: 'copying' | 'replaying' | 'done';
  appliedOffset: number;
  lastOffset: number;
}

export interface RebuildOptions {
  source: StitchDb;
  bridge: Bridge;
  settings?: IngestSettings;
  /** Name of the new database (default `stitchdesk-<time>`). */
  name?: string;
  batchSize?: number;
  onProgress?: (progress: RebuildProgress) => void;
  storage?: Pick<Storage, 'setItem'>;
  dbOptions?: DexieOptions;
}

/**
 * Returns the new, active store. The caller closes the old one and may delete it
 * (`Dexie.delete(old.name)`) once nothing reads it; the ingest loop must be stopped meanwhile.
 */
export async function rebuildStore(options: RebuildOptions): Promise<StitchDb> {
  const { source, bridge, batchSize = 500, onProgress } = options;
  const settings = options.settings ?? (await bridge.invoke('settings.get', undefined));
  const target = openStitchDb(options.name ?? `stitchdesk-${Date.now()}`, options.dbOptions);
  onProgress?.({ phase: 'copying', appliedOffset: -1, lastOffset: -1 });

  const [contacts, campaigns, messages, identities, audit, suppressions, sends] = await Promise.all([
    source.contacts.toArray(),
    source.campaigns.toArray(),
    source.messages.toArray(),
    // Manual links and every user decision (a removed link) are not in the journal.
    source.identities
      .filter((l) => l.source === 'manual' || l.source === 'import' || l.revokedAt !== null)
      .toArray(),
    source.audit.toArray(),
    source.suppressions.toArray(),
    source.events.filter((e) => e.type === 'message_sent').toArray(),
  ]);
  await target.transaction(
    'rw',
    [
      target.contacts,
      target.campaigns,
      target.messages,
      target.identities,
      target.audit,
      target.suppressions,
      target.events,
    ],
    async () => {
      await target.contacts.bulkAdd(
        contacts.map((c) => ({ ...c, stats: { ...emptyStats(), messages: c.stats.messages } })),
      );
      await target.campaigns.bulkAdd(campaigns);
      await target.messages.bulkAdd(
        messages.map(
          ({ tokenVisitors: _seen, forwarded: _forwarded, forwardedAt: _at, ...message }) => message,
        ),
      );
      await target.identities.bulkAdd(identities);
      await target.audit.bulkAdd(audit);
      await target.suppressions.bulkAdd(suppressions);
      await target.events.bulkAdd(sends);
    },
  );
  await carryPendingRedaction(source, target);

  let fromOffset = 0;
  let applied = -1;
  for (;;) {
    const read = await bridge.invoke('journal.read', { fromOffset, limit: batchSize });
    if (read.records.length === 0) break;
    const result = await ingestBatch(target, read.records, settings);
    applied = result.appliedOffset;
    // Copies of erased people's events still in the journal go now (see the ingest loop).
    if (result.erasedOffsets.length > 0) {
      await bridge.invoke('journal.redact', {
        emails: [],
        phones: [],
        visitorIds: [],
        userIds: [],
        messageIds: [],
        offsets: result.erasedOffsets,
      });
    }
    fromOffset = Math.max(read.nextOffset, applied + 1);
    onProgress?.({ phase: 'replaying', appliedOffset: applied, lastOffset: read.lastOffset });
    await new Promise((resolve) => setTimeout(resolve, 0));
  }

  // Contacts with carried-over links get their stats from the interval model once everything is in.
  const linked = new Set(await target.identities.orderBy('contactId').uniqueKeys());
  for (const id of linked) {
    const contactId = String(id);
    if (await target.contacts.get(contactId)) {
      await target.contacts.update(contactId, { stats: await computeContactStats(target, contactId) });
    }
  }
  (options.storage ?? globalThis.localStorage)?.setItem(ACTIVE_DB_KEY, target.name);
  onProgress?.({ phase: 'done', appliedOffset: applied, lastOffset: applied });
  return target;
}
