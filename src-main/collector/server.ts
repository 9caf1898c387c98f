// The collector: the product's network edge (tracking script, event intake, tracked links).
// Plain Node on Fastify, so it runs in Electron's main process and in headless mode alike.
import Fastify, { type FastifyInstance } from 'fastify';
import type { BridgeEventBus } from '../ipc/event-bus';
import type { SettingsStore } from '../settings/store';
import type { ApiError } from '../shared/bridge';
import type { CollectorState, CollectorStatus, LiveFeedItem } from '../shared/collector';
import type { Logger } from '../util/log';

export interface CollectorOptions {
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

const FEED_SIZE = 500;

export class Collector {
  readonly app: FastifyInstance;
  private state: CollectorState = 'stopped';
  private host = '127.0.0.1';
  private port = 0;
  private message: string | undefined;
  private startedAt = 0;
  private received = 0;
  private readonly rejected: Record<string, number> = {};
  private readonly recent: LiveFeedItem[] = [];
  private feedSeq = 0;

  constructor(private readonly opts: CollectorOptions) {
    this.app = Fastify({
      logger: false,
      // A slow client cannot hold the server: headers, whole request and idle keep-alive are bounded.
      connectionTimeout: 10_000,
      requestTimeout: 15_000,
      keepAliveTimeout: 5_000,
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
      (error: { statusCode?: number; code?: string; message: string }, request, reply) => {
        const status =
          error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
        const code = status === 500 ? 'internal_error' : (error.code ?? 'bad_request').toLowerCase();
        if (status >= 500)
          this.opts.log.error(`collector: ${request.method} ${request.url} failed: ${error.message}`);
        this.reject(request.url, code);
        const body: ApiError = { error: code, detail: status === 500 ? 'Internal error' : error.message };
        reply.code(status).send(body);
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
      journal: { bytes: 0, segments: 0, lastOffset: -1, ackedOffset: -1, lag: 0 },
    };
  }

  feed(limit: number): LiveFeedItem[] {
    return this.recent.slice(-limit).reverse();
  }

  /** Counts and reports a rejected request (the live feed and status show them by reason). */
  reject(path: string, reason: string, detail?: string, siteId?: string): void {
    this.rejected[reason] = (this.rejected[reason] ?? 0) + 1;
    this.pushFeed({
      seq: ++this.feedSeq,
      at: new Date().toISOString(),
      outcome: 'rejected',
      path: path.split('?')[0] ?? path,
      kind: reason,
      ...(detail ? { detail } : {}),
      ...(siteId ? { siteId } : {}),
    });
  }

  /** Counts and reports accepted events. */
  accept(path: string, kinds: string[], siteId?: string): void {
    this.received += kinds.length;
    for (const kind of kinds.slice(-20)) {
      this.pushFeed({
        seq: ++this.feedSeq,
        at: new Date().toISOString(),
        outcome: 'accepted',
        path,
        kind,
        ...(siteId ? { siteId } : {}),
      });
    }
  }

  private pushFeed(item: LiveFeedItem): void {
    this.recent.push(item);
    if (this.recent.length > FEED_SIZE) this.recent.splice(0, this.recent.length - FEED_SIZE);
    this.opts.bus.emit('collector.feed', item);
  }

  async close(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    await this.app.close();
  }
}
