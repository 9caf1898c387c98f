// Store benchmarks that run in Chromium on real IndexedDB, through the app's own engine code:
// the ingest path against a raw Dexie bulkAdd of the same rows, stitch latency, timeline paging.
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import Dexie from 'dexie';
import type { Bridge, BridgeArgs, BridgeResult } from '../../src-main/shared/bridge';
import type { JournalRecord } from '../../src-main/shared/events';
import { openStitchDb, type StitchDb } from '../../src-renderer/db';
import { newContact } from '../../src-renderer/db/contacts';
import type { EventRow } from '../../src-renderer/db/types';
import { schemaVersions } from '../../src-renderer/db/versions';
import { type IngestSettings, ingestBatch } from '../../src-renderer/ingest/batch';
import { eventTime } from '../../src-renderer/ingest/parse';
import { contactTimeline } from '../../src-renderer/queries/timeline';
import { bridgeHasher, KEYED_SCHEME, setIdentifierHasher } from '../../src-renderer/stitching/suppression';
import { runSegmentCount } from './audiences';
import {
  ADVERSARIAL,
  generatePlan,
  HARD,
  ORDINARY,
  poolScores,
  runPlan,
  type Score,
  SIM_SETTINGS,
  scoreFirstK,
  scoreNaive,
  scoreStore,
} from './identity-sim';

const SETTINGS: IngestSettings = {
  stitching: {
    lookback: 'all',
    forwardThreshold: 3,
    createContactsFromForms: false,
    defaultCountry: 'US',
    clickTokenTtlHours: 24,
  },
  defaultCountry: 'US',
};
const UA =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36';
const BATCH = 500;

let offset = 0;
function record(event: JournalRecord['event'], at: number): JournalRecord {
  return {
    offset: offset++,
    receivedAt: new Date(at).toISOString(),
    source: 'tracker',
    siteId: 'site_bench',
    event,
  };
}

function pageEvent(visitor: string, at: number, n: number): JournalRecord {
  return record(
    {
      messageId: `${visitor}-p${n}`,
      type: 'page',
      anonymousId: visitor,
      timestamp: new Date(at).toISOString(),
      context: {
        page: {
          url: `https://shop.example.com/p/${n % 50}`,
          path: `/p/${n % 50}`,
          title: `Product ${n % 50}`,
        },
        sessionId: `${visitor}-s${Math.floor(n / 10)}`,
        userAgent: UA,
      },
    },
    at,
  );
}

function identifyEvent(visitor: string, email: string, at: number): JournalRecord {
  return record(
    {
      messageId: `${visitor}-id`,
      type: 'identify',
      anonymousId: visitor,
      traits: { email },
      timestamp: new Date(at).toISOString(),
      context: { userAgent: UA, sessionId: `${visitor}-s0` },
    },
    at,
  );
}

async function freshDb(name: string, contacts: number): Promise<StitchDb> {
  await indexedDB
    .databases()
    .then((dbs) => Promise.all(dbs.map((d) => d.name && openStitchDb(d.name).delete())));
  const db = openStitchDb(name);
  await db.open();
  // Added before any of the workloads' events (which reach 30 days back): ingest links a form or
  // identify only to a contact that existed when it was received.
  const addedAt = Date.now() - 60 * 24 * 3600_000;
  await db.contacts.bulkAdd(
    Array.from({ length: contacts }, (_, i) =>
      newContact(
        { id: `c${i}`, firstName: `Contact${i}`, lastName: 'Bench', email: `c${i}@example.com` },
        addedAt,
      ),
    ),
  );
  return db;
}

/**
 * 100,000 events from 10,000 visitors; 30% of the visitors identify as one of 1,000 contacts.
 * Traffic shape: a new visitor every `arrivalMs`, each browsing `perVisitor` pages 20 s apart, so a
 * few visitors overlap at any time, as on a small business's site (see the suite's details).
 */
function workload(
  events: number,
  visitors: number,
  contacts: number,
  stitchedShare: number,
  arrivalMs: number,
): JournalRecord[] {
  offset = 0;
  const perVisitor = Math.floor(events / visitors);
  const start = Date.now() - 30 * 24 * 3600_000;
  const records: JournalRecord[] = [];
  for (let v = 0; v < visitors; v++) {
    const visitor = `v${v}`;
    const stitched = v % Math.round(1 / stitchedShare) === 0;
    for (let n = 0; n < perVisitor; n++) {
      const at = start + v * arrivalMs + n * 20_000;
      if (stitched && n === perVisitor - 1)
        records.push(identifyEvent(visitor, `c${v % contacts}@example.com`, at));
      else records.push(pageEvent(visitor, at, n));
    }
  }
  // Journal order is arrival order: interleave visitors as real traffic does.
  return records.sort((a, b) => eventTime(a) - eventTime(b)).map((r, i) => ({ ...r, offset: i }));
}

