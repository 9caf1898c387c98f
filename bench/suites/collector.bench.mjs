// Collector throughput with the durable journal, against a bare node:http server in the same run:
// POST /collect (batches of 10, 20 connections) and GET /r/<code>.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { BROWSER_UA, startApp } from '../lib/headless.mjs';
import { runLoad } from '../lib/load.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const CONNECTIONS = 20;
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 8000);
const BATCH = 10;

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

async function startBare() {
  const child = spawn(process.execPath, [join(here, '../lib/bare-server.mjs')], {
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
  const bare = await startBare();

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

  // Warm both up briefly, then measure.
  await runLoad({
    url: bare.url,
    connections: CONNECTIONS,
    durationMs: 1000,
    request: collectRequest(site.id),
    expect: (s) => s === 204,
  });
  await runLoad({
    url: app.url,
    connections: CONNECTIONS,
    durationMs: 1000,
    request: collectRequest(site.id),
    expect: (s) => s === 200,
  });

  const bareCollect = await runLoad({
    url: bare.url,
    connections: CONNECTIONS,
    durationMs: DURATION_MS,
    request: collectRequest(site.id),
    expect: (s) => s === 204,
  });
  const appCollect = await runLoad({
    url: app.url,
    connections: CONNECTIONS,
    durationMs: DURATION_MS,
    request: (i) => collectRequest(site.id)(i + 10_000_000),
    expect: (s) => s === 200,
  });
  const bareRedirect = await runLoad({
    url: bare.url,
    connections: CONNECTIONS,
    durationMs: DURATION_MS,
    request: redirectRequest,
    expect: (s) => s === 302,
  });
  const appRedirect = await runLoad({
    url: app.url,
    connections: CONNECTIONS,
    durationMs: DURATION_MS,
    request: redirectRequest,
    expect: (s) => s === 302,
  });
  const rss = app.peakRssMb();
  const status = await app.call('collector.status');
  await bare.stop();
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
    },
    details: {
      connections: CONNECTIONS,
      durationMs: DURATION_MS,
      batchSize: BATCH,
      durability: 'fsync before 2xx (group commit)',
      bareCollect,
      appCollect,
      bareRedirect,
      appRedirect,
      journal: status.journal,
      rejected: status.rejected,
    },
  };
}
