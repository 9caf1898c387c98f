// The activity keys table: one string key per page view, form, custom event, click and send (bots
// left out) holding what a segment count reads of it — path, name or campaign, time, event,
// browser, contact, channel — in key order, so a condition's range ("/pricing in the last 30 days") is one scan of primary keys. An
// index range of `events` costs IndexedDB a lookup of each entry's record as it walks: at 1M events
// on disk, 10,200 /pricing rows took 230-350 ms through `[path+timestamp]`, 124-234 ms as keys
// only, and 33-59 ms as these keys (array keys: 73-107 ms; bench/README.md, segments).
//
// Kept in step by a DBCore middleware on `events`, so every write path (ingest, sends, rebuild,
// erase, demo removal, a test's seed) keeps it without knowing: a read-write transaction on
// `events` takes this table into its scope, an added event adds its key in the same transaction,
// and a deleted one (by key or by range) has its key deleted from the row it had.
import type {
  DBCore,
  DBCoreMutateRequest,
  DBCoreMutateResponse,
  DBCoreRangeType,
  DBCoreTable,
  DBCoreTransaction,
  Middleware,
  Table,
} from 'dexie';
import type { EventRow } from './types';

export const ACTIVITY_TABLE = 'activityKeys';

/** What a key is of: page views by path, forms, custom events by name, clicks and sends by campaign. */
export type ActivityFamily = 'path' | 'form' | 'event' | 'click' | 'sent';

const FAMILY_CODE: Record<ActivityFamily, string> = {
  path: 'p',
  form: 'f',
  event: 'e',
  click: 'c',
  sent: 's',
};
/** The family of the path list: a key per path viewed, with no time or event. */
const PATH_LIST = 'P';

/** One event as its key holds it. */
export interface ActivityEntry {
  timestamp: number;
  eventId: string;
  visitorId: string | undefined;
  contactId: string | undefined;
  channel: string | undefined;
}

// `DBCoreRangeType` is a const enum, which isolated modules cannot read at run time.
/** `DBCoreRangeType.Range`: from `lower` to `upper`. */
const RANGE = 2 as DBCoreRangeType;
/** `DBCoreRangeType.Any`: every key. */
const ANY_RANGE = 3 as DBCoreRangeType;

const SEP = '\u0000';
/**
 * Just above every key of a component (its keys all continue with SEP, the least code unit); also
 * the escape character inside a component.
 */
const AFTER = '\u0001';
const INF = Number.POSITIVE_INFINITY;

/**
 * A component as it stands in a key: SEP and the escape character are escaped, so a path or id
 * holding them (any client can send one) cannot end its component early or reach another's range.
 */
function escapePart(part: string): string {
  if (!part.includes(SEP) && !part.includes(AFTER)) return part;
  return part.replaceAll(AFTER, `${AFTER}\u0002`).replaceAll(SEP, AFTER + AFTER);
}

function unescapePart(part: string): string {
  if (!part.includes(AFTER)) return part;
  let out = '';
  for (let i = 0; i < part.length; i++) {
    const c = part[i];
    if (c !== AFTER) out += c;
    else out += part[++i] === AFTER ? SEP : AFTER;
  }
  return out;
}

const view = new DataView(new ArrayBuffer(8));
const hex8 = (n: number) => n.toString(16).padStart(8, '0');

/**
 * A time as 16 hex digits in numeric order: the float's bits with the sign bit set for a positive
 * number and every bit flipped for a negative one, so string order is time order and the time
 * comes back exactly (a skew-corrected timestamp need not be whole milliseconds).
 */
export function encodeTime(t: number): string {
  view.setFloat64(0, t);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  return hi & 0x80000000 ? hex8(~hi >>> 0) + hex8(~lo >>> 0) : hex8((hi | 0x80000000) >>> 0) + hex8(lo);
}

export function decodeTime(s: string): number {
  const hi = Number.parseInt(s.slice(0, 8), 16);
  const lo = Number.parseInt(s.slice(8, 16), 16);
  if (hi & 0x80000000) {
    view.setUint32(0, (hi & 0x7fffffff) >>> 0);
    view.setUint32(4, lo);
  } else {
    view.setUint32(0, ~hi >>> 0);
    view.setUint32(4, ~lo >>> 0);
  }
  return view.getFloat64(0);
}

const prefixOf = (family: ActivityFamily, key: string) => FAMILY_CODE[family] + SEP + escapePart(key) + SEP;

/** The path list's key of a path: one per path ever viewed, whatever the time (see `activityPaths`). */
const pathListKey = (path: string) => PATH_LIST + SEP + escapePart(path) + SEP;