/** The event row a plain store would keep for a record: the same shape the ingest writes. */
function plainRow(r: JournalRecord): EventRow {
  const e = r.event;
  return {
    id: e.messageId,
    offset: r.offset,
    type: e.type,
    timestamp: eventTime(r),
    receivedAt: Date.parse(r.receivedAt),
    source: r.source,
    siteId: r.siteId,
    visitorId: e.anonymousId,
    sessionId: e.context?.sessionId,
    url: e.context?.page?.url,
    path: e.context?.page?.path,
    title: e.context?.page?.title,
    userAgent: e.context?.userAgent,
    traits: e.traits,
  };
}

async function ingestAll(db: StitchDb, records: JournalRecord[]): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < records.length; i += BATCH) {
    await ingestBatch(db, records.slice(i, i + BATCH), SETTINGS);
  }
  return performance.now() - t0;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/**
 * Stands in for the main process's keyed hashing behind the app's own `bridgeHasher` (its cache of
 * answers included): per batch, one round trip through the event loop (as a bridge call is) and a
 * synchronous HMAC-SHA256 per identifier (the main process uses node:crypto's, which is faster).
 */
function hashLikeTheMainProcess(): void {
  const key = crypto.getRandomValues(new Uint8Array(32));
  const mainProcess: Pick<Bridge, 'invoke'> = {
    invoke: async (channel, args) => {
      if (channel !== 'suppression.hash')
        throw new Error(`the bench answers suppression.hash only, not ${channel}`);
      const { items } = args as BridgeArgs<'suppression.hash'>;
      await new Promise((resolve) => setTimeout(resolve, 0));
      const hashes = items.map(({ kind, value }) =>
        bytesToHex(hmac(sha256, key, utf8ToBytes(`${kind}:${value}`))),
      );
      const answer: unknown = { hashes };
      return answer as BridgeResult<typeof channel>;
    },
  };
  setIdentifierHasher(bridgeHasher(mainProcess));
}

interface IngestWorkload {
  events: number;
  visitors: number;
  contacts: number;
  stitched: number;
  arrivalMs: number;
}

/**
 * The floor: the workload's event rows through a raw Dexie `bulkAdd` in batches of the same size,
 * into the bare events table with its indexes, as it has always been measured (the same schema
 * without the app's middlewares: no activity keys written beside the rows).
 */
export async function runRawFloor(opts: IngestWorkload) {
  const rows = workload(opts.events, opts.visitors, opts.contacts, opts.stitched, opts.arrivalMs).map(
    plainRow,
  );
  (await freshDb('bench-raw', opts.contacts)).close();
  const raw = new Dexie('bench-raw');
  for (const { version, stores } of schemaVersions) raw.version(version).stores(stores);
  await raw.open();
  const t0 = performance.now();
  for (let i = 0; i < rows.length; i += BATCH) await raw.table('events').bulkAdd(rows.slice(i, i + BATCH));
  const rawMs = performance.now() - t0;
  raw.close();
  return { events: rows.length, rawBulkAddMs: rawMs, rawEventsPerS: (rows.length / rawMs) * 1000 };
}

/** The same workload through the app's ingest, a batch per transaction, stitching as it goes. */
export async function runIngest(
  opts: IngestWorkload & {
    /** Someone was erased before: every batch's identifiers are hashed and checked. */
    withErasure?: boolean;
  },
) {
  const records = workload(opts.events, opts.visitors, opts.contacts, opts.stitched, opts.arrivalMs);
  let longest = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longest = Math.max(longest, entry.duration);
  });
  observer.observe({ type: 'longtask', buffered: false });
  const db = await freshDb('bench-ingest', opts.contacts);
  if (opts.withErasure) {
    hashLikeTheMainProcess();
    await db.suppressions.add({ kind: 'email', hash: '0'.repeat(64), createdAt: 0, scheme: KEYED_SCHEME });
  }
  const ingestMs = await ingestAll(db, records);
  observer.disconnect();
  const stored = await db.events.count();
  const links = await db.identities.filter((identity) => identity.kind === 'visitor').count();
  db.close();
  // A figure of an ingest that linked nobody would leave out the stitching it is meant to weigh.
  if (opts.stitched > 0 && links === 0)
    throw new Error('the ingest bench linked no visitor: check its workload');
  return {
    events: records.length,
    stored,
    visitorLinks: links,
    ingestMs,
    ingestEventsPerS: (records.length / ingestMs) * 1000,
    longestTaskMs: longest,
  };
}

