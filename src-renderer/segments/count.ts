// Counting and resolving a segment set-wise, from indexes: each behavioural condition reads the
// events that can satisfy it in one range of the activity keys (db/activity-keys.ts: a campaign's
// clicks or sends, page views of a path, forms and custom events in a window) and maps
// their browsers to contacts through the link spans, read once per resolution — no per-contact or
// per-browser queries. Results are sets of root contacts, or the complement of one, so NOT needs no
// list of everyone until a campaign asks for the members.
import type { StitchDb } from '../db';
import { activityIn, pathViewsIn } from '../db/activity-keys';
import type { SpanIndex } from '../db/link-spans';
import type { ContactRow, EventRow, LinkSpanRow } from '../db/types';
import { propertyHolds, rowHolds } from './evaluate';
import { getAllInRanges } from './many-ranges';
import {
  compilePattern,
  type SegmentCondition,
  type SegmentGroup,
  type SegmentNode,
  validateSegment,
  windowStart,
} from './model';

/** `positive`: the members are `ids`; otherwise every live contact except `ids`. */
interface IdSet {
  positive: boolean;
  ids: Set<string>;
}

const INF = Number.POSITIVE_INFINITY;

/**
 * What one resolution reads once: merged contacts, the link spans (kept in memory between counts,
 * `LinkSpanCache`; read whole after a link write), and (only if a field condition needs it) every
 * contact row.
 */
class Resolver {
  private mergedInto: Map<string, string> | undefined;
  private allRows: Promise<ContactRow[]> | undefined;
  private allSpans: Promise<SpanIndex> | undefined;

  constructor(
    readonly db: StitchDb,
    readonly now: number,
    readonly probeLimit = PROBE_LIMIT,
  ) {}

  async roots(): Promise<Map<string, string>> {
    if (!this.mergedInto) {
      const merged = await this.db.contacts.orderBy('mergedInto').toArray();
      this.mergedInto = new Map(merged.flatMap((c) => (c.mergedInto ? [[c.id, c.mergedInto] as const] : [])));
    }
    return this.mergedInto;
  }

  /** The contact a (possibly merged) contact's history belongs to. */
  rootOf(map: Map<string, string>, id: string): string {
    let current = id;
    for (let hops = 0; hops < 32; hops++) {
      const next = map.get(current);
      if (!next) return current;
      current = next;
    }
    return current;
  }

  spans(): Promise<SpanIndex> {
    // From memory between counts; the one-row read makes a live count re-run when a link changes,
    // as a read of the whole table did.
    this.allSpans ??= Promise.all([this.db.linkSpanCache.all(), this.db.linkSpans.limit(1).toArray()]).then(
      ([spans]) => spans,
    );
    return this.allSpans;
  }

  /** Live visitor links of the candidates and of the contacts merged into them, each with its root. */
  async linksOf(roots: Set<string>): Promise<{ root: string; link: LinkSpanRow }[]> {
    const [merged, spans] = await Promise.all([this.roots(), this.spans()]);
    const owners: [string, string][] = [...roots].map((id) => [id, id]);
    for (const child of merged.keys()) {
      const root = this.rootOf(merged, child);
      if (roots.has(root)) owners.push([child, root]);
    }
    return owners.flatMap(([id, root]) => (spans.byContact.get(id) ?? []).map((link) => ({ root, link })));
  }

  rows(): Promise<ContactRow[]> {
    this.allRows ??= this.db.contacts.toArray().then((rows) => rows.filter((c) => !c.mergedInto));
    return this.allRows;
  }
}

/** Of `ids`, those of live (existing, unmerged) contacts. */
async function liveAmong(r: Resolver, ids: Set<string>): Promise<string[]> {
  if (ids.size === 0) return [];
  const merged = await r.roots();
  // A few ids are looked up; many are checked against every key (one key-only read).
  if (ids.size <= 10_000) {
    const rows = await r.db.contacts.bulkGet([...ids]);
    return rows.flatMap((c) => (c && !c.mergedInto ? [c.id] : []));
  }
  const keys = await r.db.contacts.toCollection().primaryKeys();
  return keys.filter((id) => ids.has(id) && !merged.has(id));
}

