// Event intake: POST /collect (the tracking script) and the Segment HTTP Tracking API
// (/v1/batch, /v1/track, /v1/identify, /v1/page, /v1/screen, /v1/group, /v1/alias). Every accepted event is
// durably journalled before the answer; bad items are named and dropped, good ones kept.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EventJournal, JournalEntryInput } from '../journal/types';
import { isBotAgent, truncateIp } from '../links/preview';
import type { ApiError } from '../shared/bridge';
import type { Site } from '../shared/collector';
import type { EventContext, EventSource, TrackedEvent } from '../shared/events';
import { decodeJsonBody, IntakeError } from './body';
import { findHostileKey, validateEvent } from './schema';
import type { Collector } from './server';
import type { SiteActivityStore } from './site-activity';
import type { SiteStore } from './sites';

export const LIMITS = {
  eventBytes: 32 * 1024,
  batchBytes: 500 * 1024,
  batchEvents: 2500,
} as const;

const SEGMENT_SINGLE_TYPES = ['track', 'identify', 'page', 'screen', 'group', 'alias'] as const;

export interface IntakeDeps {
  collector: Collector;
  sites: SiteStore;
  journal: EventJournal;
  /** Records each site's last accepted origin and the origins it refused (the Collector page). */
  activity: SiteActivityStore;
  /** Path of the built tracking script (out/tracker/t.js). */
  trackerFile: string;
}

export interface RejectedItem {
  index: number;
  messageId?: string;
  error: string;
  field?: string;
  detail: string;
}

/**
 * Per-site messageId dedupe that never acknowledges what is not durable. An id is either
 * *committed* (its event is fsync'd in the journal: a retry is a duplicate) or *in flight* (its
 * first copy is being appended: a retry waits for that append and shares its outcome, so a 2xx for
 * the retry means the first copy is durable). Ids become committed only after their append
 * resolves; a failed append forgets them, so the client's retry writes them.
 *
 * Committed ids are kept in two generations of at least `capacity` each (the older one is dropped
 * whole: no per-id eviction bookkeeping on the hot path).
 */
export class MessageIdLedger {
  private readonly bySite = new Map<string, SiteIds>();
  constructor(private readonly capacity: number) {}

  private site(siteId: string): SiteIds {
    let ids = this.bySite.get(siteId);
    if (!ids) {
      ids = { current: new Set(), previous: new Set(), inFlight: new Map() };
      this.bySite.set(siteId, ids);
    }
    return ids;
  }

  /** 'committed', the pending append of its first copy, or undefined for an id not seen. */
  lookup(siteId: string, id: string): 'committed' | Promise<unknown> | undefined {
    const ids = this.site(siteId);
    if (ids.current.has(id) || ids.previous.has(id)) return 'committed';
    return ids.inFlight.get(id);
  }

  /**
   * Marks `idsOf` as in flight on `append` until it settles, then committed (resolved) or
   * forgotten (rejected), in the same tick, so no request can see an id in neither state and
   * append a second copy. Returns `append` itself.
   */
  track<T>(siteId: string, idsOf: readonly string[], append: Promise<T>): Promise<T> {
    const ids = this.site(siteId);
    for (const id of idsOf) ids.inFlight.set(id, append);
    const settle = (committed: boolean) => {
      for (const id of idsOf) {
        if (ids.inFlight.get(id) === append) ids.inFlight.delete(id);
        if (committed) this.commit(ids, id);
      }
    };
    append.then(
      () => settle(true),
      () => settle(false),
    );
    return append;
  }

  private commit(ids: SiteIds, id: string): void {
    if (ids.current.size >= this.capacity) {
      ids.previous = ids.current;
      ids.current = new Set();
    }
    ids.current.add(id);
  }
}

interface SiteIds {
  current: Set<string>;
  previous: Set<string>;
  inFlight: Map<string, Promise<unknown>>;
}

