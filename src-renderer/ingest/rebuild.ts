// Rebuilds the stitched store from the journal into a fresh database, carrying over what the
// journal does not hold (contacts, campaigns, messages, manual links and user decisions, audit,
// erasure suppressions, sends, and any table the replay does not derive), then makes it active.
import type { DexieOptions } from 'dexie';
import type { Bridge } from '../../src-main/shared/bridge';
import { ACTIVE_DB_KEY, appliedOffsetRow, openStitchDb, type StitchDb } from '../db';
import { syncSpans } from '../db/link-spans';
import { computeContactStats, emptyStats } from '../db/stats';
import type { IdentityRow } from '../db/types';
import { type IngestSettings, ingestBatch, ingestSettingsOf } from './batch';

/**
 * Tables the replay derives from the journal, wholly or in part (handled one by one below). Every
 * other table holds what only the user made (campaigns, audit, erasure suppressions…) and is copied
 * as it is, so a table added later is carried over without anyone remembering to list it here.
 */
const REPLAYED_TABLES = new Set([
  'contacts',
  'messages',
  'identities',
  'linkSpans',
  'events',
  // Made by the events' writes (db/activity-keys.ts).
  'activityKeys',
  'visitors',
  'sessions',
  'meta',
  'tentativeLinks',
]);
const APPLIED_OFFSET_KEY = appliedOffsetRow(-1).key;

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
  // As the ingest loop reads them: the default phone country lives under stitching in the app's.
  const settings = options.settings ?? ingestSettingsOf(await bridge.invoke('settings.get', undefined));
  const target = openStitchDb(options.name ?? `stitchdesk-${Date.now()}`, options.dbOptions);
  onProgress?.({ phase: 'copying', appliedOffset: -1, lastOffset: -1 });

  const copied = source.tables.filter((table) => !REPLAYED_TABLES.has(table.name));
  const [contacts, messages, allIdentities, sends, meta, erasures, copiedRows, decided] = await Promise.all([
    source.contacts.toArray(),
    source.messages.toArray(),
    source.identities.toArray(),
    source.events.filter((e) => e.type === 'message_sent').toArray(),
    // The replay writes its own applied offset; anything else kept in meta is the app's state.
    source.meta.filter((row) => row.key !== APPLIED_OFFSET_KEY).toArray(),
    source.audit.filter((row) => row.action === 'erase').count(),
    Promise.all(copied.map((table) => table.toArray())),
    // Tentative links are the replay's to make again; only the marketer's decisions on them are kept.
    source.tentativeLinks.filter((t) => t.status !== 'tentative').toArray(),
  ]);
  const identities = decisionsOf(allIdentities, erasures > 0);
  await target.transaction('rw', target.tables, async () => {
    await target.contacts.bulkAdd(
      contacts.map((c) =>
        // A merged contact's stats froze when it was merged (its later events count on the
        // contact it was merged into), and a replay cannot recount a frozen value: it is kept.
        c.mergedInto ? c : { ...c, stats: { ...emptyStats(), messages: c.stats.messages } },
      ),
    );
    for (const [index, table] of copied.entries()) {
      await target.table(table.name).bulkAdd(copiedRows[index] ?? []);
    }
    await target.messages.bulkAdd(
      messages.map(
        ({ taps: _taps, foreignPreview: _preview, forwarded: _forwarded, forwardedAt: _at, ...message }) =>
          message,
      ),
    );
    await target.identities.bulkAdd(identities);
    await syncSpans(target, identities);
    await target.events.bulkAdd(sends);
    await target.meta.bulkAdd(meta);
    await target.tentativeLinks.bulkAdd(decided);
  });

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

  // Contacts with carried-over links get their stats from the interval model once everything is in
  // (merged ones keep their frozen stats, above).
  const linked = new Set(await target.identities.orderBy('contactId').uniqueKeys());
  for (const id of linked) {
    const contactId = String(id);
    const contact = await target.contacts.get(contactId);
    if (contact && !contact.mergedInto) {
      await target.contacts.update(contactId, { stats: await computeContactStats(target, contactId) });
    }
  }
  (options.storage ?? globalThis.localStorage)?.setItem(ACTIVE_DB_KEY, target.name);
  onProgress?.({ phase: 'done', appliedOffset: applied, lastOffset: applied });
  return target;
}

/**
 * The links a replay cannot derive from the journal: manual and imported links, every user
 * decision (a removed link), and links whose bounds came from a person since erased. A link ends
 * where the next on its browser begins (a shared device, a hand stitch); an erasure takes one side
 * of such a boundary away, and the replay, blind to the erased person, would hand their part of the
 * browser's history to the contact before or after them. So a link whose end nothing explains any
 * more is kept as it is; and once anyone was erased, so is every link on a browser shared by
 * several contacts, as a chain's first link cannot be told from one whose predecessor went.
 */
function decisionsOf(identities: readonly IdentityRow[], anyoneErased: boolean): IdentityRow[] {
  const key = (l: IdentityRow, t: number) => `${l.kind}:${l.value}:${t}`;
  const starts = new Set(identities.map((l) => key(l, l.from)));
  const shared = new Set(
    anyoneErased
      ? identities.filter((l) => l.flags.includes('sharedDevice')).map((l) => `${l.kind}:${l.value}`)
      : [],
  );
  return identities.filter(
    (l) =>
      l.source === 'manual' ||
      l.source === 'import' ||
      l.revokedAt !== null ||
      l.flags.includes('confirmed') ||
      (l.to !== null && !starts.has(key(l, l.to))) ||
      shared.has(`${l.kind}:${l.value}`),
  );
}
