// The stitched store: one Dexie class over IndexedDB, declared from the ordered version list.
// `openStitchDb` opens a store by name; the active store's name is kept in localStorage.
import Dexie, { type DexieOptions, type Table } from 'dexie';
import { type ActivityTable, activityMiddleware } from './activity-keys';
import { LinkSpanCache } from './link-spans';
import { ContactSearchIndex } from './search-index';
import type {
  AuditRow,
  CampaignRow,
  ContactRow,
  EventRow,
  GoalRow,
  IdentityRow,
  LinkSpanRow,
  MessageRow,
  MetaRow,
  SegmentRow,
  SessionRow,
  SuppressionRow,
  TentativeLinkRow,
  VisitorRow,
} from './types';
import { schemaVersions } from './versions';

export class StitchDb extends Dexie {
  contacts!: Table<ContactRow, string>;
  identities!: Table<IdentityRow, string>;
  linkSpans!: Table<LinkSpanRow, string>;
  visitors!: Table<VisitorRow, string>;
  sessions!: Table<SessionRow, string>;
  events!: Table<EventRow, string>;
  campaigns!: Table<CampaignRow, string>;
  messages!: Table<MessageRow, string>;
  audit!: Table<AuditRow, number>;
  meta!: Table<MetaRow, string>;
  suppressions!: Table<SuppressionRow, string>;
  tentativeLinks!: Table<TentativeLinkRow, string>;
  segments!: Table<SegmentRow, string>;
  goals!: Table<GoalRow, string>;
  /** Page views, forms and custom events as ordered keys (db/activity-keys.ts), kept by every events write. */
  activityKeys!: ActivityTable;
  /** Contains-search over names, email and phone digits (db/search-index.ts), kept by every write. */
  readonly searchIndex: ContactSearchIndex;
  /** The link spans between segment counts (db/link-spans.ts), dropped on any write to them. */
  readonly linkSpanCache: LinkSpanCache;

  constructor(name: string, options?: DexieOptions) {
    super(name, options);
    for (const { version, stores, upgrade } of schemaVersions) {
      const declared = this.version(version).stores(stores);
      if (upgrade) declared.upgrade(upgrade);
    }
    // The index reads outside any transaction its first caller may be in: the read outlives it.
    this.searchIndex = new ContactSearchIndex({
      name,
      page: (after, limit) =>
        Dexie.ignoreTransaction(() =>
          (after === null ? this.contacts.orderBy(':id') : this.contacts.where(':id').above(after))
            .limit(limit)
            .toArray(),
        ),
      get: (ids) => Dexie.ignoreTransaction(() => this.contacts.bulkGet(ids)),
    });
    this.use(this.searchIndex.middleware());
    this.use(activityMiddleware());
    this.linkSpanCache = new LinkSpanCache(
      () => Dexie.ignoreTransaction(() => this.linkSpans.toArray()),
      name,
    );
    this.on('close', () => this.linkSpanCache.stop());
  }
}

export const DEFAULT_DB_NAME = 'stitchdesk';
/** localStorage key naming the store in use (a rebuild swaps it). */
export const ACTIVE_DB_KEY = 'stitchdesk.activeDb';

export function openStitchDb(name = DEFAULT_DB_NAME, options?: DexieOptions): StitchDb {
  return new StitchDb(name, options);
}

/** The name of the store in use: the last rebuild's, or the default. */
export function activeDbName(
  storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage,
): string {
  return storage?.getItem(ACTIVE_DB_KEY) ?? DEFAULT_DB_NAME;
}

export function openActiveStitchDb(): StitchDb {
  return openStitchDb(activeDbName());
}

const APPLIED_OFFSET = 'appliedOffset';

/** The last journal offset whose record is in the store (-1 = none). */
export async function appliedOffset(db: StitchDb): Promise<number> {
  const row = await db.meta.get(APPLIED_OFFSET);
  return typeof row?.value === 'number' ? row.value : -1;
}

export function appliedOffsetRow(offset: number): MetaRow {
  return { key: APPLIED_OFFSET, value: offset };
}

export type * from './types';
