// A small closed-loop HTTP load generator: N keep-alive connections, each sending its next
// request as soon as the previous answer arrives, for a bounded time.
import http from 'node:http';

/**
 * @param {{ url: string, connections: number, durationMs: number, request: (i: number) => { method: string, path: string, headers?: Record<string,string>, body?: string }, expect: (status: number) => boolean }} opts
 */
export async function runLoad(opts) {
  const target = new URL(opts.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.connections });
  // A caller pooling several runs passes its own array, so percentiles span all of them.
  const latencies = opts.latencies ?? [];
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

/**
 * Measures several servers in turns: `rounds` slices each, the order rotating every round, so a
 * change in the machine's background load (a shared 2-core box) falls on all of them alike instead
 * of on whichever ran last. Each target: `{ name, url, request, expect }`; results by name, pooled.
 */
export async function runInterleaved(targets, { connections, durationMs, rounds = 4 }) {
  const sliceMs = Math.max(250, Math.round(durationMs / rounds));
  const pooled = new Map(targets.map((t) => [t.name, { ok: 0, failed: 0, elapsedS: 0, latencies: [] }]));
  for (let round = 0; round < rounds; round++) {
    const shift = round % targets.length;
    for (const target of [...targets.slice(shift), ...targets.slice(0, shift)]) {
      const into = pooled.get(target.name);
      const slice = await runLoad({
        url: target.url,
        connections,
        durationMs: sliceMs,
        request: target.request,
        expect: target.expect,
        latencies: into.latencies,
      });
      into.ok += slice.ok;
      into.failed += slice.failed;
      into.elapsedS += slice.elapsedS;
    }
  }
  const results = {};
  for (const [name, { ok, failed, elapsedS, latencies }] of pooled) {
    latencies.sort((a, b) => a - b);
    const pick = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
    results[name] = {
      ok,
      failed,
      elapsedS,
      rounds,
      reqPerS: ok / elapsedS,
      p50Ms: pick(0.5),
      p99Ms: pick(0.99),
    };
  }
  return results;
}
