// A small closed-loop HTTP load generator: N keep-alive connections, each sending its next
// request as soon as the previous answer arrives, for a bounded time.
import http from 'node:http';

/**
 * @param {{ url: string, connections: number, durationMs: number, request: (i: number) => { method: string, path: string, headers?: Record<string,string>, body?: string }, expect: (status: number) => boolean }} opts
 */
export async function runLoad(opts) {
  const target = new URL(opts.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.connections });
  const latencies = [];
  let ok = 0;
  let failed = 0;
  let sequence = 0;
  const started = performance.now();
  const deadline = started + opts.durationMs;

  const send = (req) =>
    new Promise((resolve) => {
      const t0 = performance.now();
      const r = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.path,
          headers: req.headers,
          agent,
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            latencies.push(performance.now() - t0);
            if (opts.expect(res.statusCode ?? 0)) ok++;
            else failed++;
            resolve();
          });
        },
      );
      r.on('error', () => {
        failed++;
        resolve();
      });
      if (req.body) r.end(req.body);
      else r.end();
    });

  const loop = async () => {
    while (performance.now() < deadline) await send(opts.request(sequence++));
  };
  await Promise.all(Array.from({ length: opts.connections }, loop));
  const elapsedS = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pick = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { ok, failed, elapsedS, reqPerS: ok / elapsedS, p50Ms: pick(0.5), p99Ms: pick(0.99) };
}