/** How the resolution plans its joins: `probeLimit` as PROBE_LIMIT (a test moves it to check both plans). */
export interface SegmentPlan {
  probeLimit: number;
}

/** How many live contacts are in the segment now. */
export async function countSegment(
  db: StitchDb,
  definition: SegmentNode,
  now = Date.now(),
  plan?: SegmentPlan,
): Promise<number> {
  validateSegment(definition);
  const r = new Resolver(db, now, plan?.probeLimit);
  const set = await resolveNode(r, definition);
  const existing = (await liveAmong(r, set.ids)).length;
  if (set.positive) return existing;
  const live = (await db.contacts.count()) - (await r.roots()).size;
  return live - existing;
}

/** The live contacts in the segment now, as rows (for a campaign's Prepare). */
export async function segmentMembers(
  db: StitchDb,
  definition: SegmentNode,
  now = Date.now(),
  plan?: SegmentPlan,
): Promise<ContactRow[]> {
  validateSegment(definition);
  const r = new Resolver(db, now, plan?.probeLimit);
  const set = await resolveNode(r, definition);
  if (!set.positive) return (await r.rows()).filter((c) => !set.ids.has(c.id));
  const rows = await db.contacts.bulkGet([...set.ids]);
  return rows.filter((c): c is ContactRow => c !== undefined && !c.mergedInto);
}

/** Whether a condition can only be answered by reading contact rows (no index serves it). */
const needsRowScan = (node: SegmentNode): boolean => node.kind === 'field' || node.kind === 'consent';

async function resolveNode(r: Resolver, node: SegmentNode): Promise<IdSet> {
  const set = node.kind === 'group' ? await resolveGroup(r, node) : await resolveCondition(r, node);
  return node.not ? { positive: !set.positive, ids: set.ids } : set;
}

/** Conditions on stitched activity: answered by a scan of their index range, or by probing candidates. */
const isActivity = (
  node: SegmentNode,
): node is Extract<SegmentCondition, { kind: 'visited' | 'form' | 'event' }> =>
  node.kind === 'visited' || node.kind === 'form' || node.kind === 'event';

/**
 * Up to this many linked browsers among an AND's candidates, its activity conditions probe those
 * browsers (one index range each) instead of reading every matching event of the store: a small
 * outer set drives the join. Past it the requests add up: 2,500 clickers' browsers at 1M events
 * took ~700 ms to probe (in-memory store), more than their conditions' whole ranges. The value is
 * a judgement between those two, not a measured crossover (bench/README.md, segments).
 */
export const PROBE_LIMIT = 200;

async function resolveGroup(r: Resolver, group: SegmentGroup): Promise<IdSet> {
  if (group.children.length === 0) return { positive: false, ids: new Set() };
  if (group.op === 'or') {
    const sets = await Promise.all(group.children.map((child) => resolveNode(r, child)));
    return sets.reduce(union);
  }
  // AND: conditions served by an index alone first; activity conditions and row conditions then
  // test only the candidates they leave, when those are few.
  const first = group.children.filter((child) => !needsRowScan(child) && !isActivity(child));
  const activity = group.children.filter(isActivity);
  const scanned = group.children.filter(needsRowScan);
  let result: IdSet | undefined;
  if (first.length > 0)
    result = (await Promise.all(first.map((child) => resolveNode(r, child)))).reduce(intersect);
  const probe = result?.positive && activity.length > 0 ? await r.linksOf(result.ids) : undefined;
  if (result && probe && probe.length <= r.probeLimit) {
    result = { positive: true, ids: await probeCandidates(r, activity, result.ids, probe) };
  } else if (activity.length > 0) {
    const sets = await Promise.all(activity.map((child) => resolveNode(r, child)));
    result = [...(result ? [result] : []), ...sets].reduce(intersect);
  }
  for (const child of scanned) {
    const condition = child as SegmentCondition;
    if (result?.positive) {
      const rows = await r.db.contacts.bulkGet([...result.ids]);
      const kept = rows.filter(
        (c): c is ContactRow => c !== undefined && rowHolds(condition, c) !== Boolean(condition.not),
      );
      result = { positive: true, ids: new Set(kept.map((c) => c.id)) };
    } else {
      const set = await resolveNode(r, child);
      result = result ? intersect(result, set) : set;
    }
  }
  return result ?? { positive: false, ids: new Set() };
}

