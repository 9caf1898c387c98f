// The collector: the product's network edge (tracking script, event intake, tracked links).
// Plain Node on Fastify, so it runs in Electron's main process and in headless mode alike.
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { BridgeEventBus } from '../ipc/event-bus';
import { JournalUnavailableError } from '../journal/fault';
import type { JournalHealth, JournalStats } from '../journal/types';
import type { SettingsStore } from '../settings/store';
import type { ApiError } from '../shared/bridge';
import type { CollectorState, CollectorStatus, LiveFeedItem } from '../shared/collector';
import { type Batcher, createBatcher } from '../util/batcher';
import type { Logger } from '../util/log';
import { IntakeError } from './body';

/** How long a client may take: silent sockets, a whole request, headers, and idle keep-alive. */
export interface CollectorTimeouts {
  idleMs: number;
  requestMs: number;
  headersMs: number;
  keepAliveMs: number;
}

export const DEFAULT_TIMEOUTS: CollectorTimeouts = {
  idleMs: 10_000,
  requestMs: 15_000,
  headersMs: 10_000,
  keepAliveMs: 5_000,
};

export interface CollectorOptions {
  timeouts?: CollectorTimeouts;
  settings: SettingsStore;
  bus: BridgeEventBus;
  log: Logger;
}

export interface ListenOptions {
  host?: string;
  port?: number;
  /** Fail instead of falling back to a free port when the port is taken. */
  strictPort?: boolean;
}

/** What a client is told to wait before retrying while the journal cannot store events. */
export const JOURNAL_RETRY_AFTER_SECONDS = 5;
/**
 * Node checks header and request deadlines on a timer (30 s by default), so a client trickling
 * header bytes outlived a 10 s limit by up to 30 s; checking this often keeps the cut within it.
 */
const DEADLINE_CHECKS_PER_TIMEOUT = 10;
const FEED_SIZE = 500;
/** A burst of requests reaches the UI as one feed push per this many milliseconds. */
const FEED_PUSH_MS = 250;

export class Collector {
  readonly app: FastifyInstance;
  private state: CollectorState = 'stopped';
  private host = '127.0.0.1';
  private port = 0;
  private message: string | undefined;
  private startedAt = 0;
  private received = 0;
  private readonly rejected: Record<string, number> = {};
  private readonly recent: (LiveFeedItem | undefined)[] = new Array(FEED_SIZE);
  private feedSeq = 0;
  private readonly feedPush: Batcher<LiveFeedItem>;

  /** Set once the journal is open; the status reports its size and lag. */
  journalStats: (() => JournalStats) | undefined;
  /** Set once the journal is open; the status reports its fault state and damage found at open. */
  journalHealth: (() => JournalHealth) | undefined;

  constructor(private readonly opts: CollectorOptions) {
    this.feedPush = createBatcher(FEED_PUSH_MS, (items) => opts.bus.emit('collector.feed', items));
    const timeouts = opts.timeouts ?? DEFAULT_TIMEOUTS;
    this.app = Fastify({
      logger: false,
      // A slow client cannot hold the server: silent sockets, idle keep-alive, headers (`http`) and
      // the whole request are bounded.
      connectionTimeout: timeouts.idleMs,
      requestTimeout: timeouts.requestMs,
      keepAliveTimeout: timeouts.keepAliveMs,
      http: {
        headersTimeout: timeouts.headersMs,
        requestTimeout: timeouts.requestMs,
        connectionsCheckingInterval: Math.max(
          50,
          Math.min(
            1000,
            Math.floor(Math.min(timeouts.headersMs, timeouts.requestMs) / DEADLINE_CHECKS_PER_TIMEOUT),
          ),
        ),
      },
      bodyLimit: 1024 * 1024,
      return503OnClosing: true,
    });
    this.app.setNotFoundHandler((request, reply) => {
      this.reject(request.url, 'not_found');
      const body: ApiError = {
        error: 'not_found',
        detail: `No route for ${request.method} ${request.url.split('?')[0]}`,
      };
      reply.code(404).send(body);
    });
    this.app.setErrorHandler(
      (error: FastifyError | IntakeError | JournalUnavailableError, request, reply) => {
        if (error instanceof JournalUnavailableError) {
          // A fault, not a bug: nothing was acknowledged, and the same request will work later.
          const body: ApiError = {
            error: 'journal_unavailable',
            detail: `The events were not stored because ${error.reason}; retry in a few seconds`,
          };
          this.reject(request.url, body.error, body.detail);
          return reply.code(503).header('retry-after', String(JOURNAL_RETRY_AFTER_SECONDS)).send(body);
        }
        const body = describeError(error);
        const status = error instanceof IntakeError ? error.status : (error.statusCode ?? 500);
        if (status >= 500)
          this.opts.log.error(`collector: ${request.method} ${request.url} failed: ${error.message}`);
        this.reject(request.url, body.error, body.detail);
        return reply.code(status >= 400 && status < 600 ? status : 500).send(body);
      },
    );
    this.app.get('/health', async () => ({ ok: true }));
  }