/** Adds /t.js, /collect and /v1/* to the collector's scope (see routes.ts for its plugins). */
export function registerIntakeRoutes(scope: FastifyInstance, deps: IntakeDeps): void {
  const ledger = new MessageIdLedger(50_000);
  const bodyBytes = new WeakMap<FastifyRequest, number>();

  scope.get('/t.js', (request, reply) => serveTracker(deps.trackerFile, request, reply));

  scope.post('/collect', async (request, reply) => {
    const payload = await readPayload(request);
    const body = asObject(payload, '');
    const siteId = body.siteId;
    if (typeof siteId !== 'string' || !siteId) {
      throw new IntakeError(
        400,
        'invalid_payload',
        'siteId is required (the data-site of the snippet)',
        'siteId',
      );
    }
    const site = deps.sites.get(siteId);
    if (!site) throw new IntakeError(401, 'unknown_site', `No site with id ${siteId.slice(0, 64)}`, 'siteId');
    checkOrigin(request, site);
    const batch = readBatch(body.batch, 'batch');
    return intake(request, reply, site, 'tracker', batch, {});
  });

  scope.post('/v1/batch', async (request, reply) => {
    const payload = await readPayload(request);
    const body = asObject(payload, '');
    const site = segmentSite(request, body);
    checkOrigin(request, site);
    const batch = readBatch(body.batch, 'batch');
    const shared =
      typeof body.context === 'object' && body.context !== null ? (body.context as EventContext) : {};
    return intake(request, reply, site, 'segment', batch, shared);
  });

  for (const type of SEGMENT_SINGLE_TYPES) {
    scope.post(`/v1/${type}`, async (request, reply) => {
      const payload = await readPayload(request);
      const body = asObject(payload, '');
      const site = segmentSite(request, body);
      checkOrigin(request, site);
      return intake(request, reply, site, 'segment', [{ ...body, type }], {});
    });
  }

  async function readPayload(request: FastifyRequest): Promise<unknown> {
    const payload = await decodeJsonBody(
      request.body,
      request.headers['content-encoding'],
      LIMITS.batchBytes,
    );
    const hostile = findHostileKey(payload.value);
    if (hostile) throw new IntakeError(400, 'forbidden_key', hostile.detail, hostile.field);
    bodyBytes.set(request, payload.bytes);
    return payload.value;
  }

  function segmentSite(request: FastifyRequest, body: Record<string, unknown>): Site {
    const header = request.headers.authorization ?? '';
    let writeKey = typeof body.writeKey === 'string' ? body.writeKey : '';
    if (header.startsWith('Basic ')) {
      const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
      writeKey = decoded.split(':')[0] ?? '';
    }
    if (!writeKey) {
      throw new IntakeError(
        401,
        'missing_write_key',
        'Send the site write key by Basic auth (writeKey as user name)',
      );
    }
    const site = deps.sites.byWriteKey(writeKey);
    if (!site) throw new IntakeError(401, 'unknown_write_key', 'The write key does not belong to any site');
    return site;
  }

  function checkOrigin(request: FastifyRequest, site: Site): void {
    const origin = request.headers.origin;
    if (origin !== undefined && !site.origins.includes(origin)) {
      deps.activity.rejected(site.id, origin);
      throw new IntakeError(
        403,
        'forbidden_origin',
        `Origin ${origin.slice(0, 100)} is not allowed for site ${site.name}`,
      );
    }
  }

  async function intake(
    request: FastifyRequest,
    reply: FastifyReply,
    site: Site,
    source: EventSource,
    batch: unknown[],
    sharedContext: EventContext,
  ): Promise<FastifyReply> {
    const rejected: RejectedItem[] = [];
    const entries: JournalEntryInput[] = [];
    let duplicates = 0;
    let filtered = 0;
    /** Ids taken by this request: a second copy in the same batch is a duplicate of the first. */
    const batchIds = new Set<string>();
    /** Appends of first copies that this request's duplicates must wait for. */
    const firstCopies = new Set<Promise<unknown>>();
    const ip = truncateIp(request.ip);
    const userAgent = request.headers['user-agent'];
    const hasShared = Object.keys(sharedContext).length > 0;
    const prefix =
      source === 'tracker' || batch.length > 1 || request.url.startsWith('/v1/batch') ? 'batch' : '';
    for (let index = 0; index < batch.length; index++) {
      const raw = batch[index];
      const where = prefix ? `${prefix}[${index}]` : '';
      // Only a body larger than the per-event limit can hold an event over it.
      const size =
        (bodyBytes.get(request) ?? 0) > LIMITS.eventBytes ? Buffer.byteLength(JSON.stringify(raw)) : 0;
      const messageId = isObject(raw) && typeof raw.messageId === 'string' ? raw.messageId : undefined;
      if (size > LIMITS.eventBytes) {
        rejected.push({
          index,
          ...(messageId ? { messageId } : {}),
          error: 'event_too_large',
          ...(where ? { field: where } : {}),
          detail: `The event is ${size} bytes; the limit is ${LIMITS.eventBytes}`,
        });
        continue;
      }
      const result = validateEvent(raw, where || 'event');
      if (!result.ok) {
        rejected.push({
          index,
          ...(messageId ? { messageId } : {}),
          error: 'invalid_event',
          field: result.field,
          detail: result.detail,
        });
        continue;
      }
      const event: TrackedEvent = result.event;
      const seen = batchIds.has(event.messageId) ? 'committed' : ledger.lookup(site.id, event.messageId);
      if (seen !== undefined) {
        // A copy still being written is acknowledged only with it (DESIGN §6 Integrity).
        if (seen !== 'committed') firstCopies.add(seen);
        duplicates++;
        continue;
      }
      batchIds.add(event.messageId);
      // Bots are filtered by the browser's own user agent (the header's when the event has none):
      // a beacon sent while a page unloads may carry a different header than the page itself.
      if (source === 'tracker' && isBotAgent(event.context?.userAgent ?? userAgent)) {
        filtered++;
        continue;
      }
      // The validated event is a fresh object of our own, so it is completed in place.
      const context: EventContext = hasShared
        ? { ...sharedContext, ...event.context }
        : (event.context ?? {});
      context.ip = ip;
      if (!context.userAgent && source === 'tracker' && userAgent) context.userAgent = userAgent;
      event.context = context;
      entries.push({ source, siteId: site.id, event });
    }

    if (filtered > 0)
      deps.collector.reject(request.url, 'bot', `${filtered} events from a bot user agent`, site.id);
    if (entries.length === 0 && rejected.length > 0 && duplicates === 0) {
      const first = rejected[0];
      for (const item of rejected) deps.collector.reject(request.url, item.error, item.detail, site.id);
      const body: ApiError & { rejected: RejectedItem[] } = {
        error: first?.error ?? 'invalid_batch',
        ...(first?.field ? { field: first.field } : {}),
        detail:
          rejected.length === 1
            ? (first?.detail ?? '')
            : `All ${rejected.length} events were rejected; see rejected`,
        rejected,
      };
      return reply.code(400).send(body);
    }
    const appended =
      entries.length > 0
        ? ledger.track(
            site.id,
            entries.map((entry) => entry.event.messageId),
            deps.journal.append(entries),
          )
        : undefined;
    // Not durable, so not acknowledged: a failed append (its own or a first copy's) fails the
    // request, and the client's retry of the same messageIds writes them.
    await Promise.all(appended ? [appended, ...firstCopies] : [...firstCopies]);
    if (entries.length > 0) deps.activity.seen(site.id, request.headers.origin);
    deps.collector.accept(
      request.url.split('?')[0] ?? request.url,
      entries.map((e) => e.event.type),
      site.id,
    );
    for (const item of rejected) deps.collector.reject(request.url, item.error, item.detail, site.id);
    return reply.code(200).send({ success: true, accepted: entries.length, duplicates, filtered, rejected });
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asObject(value: unknown, field: string): Record<string, unknown> {
  if (!isObject(value)) {
    throw new IntakeError(400, 'invalid_payload', 'The body must be a JSON object', field || undefined);
  }
  return value;
}

function readBatch(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value))
    throw new IntakeError(400, 'invalid_payload', `${field} must be an array of events`, field);
  if (value.length === 0) throw new IntakeError(400, 'invalid_payload', `${field} is empty`, field);
  if (value.length > LIMITS.batchEvents) {
    throw new IntakeError(
      413,
      'batch_too_large',
      `${field} has ${value.length} events; the limit is ${LIMITS.batchEvents}`,
      field,
    );
  }
  return value;
}

let trackerCache: { file: string; content: Buffer; etag: string } | undefined;

function serveTracker(file: string, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (trackerCache?.file !== file) {
    let content: Buffer;
    try {
      content = readFileSync(file);
    } catch {
      throw new IntakeError(404, 'not_found', 'The tracking script is not built (npm run build:app)');
    }
    trackerCache = {
      file,
      content,
      etag: `"${createHash('sha256').update(content).digest('base64url').slice(0, 27)}"`,
    };
  }
  reply
    .header('etag', trackerCache.etag)
    .header('cache-control', 'public, max-age=300')
    .header('cross-origin-resource-policy', 'cross-origin')
    .header('x-content-type-options', 'nosniff');
  if (request.headers['if-none-match'] === trackerCache.etag) return reply.code(304).send();
  return reply.header('content-type', 'text/javascript; charset=utf-8').send(trackerCache.content);
}