type ActivityCondition = Extract<SegmentCondition, { kind: 'visited' | 'form' | 'event' }>;

/** An activity condition as a test on one event, with how many matching events it needs. */
function activityTest(
  condition: ActivityCondition,
  now: number,
): { from: number; need: number; test: (e: EventRow) => boolean } {
  const from = windowStart(condition.withinDays, now);
  if (condition.kind === 'visited') {
    const pattern = compilePattern(condition.pattern, condition.match);
    const test = (e: EventRow) =>
      e.type === 'page' && e.timestamp >= from && pattern((condition.on === 'path' ? e.path : e.url) ?? '');
    return { from, need: condition.minCount, test };
  }
  if (condition.kind === 'form')
    return { from, need: 1, test: (e) => e.type === 'form_submit' && e.timestamp >= from };
  const test = (e: EventRow) =>
    e.type === 'track' &&
    e.timestamp >= from &&
    e.name === condition.name &&
    propertyHolds(e, condition.property);
  return { from, need: 1, test };
}

/**
 * The candidates for whom every activity condition (each with its NOT) holds, from their own
 * browsers' events: one index range per linked browser, from the earliest window any condition
 * needs, read once for all the conditions.
 */
async function probeCandidates(
  r: Resolver,
  conditions: readonly ActivityCondition[],
  candidates: Set<string>,
  links: readonly { root: string; link: LinkSpanRow }[],
): Promise<Set<string>> {
  const tests = conditions.map((c) => activityTest(c, r.now));
  const from = Math.min(...tests.map((t) => t.from));
  // Per candidate and condition: the ids of its matching events (a browser's event counts once).
  const matched = new Map<string, Set<string>[]>();
  const spans = links.filter(({ link }) => (link.to ?? INF) > Math.max(from, link.from));
  const found = await getAllInRanges(
    r.db.events,
    '[visitorId+timestamp]',
    spans.map(({ link }) =>
      IDBKeyRange.bound(
        [link.visitorId, Math.max(from, link.from)],
        [link.visitorId, link.to ?? INF],
        false,
        true,
      ),
    ),
  );
  spans.forEach(({ root }, index) => {
    for (const e of found[index] ?? []) {
      if (e.bot) continue;
      tests.forEach((t, i) => {
        if (!t.test(e)) return;
        const sets = matched.get(root) ?? tests.map(() => new Set<string>());
        sets[i]?.add(e.id);
        matched.set(root, sets);
      });
    }
  });
  return filterSet(candidates, (id) =>
    conditions.every((c, i) => {
      const n = matched.get(id)?.[i]?.size ?? 0;
      return n >= (tests[i]?.need ?? 1) !== Boolean(c.not);
    }),
  );
}

function intersect(a: IdSet, b: IdSet): IdSet {
  if (a.positive && b.positive) return { positive: true, ids: filterSet(a.ids, (id) => b.ids.has(id)) };
  if (a.positive) return { positive: true, ids: filterSet(a.ids, (id) => !b.ids.has(id)) };
  if (b.positive) return { positive: true, ids: filterSet(b.ids, (id) => !a.ids.has(id)) };
  return { positive: false, ids: new Set([...a.ids, ...b.ids]) };
}

function union(a: IdSet, b: IdSet): IdSet {
  if (a.positive && b.positive) return { positive: true, ids: new Set([...a.ids, ...b.ids]) };
  if (a.positive) return { positive: false, ids: filterSet(b.ids, (id) => !a.ids.has(id)) };
  if (b.positive) return { positive: false, ids: filterSet(a.ids, (id) => !b.ids.has(id)) };
  return { positive: false, ids: filterSet(a.ids, (id) => b.ids.has(id)) };
}

function filterSet(ids: Set<string>, keep: (id: string) => boolean): Set<string> {
  const out = new Set<string>();
  for (const id of ids) if (keep(id)) out.add(id);
  return out;
}

const positive = (ids: Iterable<string>): IdSet => ({ positive: true, ids: new Set(ids) });