/** Where the event stands in the table: the family and component it is read by, if any. */
function placeOf(e: EventRow): [ActivityFamily, string] | undefined {
  if (e.bot || !Number.isFinite(e.timestamp)) return undefined;
  switch (e.type) {
    case 'page':
      return typeof e.path === 'string' ? ['path', e.path] : undefined;
    case 'form_submit':
      return ['form', ''];
    case 'track':
      return typeof e.name === 'string' ? ['event', e.name] : undefined;
    case 'link_click':
      return e.campaignId ? ['click', e.campaignId] : undefined;
    case 'message_sent':
      return e.campaignId ? ['sent', e.campaignId] : undefined;
    default:
      return undefined;
  }
}

/** The event's key, or undefined for an event no segment reads this way (a bot's, a preview, an open). */
export function activityKeyOf(e: EventRow): string | undefined {
  const place = placeOf(e);
  if (!place) return undefined;
  return [
    prefixOf(...place) + encodeTime(e.timestamp),
    escapePart(e.id),
    escapePart(e.visitorId ?? ''),
    escapePart(e.contactId ?? ''),
    escapePart(e.channel ?? ''),
  ].join(SEP);
}

/** Every key the events give the table: their own, and the path list's for the paths they view. */
export function activityKeysOf(rows: readonly (EventRow | undefined)[]): string[] {
  const keys: string[] = [];
  const paths = new Set<string>();
  for (const row of rows) {
    const key = row && activityKeyOf(row);
    if (!key) continue;
    keys.push(key);
    if (row.type === 'page' && typeof row.path === 'string') paths.add(row.path);
  }
  for (const path of paths) keys.push(pathListKey(path));
  return keys;
}

function entryOf(key: string): ActivityEntry {
  // family, component, time, event, browser, contact, channel
  const [, , time = '', eventId = '', visitorId = '', contactId = '', channel = ''] = key.split(SEP);
  return {
    timestamp: decodeTime(time),
    eventId: unescapePart(eventId),
    visitorId: visitorId ? unescapePart(visitorId) : undefined,
    contactId: contactId ? unescapePart(contactId) : undefined,
    channel: channel ? unescapePart(channel) : undefined,
  };
}

export type ActivityTable = Table<0, string>;

/** Lower and upper (open) bound of a component's keys in `[from, to]`. */
function boundsOf(family: ActivityFamily, key: string, from: number, to: number): [string, string] {
  const prefix = prefixOf(family, key);
  return [
    from === Number.NEGATIVE_INFINITY ? prefix : prefix + encodeTime(from),
    to === INF ? prefix.slice(0, -1) + AFTER : prefix + encodeTime(to) + AFTER,
  ];
}

/**
 * The entries of `family`/`key` (a path, '' for forms, an event name, a campaign id) in
 * `[from, to]`, in time order.
 */
export async function activityIn(
  table: ActivityTable,
  family: ActivityFamily,
  key: string,
  from: number,
  to = INF,
): Promise<ActivityEntry[]> {
  const [lower, upper] = boundsOf(family, key, from, to);
  if (lower >= upper) return [];
  const keys = await table.where(':id').between(lower, upper, true, false).primaryKeys();
  return keys.map(entryOf);
}

/**
 * The paths that pass `test`, from the path list: one key per path viewed, in one read, where
 * finding them among the views took one read per distinct path (52 paths: ~57 ms at 1M events on
 * disk). A path goes from the list when its last view is deleted (an erasure leaves no path behind).
 */
export async function activityPaths(
  table: ActivityTable,
  test: (path: string) => boolean,
): Promise<string[]> {
  const keys = await table
    .where(':id')
    .between(PATH_LIST + SEP, PATH_LIST + AFTER, true, false)
    .primaryKeys();
  return keys.map((key) => unescapePart(key.slice(PATH_LIST.length + 1, -1))).filter(test);
}

/** The views in `[from, to]` of every path that passes `test`. */
export async function pathViewsIn(
  table: ActivityTable,
  test: (path: string) => boolean,
  from: number,
  to = INF,
): Promise<ActivityEntry[]> {
  const paths = await activityPaths(table, test);
  return (await Promise.all(paths.map((path) => activityIn(table, 'path', path, from, to)))).flat();
}

/** The DBCore middleware that keeps the table in step with `events` (see the module comment). */
export function activityMiddleware(): Middleware<DBCore> {
  return {
    stack: 'dbcore',
    name: 'activityKeys',
    create: (down) => {
      // A store opened at a version before the table existed (an upgrade in progress) has nothing to keep.
      const kept = down.schema.tables.some((t) => t.name === ACTIVITY_TABLE);
      if (!kept) return down;
      return {
        ...down,
        transaction: (stores, mode, options) =>
          down.transaction(
            mode === 'readwrite' && stores.includes('events') && !stores.includes(ACTIVITY_TABLE)
              ? [...stores, ACTIVITY_TABLE]
              : stores,
            mode,
            options,
          ),
        table: (name) => {
          const table = down.table(name);
          if (name !== 'events') return table;
          const keys = down.table(ACTIVITY_TABLE);
          return { ...table, mutate: (request) => mutateEvents(table, keys, request) };
        },
      };
    },
  };
}

