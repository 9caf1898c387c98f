// Every schema version the store has ever had, oldest first. Never edit a shipped entry: add a new
// one, with an upgrade function and a test that opens a database of the previous version.
import type { Table, Transaction } from 'dexie';
import { ACTIVITY_TABLE, type ActivityTable, activityKeysOf } from './activity-keys';
import { withSearchKeys } from './contacts';
import { spanOf } from './link-spans';
import { computeContactStats, type StatsTables } from './stats';
import type {
  ContactRow,
  EventRow,
  IdentityRow,
  LinkSpanRow,
  NetworkSeen,
  SessionRow,
  VisitorRow,
} from './types';

export interface SchemaVersion {
  version: number;
  /** Dexie store specs; tables not named keep their previous spec. */
  stores: Record<string, string>;
  upgrade?: (tx: Transaction) => Promise<void>;
}

/** A visitor row as v6 stored it: networks were bare truncated IPs. */
type VisitorBeforeV7 = Omit<VisitorRow, 'networks'> & { networks?: (string | NetworkSeen)[] };

const statsTablesOf = (tx: Transaction): StatsTables => ({
  contacts: tx.table('contacts') as Table<ContactRow, string>,
  identities: tx.table('identities') as Table<IdentityRow, string>,
  events: tx.table('events') as Table<EventRow, string>,
  sessions: tx.table('sessions') as Table<SessionRow, string>,
  visitors: tx.table('visitors') as Table<VisitorRow, string>,
});

export const schemaVersions: readonly SchemaVersion[] = [
  {
    version: 1,
    stores: {
      contacts:
        'id, email, phone, whatsapp, userId, mergedInto, createdAt, nameKey, lastNameKey, *tags, *lists',
      identities: 'id, [kind+value], contactId, messageId',
      visitors: 'id, lastSeen, [stitched+lastSeen]',
      sessions: 'id, [visitorId+start]',
      events:
        'id, [visitorId+timestamp], [visitorId+type+timestamp], [contactId+timestamp], [campaignId+type], clickToken',
      campaigns: 'id, createdAt',
      messages: 'id, campaignId, contactId',
      audit: '++id, at, contactId',
      meta: 'key',
      suppressions: 'hash',
    },
  },
  {
    // v2: contacts carry stats (last seen, page views, sessions, clicks…) and phone tails, so the
    // contact list can sort by activity and find a phone typed in any format over 100,000 rows.
    version: 2,
    stores: {
      contacts:
        'id, email, phone, whatsapp, userId, mergedInto, createdAt, nameKey, lastNameKey, *tags, *lists, ' +
        'stats.lastSeen, stats.pageViews, stats.clicks, *phoneTails',
    },
    upgrade: async (tx) => {
      const tables = statsTablesOf(tx);
      const contacts = await tables.contacts.toArray();
      const upgraded: ContactRow[] = [];
      for (const contact of contacts) {
        const stats = await computeContactStats(tables, contact.id);
        upgraded.push(withSearchKeys({ ...contact, stats }));
      }
      await tables.contacts.bulkPut(upgraded);
    },
  },
  {
    // v3: click links the evidence does not support wait apart, as tentative links (issue 11).
    version: 3,
    stores: { tentativeLinks: 'id, contactId, messageId, visitorId, campaignId, status' },
  },
  {
    // v4: saved segments and conversion goals (issue 13); events get the two indexes a segment count
    // reads set-wise: page views of a path in a time window, and forms / custom events in a window.
    version: 4,
    stores: {
      events:
        'id, [visitorId+timestamp], [visitorId+type+timestamp], [contactId+timestamp], [campaignId+type], clickToken, ' +
        '[type+timestamp], [path+timestamp]',
      segments: 'id, name',
      goals: 'id, name',
    },
  },
  {
    // v5: the spans of live visitor links in a table of their own (db/link-spans.ts), so a segment
    // count reads every browser's owner in one request; filled here from the links already stored.
    version: 5,
    stores: { linkSpans: 'id' },
    upgrade: async (tx) => {
      const links = await (tx.table('identities') as Table<IdentityRow, string>).toArray();
      const spans = links.flatMap((link) => spanOf(link) ?? []);
      await (tx.table('linkSpans') as Table<LinkSpanRow, string>).bulkAdd(spans);
    },
  },
  {
    // v6: the activity keys (db/activity-keys.ts), so a segment's page-view, form and custom-event
    // conditions scan primary keys instead of walking an events index; filled here from the events
    // already stored, a page at a time (a store of a million events is not read at once).
    version: 6,
    stores: { [ACTIVITY_TABLE]: '' },
    upgrade: async (tx) => {
      const events = tx.table('events') as Table<EventRow, string>;
      const keys = tx.table(ACTIVITY_TABLE) as ActivityTable;
      let after: string | undefined;
      for (;;) {
        const page = await (after === undefined ? events.orderBy(':id') : events.where(':id').above(after))
          .limit(UPGRADE_PAGE)
          .toArray();
        const list = activityKeysOf(page);
        await keys.bulkPut(
          list.map(() => 0 as const),
          list,
        );
        after = page[page.length - 1]?.id;
        if (page.length < UPGRADE_PAGE) return;
      }
    },
  },
  {
    // v7: a browser's networks carry how often it came back to each (ingest/sessions.ts), so the
    // network it is seen on least leaves first; the networks stored before count as seen once.
    version: 7,
    stores: {},
    upgrade: async (tx) => {
      await (tx.table('visitors') as Table<VisitorBeforeV7, string>)
        .filter((v) => v.networks?.some((n) => typeof n === 'string') ?? false)
        .modify((v) => {
          v.networks = v.networks?.map((n) => (typeof n === 'string' ? { ip: n, seen: 1 } : n));
        });
    },
  },
];

/** Events read per step of an upgrade that goes over every event. */
const UPGRADE_PAGE = 5_000;

export const currentSchemaVersion = schemaVersions[schemaVersions.length - 1]?.version ?? 1;
