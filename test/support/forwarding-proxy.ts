// A local stand-in for a public link base: a second HTTP server that forwards every request to a
// target (the collector), as a reverse proxy or tunnel in front of it would; or, with no target, a
// server that is not the collector at all (answers 404 to everything).
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ForwardingProxy {
  origin: string;
  /** Requests it forwarded, by path. */
  forwarded: string[];
  close: () => Promise<void>;
}

export async function startForwardingProxy(target: string | null): Promise<ForwardingProxy> {
  const forwarded: string[] = [];
  const server = createServer((req, res) => {
    if (!target) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not the collector');
      return;
    }
    const to = new URL(req.url ?? '/', target);
    forwarded.push(to.pathname);
    const upstream = httpRequest(
      to,
      {
        method: req.method,
        headers: { ...req.headers, host: to.host, 'x-forwarded-host': req.headers.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end('upstream failed'));
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    forwarded,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
