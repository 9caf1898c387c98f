// Runs the benchmark suite and writes its metrics as JSON: `npm run bench -- --out <file>`.
// Each benchmark measures against its limit (a bare server, a raw bulkAdd) in the same run.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    out: { type: 'string', default: join(here, 'results', 'latest.json') },
    only: { type: 'string' },
  },
});

const suites = readdirSync(join(here, 'suites'))
  .filter((name) => name.endsWith('.bench.mjs'))
  .filter((name) => !values.only || name.startsWith(values.only))
  .sort();

const metrics = {};
const details = {};
for (const name of suites) {
  const suite = await import(pathToFileURL(join(here, 'suites', name)).href);
  process.stderr.write(`bench: ${name}\n`);
  const result = await suite.run();
  Object.assign(metrics, result.metrics);
  details[name] = result.details ?? {};
}

const report = {
  date: new Date().toISOString(),
  machine: {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  },
  metrics,
  details,
};
const out = resolve(values.out);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(metrics, null, 2)}\nbench: wrote ${out}\n`);
