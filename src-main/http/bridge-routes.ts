// The HTTP implementation of the bridge for headless mode: the built renderer at /app/ and the
// bridge at /bridge/*, behind a random per-run token and refused from any other origin.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, rm, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BridgeError, callBridge } from '../ipc/handlers';
import type { Services } from '../services';
import type { ApiError, BridgeEventName, BridgeEvents } from '../shared/bridge';
import { rendererFileHeaders, resolveRendererFile } from '../util/renderer-files';

export function createBridgeToken(): string {
  return randomBytes(32).toString('base64url');
}

export function registerAppRoutes(services: Services, opts: { rendererDir: string; token: string }): void {
  const { app } = services.collector;
  const tokenBytes = Buffer.from(opts.token);

  const ownOrigins = (): string[] => {
    const port = services.collector.status().port;
    return [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
  };

  /** Answers false (after replying) unless the request is same-origin and carries the token. */
  const authorize = (request: FastifyRequest, reply: FastifyReply): boolean => {
    const origins = ownOrigins();
    const host = request.headers.host ?? '';
    // A Host other than our own loopback address means DNS rebinding or a proxy: refuse.
    if (!origins.some((o) => o.endsWith(`//${host}`))) {
      return deny(reply, 403, 'forbidden_host', `Host ${host.slice(0, 80)} is not this app's address`);
    }
    const origin = request.headers.origin;
    if (origin !== undefined && !origins.includes(origin)) {
      return deny(reply, 403, 'forbidden_origin', `Origin ${origin.slice(0, 80)} may not use the bridge`);
    }
    const site = request.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none') {
      return deny(reply, 403, 'forbidden_origin', `Cross-site requests (${site}) may not use the bridge`);
    }
    const header = request.headers.authorization ?? '';
    const presented = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
    if (presented.length !== tokenBytes.length || !timingSafeEqual(presented, tokenBytes)) {
      return deny(
        reply,
        401,
        'unauthorized',
        'A valid bridge token is required (open the app URL printed at start)',
      );
    }
    return true;
  };

  app.post<{ Params: { channel: string }; Body: unknown }>(
    '/bridge/call/:channel',
    async (request, reply) => {
      if (!authorize(request, reply)) return reply;
      const body = request.body;
      const args =
        body && typeof body === 'object' && 'args' in body ? (body as { args: unknown }).args : undefined;
      try {
        const result = await callBridge(services.handlers, request.params.channel, args);
        return reply.code(200).send({ result: result ?? null });
      } catch (error) {
        if (error instanceof BridgeError) return reply.code(error.status).send(error.body);
        services.log.error(`bridge ${request.params.channel} failed: ${(error as Error).stack ?? error}`);
        const body: ApiError = { error: 'bridge_failed', detail: (error as Error).message };
        return reply.code(500).send(body);
      }
    },
  );

  // A backup download: the browser follows a plain link, so the one-time ticket from
  // `backup.finish` (256 random bits, minutes long) stands in for the bearer token.
  app.get<{ Params: { ticket: string } }>('/bridge/download/:ticket', async (request, reply) => {
    const host = request.headers.host ?? '';
    if (!ownOrigins().some((o) => o.endsWith(`//${host}`))) {
      return deny(reply, 403, 'forbidden_host', `Host ${host.slice(0, 80)} is not this app's address`);
    }
    const file = services.backup.takeDownload(request.params.ticket);
    if (!file) return deny(reply, 404, 'not_found', 'This download link has expired or was used already');
    const { size } = await stat(file);
    const stream = createReadStream(file);
    // The browser has its copy once the stream ends; the server keeps none.
    stream.once('close', () => void rm(file, { force: true }));
    return reply
      .header('content-type', 'application/octet-stream')
      .header('content-length', String(size))
      .header('content-disposition', `attachment; filename="${basename(file)}"`)
      .header('cache-control', 'no-store')
      .header('x-content-type-options', 'nosniff')
      .send(stream);
  });

  app.get('/bridge/events', (request, reply) => {
    if (!authorize(request, reply)) return;
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-content-type-options': 'nosniff',
    });
    res.write(': connected\n\n');
    const unsubscribe = services.bus.subscribe(
      <E extends BridgeEventName>(event: E, payload: BridgeEvents[E]) => {
        res.write(`event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`);
      },
    );
    // Comments keep the stream alive under the server's idle timeout.
    const ping = setInterval(() => res.write(': ping\n\n'), 4000);
    const end = () => {
      clearInterval(ping);
      unsubscribe();
    };
    request.raw.on('close', end);
    res.on('close', end);
  });

  app.get('/app', (_request, reply) => reply.redirect('/app/', 302));
  app.get<{ Params: { '*': string } }>('/app/*', async (request, reply) => {
    const wanted = request.params['*'];
    const file = resolveRendererFile(opts.rendererDir, wanted);
    if (!file) return deny(reply, 404, 'not_found', 'No such file');
    let content: Buffer;
    try {
      content = await readFile(file);
    } catch {
      return deny(reply, 404, 'not_found', `No such file: /app/${wanted.slice(0, 120)}`);
    }
    return reply.headers(rendererFileHeaders(file)).send(content);
  });
}

function deny(reply: FastifyReply, status: number, error: string, detail: string): false {
  const body: ApiError = { error, detail };
  reply.code(status).send(body);
  return false;
}
