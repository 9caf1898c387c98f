// Collector throughput with the durable journal, against a bare node:http server in the same run:
// POST /collect (batches of 10, 20 connections) and GET /r/<code>. Two durable floors run too (the
// least work a durable answer takes, on node:http and on Fastify with the collector's plugins), so
// the report shows what durability, the framework and the app's own work each cost on this machine.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { BROWSER_UA, startApp } from '../lib/headless.mjs';
import { runInterleaved, runLoad } from '../lib/load.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const CONNECTIONS = 20;
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 8000);
const BATCH = 10;
/** Turns each server gets within DURATION_MS (see runInterleaved). */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);

function batchBody(siteId, i) {
  const now = new Date().toISOString();
  const batch = [];
  for (let k = 0; k < BATCH; k++) {
    batch.push({
      messageId: `bench-${i}-${k}`,
      type: 'page',
      anonymousId: `visitor-${i % 5000}`,
      timestamp: now,
      context: {
        page: { url: `https://shop.example.com/p/${k}`, path: `/p/${k}`, title: 'Product', referrer: '' },
        sessionId: `s-${i % 5000}`,
        userAgent: BROWSER_UA,
      },
    });
  }
  return JSON.stringify({ siteId, sentAt: now, batch });
}

/** Starts a reference server script from bench/lib in its own process, like the app. */
async function startReference(script, args = []) {
  const child = spawn(process.execPath, [join(here, '../lib', script), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const { port } = await new Promise((resolve) =>
    createInterface({ input: child.stdout }).once('line', (line) => resolve(JSON.parse(line))),
  );
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  };
}

export async function run() {
  const app = await startApp({ settings: { collector: { rateLimitPerMinute: 100_000_000 } } });
  const site = await app.call('sites.create', { name: 'Bench', origins: [] });
  await app.call('links.register', {
    campaignId: 'bench',
    links: [{ linkId: 'l1', destination: 'https://shop.example.com/spring' }],
  });
  const codes = await app.call('links.mint', {
    campaignId: 'bench',
    linkId: 'l1',
    recipients: [0, 1, 2, 3, 4, 5, 6, 7],
  });
  const references = {
    bare: await startReference('bare-server.mjs'),
    floor: await startReference('durable-floor-server.mjs', ['--framework', 'node']),
    fastifyFloor: await startReference('durable-floor-server.mjs', ['--framework', 'fastify']),
  };

  const collectRequest = (siteId) => (i) => ({
    method: 'POST',
    path: '/collect',
    headers: { 'content-type': 'text/plain;charset=UTF-8', 'user-agent': BROWSER_UA },
    body: batchBody(siteId, i),
  });
  const redirectRequest = (i) => ({
    method: 'GET',
    path: new URL(codes[i % codes.length].url).pathname,
    headers: { 'user-agent': BROWSER_UA },
  });
  // Each server is warmed up briefly, then all four are measured in turns (runInterleaved), so the
  // ratios compare servers under the same background load; fresh messageIds for every request.
  let nextId = 0;
  const fresh = (request) => () => request(nextId++);
  const measureAll = async (servers, request, status) => {
    const expect = (s) => s === status;
    for (const { url } of Object.values(servers)) {
      await runLoad({ url, connections: CONNECTIONS, durationMs: 1000, request: fresh(request), expect });
    }
    const targets = Object.entries(servers).map(([name, { url, status: answer }]) => ({
      name,
      url,
      request: fresh(request),
      expect: (s) => s === (answer ?? status),
    }));
    return runInterleaved(targets, { connections: CONNECTIONS, durationMs: DURATION_MS, rounds: ROUNDS });
  };

  const collect = collectRequest(site.id);
  const servers = (appStatus) => ({
    bare: { url: references.bare.url },
    floor: { url: references.floor.url },
    fastifyFloor: { url: references.fastifyFloor.url },
    app: { url: app.url, status: appStatus },
  });
  const collected = await measureAll(servers(200), collect, 204);
  const redirected = await measureAll(servers(302), redirectRequest, 302);
  const [bareCollect, floorCollect, fastifyFloorCollect, appCollect] = [
    collected.bare,
    collected.floor,
    collected.fastifyFloor,
    collected.app,
  ];
  const [bareRedirect, floorRedirect, fastifyFloorRedirect, appRedirect] = [
    redirected.bare,
    redirected.floor,
    redirected.fastifyFloor,
    redirected.app,
  ];
  const rss = app.peakRssMb();
  const status = await app.call('collector.status');
  for (const reference of Object.values(references)) await reference.stop();
  await app.stop();

  const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
  return {
    metrics: {
      'collector.events_per_s': round(appCollect.reqPerS * BATCH, 0),
      'collector.ratio_vs_bare_http': round(appCollect.reqPerS / bareCollect.reqPerS),
      'collector.p99_ms': round(appCollect.p99Ms),
      'redirect.req_per_s': round(appRedirect.reqPerS, 0),
      'redirect.ratio_vs_bare_http': round(appRedirect.reqPerS / bareRedirect.reqPerS),
      'collector.rss_mb': rss,
      'collector.floor_ratio_vs_bare_http': round(floorCollect.reqPerS / bareCollect.reqPerS),
      'collector.fastify_floor_ratio_vs_bare_http': round(fastifyFloorCollect.reqPerS / bareCollect.reqPerS),
      'redirect.floor_ratio_vs_bare_http': round(floorRedirect.reqPerS / bareRedirect.reqPerS),
      'redirect.fastify_floor_ratio_vs_bare_http': round(fastifyFloorRedirect.reqPerS / bareRedirect.reqPerS),
    },
    details: {
      connections: CONNECTIONS,
      durationMs: DURATION_MS,
      rounds: ROUNDS,
      batchSize: BATCH,
      durability: 'fsync before 2xx (group commit)',
      bareCollect,
      floorCollect,
      fastifyFloorCollect,
      appCollect,
      bareRedirect,
      floorRedirect,
      fastifyFloorRedirect,
      appRedirect,
      journal: status.journal,
      rejected: status.rejected,
    },
  };
}
