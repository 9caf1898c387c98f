// The collector's public surface in one encapsulated scope: its own body parsing, CORS for site
// origins and per-address rate limiting apply to /t.js, /collect, /v1/*, /r/*, /u/* and the demo
// site's /demo/* — not to the bridge.
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { EventJournal } from '../journal/types';
import { registerRedirectRoutes } from '../links/redirect';
import type { LinkRegistry } from '../links/registry';
import { registerUnsubscribeRoutes } from '../links/unsubscribe';
import type { SettingsStore } from '../settings/store';
import type { Logger } from '../util/log';
import { registerDemoSite } from './demo-site';
import { LIMITS, registerIntakeRoutes } from './intake';
import type { Collector } from './server';
import type { SiteActivityStore } from './site-activity';
import type { SiteStore } from './sites';

export interface CollectorRouteDeps {
  collector: Collector;
  sites: SiteStore;
  activity: SiteActivityStore;
  journal: EventJournal;
  settings: SettingsStore;
  links: LinkRegistry;
  trackerFile: string;
  log: Logger;
}

export async function registerCollectorRoutes(app: FastifyInstance, deps: CollectorRouteDeps): Promise<void> {
  await app.register(async (scope) => {
    // Bodies are parsed by the intake, whatever their Content-Type (sendBeacon sends text/plain).
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: LIMITS.batchBytes }, (_req, body, done) =>
      done(null, body),
    );
    await scope.register(cors, {
      origin: (origin, callback) => callback(null, origin ? deps.sites.knowsOrigin(origin) : false),
      methods: ['POST', 'GET'],
      allowedHeaders: ['content-type', 'content-encoding', 'authorization'],
      maxAge: 600,
    });
    await scope.register(rateLimit, {
      global: true,
      max: () => deps.settings.get().collector.rateLimitPerMinute,
      timeWindow: 60_000,
      keyGenerator: (request) => request.ip,
      // Beacons and redirects never read quota headers: only a refused request says when to retry.
      addHeadersOnExceeding: {
        'x-ratelimit-limit': false,
        'x-ratelimit-remaining': false,
        'x-ratelimit-reset': false,
      },
      errorResponseBuilder: (_request, context) => ({
        statusCode: 429,
        code: 'rate_limited',
        message: `Too many requests from this address; retry in ${Math.ceil(context.ttl / 1000)} s`,
      }),
    });
    registerIntakeRoutes(scope, deps);
    registerDemoSite(scope, deps.sites);
    registerRedirectRoutes(scope, {
      registry: deps.links,
      journal: deps.journal,
      settings: deps.settings,
      collector: deps.collector,
      log: deps.log,
    });
    registerUnsubscribeRoutes(scope, {
      registry: deps.links,
      journal: deps.journal,
      collector: deps.collector,
      log: deps.log,
    });
  });
}