async function putKeys(
  keys: DBCoreTable,
  trans: DBCoreTransaction,
  rows: readonly EventRow[],
): Promise<void> {
  const list = activityKeysOf(rows);
  if (list.length > 0) await keys.mutate({ type: 'put', trans, keys: list, values: list.map(() => 0) });
}

/** Deletes the keys of events just deleted, and the path list's keys of paths no view is left of. */
async function deleteKeys(
  keys: DBCoreTable,
  trans: DBCoreTransaction,
  rows: readonly (EventRow | undefined)[],
): Promise<void> {
  const list = rows.flatMap((row) => (row ? (activityKeyOf(row) ?? []) : []));
  if (list.length === 0) return;
  await keys.mutate({ type: 'delete', trans, keys: list });
  const paths = new Set(
    rows.flatMap((row) => (row?.type === 'page' && row.path !== undefined ? [row.path] : [])),
  );
  const gone: string[] = [];
  for (const path of paths) {
    const [lower, upper] = boundsOf('path', path, Number.NEGATIVE_INFINITY, INF);
    const left = await keys.count({
      trans,
      query: { index: keys.schema.primaryKey, range: { type: RANGE, lower, upper, upperOpen: true } },
    });
    if (left === 0) gone.push(pathListKey(path));
  }
  if (gone.length > 0) await keys.mutate({ type: 'delete', trans, keys: gone });
}

/**
 * Deletes the keys put for rows the events table refused, but not a key that is also the stored
 * row's (a retried event, same id and same content, refused as a duplicate of itself).
 */
async function takeBackRefused(
  events: DBCoreTable,
  keys: DBCoreTable,
  trans: DBCoreTransaction,
  rows: readonly EventRow[],
): Promise<void> {
  const storedRows = (await events.getMany({ trans, keys: rows.map((r) => r.id) })) as (
    | EventRow
    | undefined
  )[];
  const kept = new Set(storedRows.flatMap((row) => (row ? (activityKeyOf(row) ?? []) : [])));
  await deleteKeys(
    keys,
    trans,
    rows.filter((row) => {
      const key = activityKeyOf(row);
      return key !== undefined && !kept.has(key);
    }),
  );
}

async function mutateEvents(
  events: DBCoreTable,
  keys: DBCoreTable,
  request: DBCoreMutateRequest,
): Promise<DBCoreMutateResponse> {
  const { trans } = request;
  const stored = (failures: DBCoreMutateResponse['failures'], values: readonly EventRow[]) =>
    values.filter((_, i) => !(i in failures));
  const refused = (failures: DBCoreMutateResponse['failures'], values: readonly EventRow[]) =>
    values.filter((_, i) => i in failures);
  switch (request.type) {
    case 'add': {
      // The keys go in alongside the rows rather than after them: an ingest batch then waits for one
      // round of requests, not two (20,000 events on disk: 0.45 -> 0.51 of raw bulkAdd, bench/README.md).
      // Rows refused (a duplicate id) have their keys taken back afterwards, which is rare.
      const [response] = await Promise.all([
        events.mutate(request),
        putKeys(keys, trans, request.values as EventRow[]),
      ]);
      if (response.numFailures > 0) {
        await takeBackRefused(events, keys, trans, refused(response.failures, request.values));
      }
      return response;
    }
    case 'put': {
      // Events are written once; a put that replaces one moves its key.
      const ids = request.keys ?? request.values.map((v) => events.schema.primaryKey.extractKey?.(v));
      const before = await events.getMany({ trans, keys: ids });
      const response = await events.mutate(request);
      await deleteKeys(keys, trans, before);
      await putKeys(keys, trans, stored(response.failures, request.values));
      return response;
    }
    case 'delete': {
      const before = await events.getMany({ trans, keys: request.keys });
      const response = await events.mutate(request);
      await deleteKeys(keys, trans, before);
      return response;
    }
    case 'deleteRange': {
      if (request.range.type === ANY_RANGE) {
        const response = await events.mutate(request);
        await keys.mutate({ type: 'deleteRange', trans, range: request.range });
        return response;
      }
      const before = await events.query({
        trans,
        values: true,
        query: { index: events.schema.primaryKey, range: request.range },
      });
      const response = await events.mutate(request);
      await deleteKeys(keys, trans, before.result as EventRow[]);
      return response;
    }
  }
}