  /** Starts listening on the configured (or overridden) address. */
  async listen(override: ListenOptions = {}): Promise<CollectorStatus> {
    const configured = this.opts.settings.get().collector;
    const host = override.host ?? configured.host;
    const port = override.port ?? configured.port;
    this.state = 'starting';
    try {
      await this.app.listen({ host, port });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || override.strictPort || port === 0) {
        this.state = 'error';
        this.message = `Cannot listen on ${host}:${port}: ${(error as Error).message}`;
        throw error;
      }
      await this.app.listen({ host, port: 0 });
      this.message = `Port ${port} is in use; the collector is listening on another free port instead.`;
      this.opts.log.warn(`collector: ${this.message}`);
    }
    const address = this.app.server.address();
    this.host = host;
    this.port = typeof address === 'object' && address ? address.port : port;
    this.state = 'listening';
    this.startedAt = Date.now();
    this.opts.bus.emit('collector.status', this.status());
    return this.status();
  }

  get baseUrl(): string {
    const host = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${this.port}`;
  }

  status(): CollectorStatus {
    return {
      state: this.state,
      address: this.state === 'listening' ? this.baseUrl : '',
      host: this.host,
      port: this.port,
      ...(this.message ? { message: this.message } : {}),
      uptimeMs: this.state === 'listening' ? Date.now() - this.startedAt : 0,
      received: this.received,
      rejected: { ...this.rejected },
      journal: journalStatus(this.journalStats?.(), this.journalHealth?.()),
    };
  }

  /** The latest feed items, newest first. */
  feed(limit: number): LiveFeedItem[] {
    return this.recent
      .filter((item): item is LiveFeedItem => item !== undefined)
      .sort((a, b) => b.seq - a.seq)
      .slice(0, limit);
  }

  /** Counts and reports a rejected request (the live feed and status show them by reason). */
  reject(path: string, reason: string, detail?: string, siteId?: string): void {
    this.rejected[reason] = (this.rejected[reason] ?? 0) + 1;
    this.pushFeed('rejected', path, reason, detail, siteId);
  }

  /** Counts accepted events; the live feed gets one line per request, not per event. */
  accept(path: string, kinds: readonly string[], siteId?: string): void {
    this.received += kinds.length;
    const first = kinds[0] ?? 'event';
    const detail = kinds.length > 1 ? `${kinds.length} events` : undefined;
    this.pushFeed('accepted', path, first, detail, siteId);
  }

  private pushFeed(
    outcome: LiveFeedItem['outcome'],
    path: string,
    kind: string,
    detail: string | undefined,
    siteId: string | undefined,
  ): void {
    const item: LiveFeedItem = {
      seq: ++this.feedSeq,
      at: new Date().toISOString(),
      outcome,
      path: path.split('?')[0] ?? path,
      kind,
      ...(detail ? { detail } : {}),
      ...(siteId ? { siteId } : {}),
    };
    // A ring buffer: the feed is written on every request, so no array shifting here.
    this.recent[this.feedSeq % FEED_SIZE] = item;
    this.feedPush.add(item);
  }

  async close(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    await this.app.close();
    this.feedPush.close();
  }
}

function journalStatus(
  stats: JournalStats | undefined,
  health: JournalHealth | undefined,
): CollectorStatus['journal'] {
  const healthPart = health
    ? {
        ...(health.fault ? { fault: health.fault } : {}),
        ...(health.damage.length ? { damage: health.damage } : {}),
      }
    : {};
  if (!stats) return { bytes: 0, segments: 0, lastOffset: -1, ackedOffset: -1, lag: 0, ...healthPart };
  return { ...stats, lag: Math.max(0, stats.lastOffset - stats.ackedOffset), ...healthPart };
}

const FRAMEWORK_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_content_length',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'empty_body',
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed_json',
};

/** Every failure answers `{ error, field?, detail }`; internal errors never leak their message. */
function describeError(error: FastifyError | IntakeError): ApiError {
  if (error instanceof IntakeError) {
    return { error: error.code, ...(error.field ? { field: error.field } : {}), detail: error.message };
  }
  const status = error.statusCode ?? 500;
  if (status >= 500)
    return { error: 'internal_error', detail: 'The collector failed to handle this request' };
  if (error instanceof SyntaxError) return { error: 'malformed_json', detail: error.message };
  const code = (error.code && FRAMEWORK_CODES[error.code]) ?? (error.code ?? 'bad_request').toLowerCase();
  return { error: code, detail: error.message };
}
