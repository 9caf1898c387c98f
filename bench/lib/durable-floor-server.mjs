// The least a durable collector must do, as references between the bare server and the app:
// the same JSON parse, one record line per event (each event needs its own offset, so it is
// written on its own; a redirect writes one line), and group commit — one write and one fdatasync
// shared by whatever arrived meanwhile, into space zero-filled up front — before the answer. No
// validation, framing, index or dedupe. `--framework node` serves it on bare node:http;
// `--framework fastify` on Fastify with the CORS and rate-limit plugins the collector uses, so the
// run shows what durability and the framework each leave of the bare server's rate.
import { writeSync } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import http from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { framework: { type: 'string', default: 'node' } } });
const FILE_BYTES = 256 * 1024 * 1024;
const dir = await mkdtemp(join(tmpdir(), 'stitchdesk-floor-'));
const handle = await open(join(dir, 'log'), 'w+');
for (let at = 0, zeros = Buffer.alloc(16 * 1024 * 1024); at < FILE_BYTES; at += zeros.length) {
  await handle.write(zeros, 0, zeros.length, at);
}
await handle.datasync();

let position = 0;
let queue = [];
let flushing = false;
async function flush() {
  flushing = true;
  while (queue.length > 0) {
    const group = queue;
    queue = [];
    const bytes = Buffer.from(group.map((pending) => pending.lines).join(''));
    if (position + bytes.length > FILE_BYTES) position = 0;
    let written = 0;
    while (written < bytes.length) {
      written += writeSync(handle.fd, bytes, written, bytes.length - written, position + written);
    }
    position += bytes.length;
    await handle.datasync();
    for (const pending of group) pending.resolve();
  }
  flushing = false;
}
/** Resolves once `lines` are on disk. */
function append(lines) {
  return new Promise((resolve) => {
    queue.push({ lines, resolve });
    if (!flushing) void flush();
  });
}

const eventLines = (body) => {
  let lines = '';
  for (const event of JSON.parse(body.toString('utf8')).batch) lines += `${JSON.stringify(event)}\n`;
  return lines;
};
const clickLine = (path, userAgent) =>
  `${JSON.stringify({ at: new Date().toISOString(), path, userAgent })}\n`;
const LOCATION = 'https://shop.example.com/?ps_ct=x';

let server;
if (values.framework === 'fastify') {
  // The app's own dependencies, resolved from the repository root.
  const require = createRequire(new URL('../../package.json', import.meta.url));
  const app = require('fastify')({ logger: false });
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    await scope.register(require('@fastify/cors'), { origin: (_o, cb) => cb(null, false) });
    await scope.register(require('@fastify/rate-limit'), {
      global: true,
      max: 100_000_000,
      timeWindow: 60_000,
      addHeadersOnExceeding: {
        'x-ratelimit-limit': false,
        'x-ratelimit-remaining': false,
        'x-ratelimit-reset': false,
      },
    });
    scope.post('/collect', async (request, reply) => {
      await append(eventLines(request.body));
      return reply.code(204).send();
    });
    scope.get('/r/:code', async (request, reply) => {
      await append(clickLine(request.url, request.headers['user-agent']));
      return reply.code(302).header('location', LOCATION).send();
    });
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  server = app.server;
} else {
  server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', async () => {
      if (req.method === 'POST') {
        await append(eventLines(Buffer.concat(chunks)));
        res.writeHead(204);
      } else {
        await append(clickLine(req.url, req.headers['user-agent']));
        res.writeHead(302, { location: LOCATION });
      }
      res.end();
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
}
process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
process.on('SIGTERM', () =>
  server.close(async () => {
    await handle.close();
    await rm(dir, { recursive: true, force: true });
    process.exit(0);
  }),
);