/**
 * Identify → the visitor's 10,000 earlier events are on the contact's timeline. `settleMs` waits
 * between storing the earlier events and the identify: in use those events arrive over hours,
 * while here they are stored in one burst just before, and right after it the identify's first
 * write was seen to wait 1-10 ms (21 stitches: 15.8 ms median settled, 21-23 ms right after; the
 * suite's own runs have not always shown the difference, bench/README.md).
 */
export async function runStitch(opts: { earlierEvents: number; runs: number; settleMs?: number }) {
  const latencies: number[] = [];
  let onTimeline = 0;
  for (let run = 0; run < opts.runs; run++) {
    offset = 0;
    const db = await freshDb(`bench-stitch-${run}`, 10);
    const visitor = `stitch-v${run}`;
    const start = Date.now() - 24 * 3600_000;
    const earlier = Array.from({ length: opts.earlierEvents }, (_, n) =>
      pageEvent(visitor, start + n * 1000, n),
    );
    await ingestAll(db, earlier);
    if (opts.settleMs) await new Promise((resolve) => setTimeout(resolve, opts.settleMs));
    const identify = identifyEvent(visitor, 'c3@example.com', start + opts.earlierEvents * 1000);
    const t0 = performance.now();
    await ingestBatch(db, [identify], SETTINGS);
    const page = await contactTimeline(db, 'c3', { limit: 100 });
    latencies.push(performance.now() - t0);
    onTimeline = page.items.filter((item) => item.event.visitorId === visitor).length;
    db.close();
  }
  if (onTimeline === 0)
    throw new Error("the stitch bench's identify put none of the visitor's events on the timeline");
  return { latencyMs: median(latencies), all: latencies, visitorEventsOnFirstPage: onTimeline };
}

/** The first page (100 items) of a timeline over 10,000 events. */
export async function runTimeline(opts: { events: number; runs: number }) {
  offset = 0;
  const db = await freshDb('bench-timeline', 10);
  const start = Date.now() - 24 * 3600_000;
  const records = Array.from({ length: opts.events - 1 }, (_, n) => pageEvent('tl-v', start + n * 1000, n));
  records.push(identifyEvent('tl-v', 'c5@example.com', start + opts.events * 1000));
  await ingestAll(db, records);
  const times: number[] = [];
  let items = 0;
  for (let i = 0; i < opts.runs; i++) {
    const t0 = performance.now();
    const page = await contactTimeline(db, 'c5', { limit: 100 });
    times.push(performance.now() - t0);
    items = page.items.length;
  }
  db.close();
  if (items === 0) throw new Error('the timeline bench read an empty timeline');
  return { pageMs: median(times), items };
}

declare global {
  interface Window {
    stitchBench: {
      runRawFloor: typeof runRawFloor;
      runIngest: typeof runIngest;
      runStitch: typeof runStitch;
      runTimeline: typeof runTimeline;
      runIdentity: typeof runIdentity;
      runSegmentCount: typeof runSegmentCount;
    };
  }
}
/**
 * Stitching precision and recall on simulated populations with ground truth, through the real
 * ingest path, with a naive last-click merge scored on the same plans.
 */
export async function runIdentity(opts: { people: number; seeds: number[] }) {
  const plans = { ordinary: ORDINARY, hard: HARD, adversarial: ADVERSARIAL };
  const results: Record<string, { engine: Score; naive: Score; firstK: Score; seeds: number[] }> = {};
  for (const [name, shape] of Object.entries(plans)) {
    const engine: Score[] = [];
    const naive: Score[] = [];
    const firstK: Score[] = [];
    for (const seed of opts.seeds) {
      const plan = generatePlan({ ...shape, people: opts.people }, seed);
      const db = openStitchDb(`bench-identity-${name}-${seed}`);
      await runPlan(db, plan, SIM_SETTINGS);
      engine.push(await scoreStore(db, plan));
      naive.push(scoreNaive(plan));
      firstK.push(scoreFirstK(plan));
      db.close();
    }
    results[name] = {
      engine: poolScores(engine),
      naive: poolScores(naive),
      firstK: poolScores(firstK),
      seeds: opts.seeds,
    };
  }
  return results;
}

window.stitchBench = { runRawFloor, runIngest, runStitch, runTimeline, runIdentity, runSegmentCount };
document.title = 'ready';
(window as unknown as { timings: () => unknown }).timings = () => (globalThis as unknown as { T: unknown }).T;