async function resolveCondition(r: Resolver, condition: SegmentCondition): Promise<IdSet> {
  const { db, now } = r;
  switch (condition.kind) {
    case 'tag':
      return positive(await db.contacts.where('tags').equals(condition.tag).primaryKeys());
    case 'list':
      return positive(await db.contacts.where('lists').equals(condition.list).primaryKeys());
    case 'lastSeen': {
      const index = db.contacts.where('stats.lastSeen');
      const keys =
        condition.op === 'before'
          ? await index.below(condition.at).primaryKeys()
          : await (condition.at > 0 ? index.aboveOrEqual(condition.at) : index.above(0)).primaryKeys();
      return positive(keys);
    }
    case 'field':
    case 'consent':
      return positive((await r.rows()).filter((c) => rowHolds(condition, c)).map((c) => c.id));
    case 'message': {
      const family = condition.action === 'clicked' ? 'click' : 'sent';
      const campaignIds = condition.campaignId
        ? [condition.campaignId]
        : (await db.campaigns.toArray())
            .filter((c) => condition.channel === undefined || c.channel === condition.channel)
            .map((c) => c.id);
      const entries = (
        await Promise.all(
          campaignIds.map((id) => activityIn(db.activityKeys, family, id, Number.NEGATIVE_INFINITY)),
        )
      ).flat();
      const merged = await r.roots();
      const ids = new Set<string>();
      for (const e of entries) {
        if (!e.contactId) continue;
        if (condition.channel !== undefined && e.channel !== condition.channel) continue;
        ids.add(r.rootOf(merged, e.contactId));
      }
      return positive(ids);
    }
    case 'visited': {
      const from = windowStart(condition.withinDays, now);
      const test = compilePattern(condition.pattern, condition.match);
      const events =
        condition.on === 'path'
          ? await pathViewsIn(db.activityKeys, test, from)
          : (await typeInWindow(db, 'page', from)).filter((e) => test(e.url ?? ''));
      const counts = await countByContact(r, events);
      return positive([...counts].filter(([, n]) => n >= condition.minCount).map(([id]) => id));
    }
    case 'form':
      return positive(
        (
          await countByContact(
            r,
            await activityIn(db.activityKeys, 'form', '', windowStart(condition.withinDays, now)),
          )
        ).keys(),
      );
    case 'event': {
      const named = await activityIn(
        db.activityKeys,
        'event',
        condition.name,
        windowStart(condition.withinDays, now),
      );
      // A property filter needs the events' properties: only the events of that name are read.
      const { property } = condition;
      const events = property
        ? (await db.events.bulkGet(named.map((e) => e.eventId))).filter(
            (e): e is EventRow => e !== undefined && propertyHolds(e, property),
          )
        : named;
      return positive((await countByContact(r, events)).keys());
    }
  }
}

/** Events of a type in `[from, to]`, from the `[type+timestamp]` index (bots left out). */
async function typeInWindow(
  db: StitchDb,
  type: EventRow['type'],
  from: number,
  to = INF,
): Promise<EventRow[]> {
  const rows = await db.events
    .where('[type+timestamp]')
    .between([type, from], [type, to], true, true)
    .toArray();
  return rows.filter((e) => !e.bot);
}

/**
 * Root contacts of the events' owners, with how many of the events each has: a browser's event is
 * a contact's while a live visitor link covers its time (`from` ≤ t < `to`), as on the timeline.
 */
async function countByContact(
  r: Resolver,
  events: readonly Pick<EventRow, 'timestamp' | 'visitorId' | 'contactId'>[],
): Promise<Map<string, number>> {
  const [merged, { byVisitor }] = await Promise.all([r.roots(), r.spans()]);
  const counts = new Map<string, number>();
  for (const e of events) {
    const owners = new Set<string>();
    if (e.contactId) owners.add(r.rootOf(merged, e.contactId));
    for (const link of (e.visitorId && byVisitor.get(e.visitorId)) || []) {
      if (link.from <= e.timestamp && e.timestamp < (link.to ?? INF))
        owners.add(r.rootOf(merged, link.contactId));
    }
    for (const owner of owners) counts.set(owner, (counts.get(owner) ?? 0) + 1);
  }
  return counts;
}
