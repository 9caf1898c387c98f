// Prints where the stitching engine goes wrong on the identity simulator's plans: each wrong or
// missed page view by whose browser it was (ground truth) and what linked it or held it back.
// `node bench/identity-report.mjs [--plan adversarial|hard|ordinary] [--seeds 1,2,3] [--people 300]`.
// Runs in Node over fake-indexeddb (the TypeScript loaded through Vite), not in the browser.
import 'fake-indexeddb/auto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createServer } from 'vite';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    plan: { type: 'string', default: 'adversarial' },
    seeds: { type: 'string', default: '1,2,3' },
    people: { type: 'string', default: '300' },
  },
});

const server = await createServer({
  root,
  configFile: false,
  logLevel: 'warn',
  server: { middlewareMode: true, hmr: false },
  appType: 'custom',
});
try {
  const sim = await server.ssrLoadModule('/bench/browser/identity-sim.ts');
  const { openStitchDb } = await server.ssrLoadModule('/src-renderer/db/index.ts');
  const shape = { ADVERSARIAL: sim.ADVERSARIAL, HARD: sim.HARD, ORDINARY: sim.ORDINARY }[
    values.plan.toUpperCase()
  ];
  if (!shape) throw new Error(`--plan is adversarial, hard or ordinary, not ${values.plan}`);
  const seeds = values.seeds.split(',').map(Number);
  const reports = [];
  for (const seed of seeds) {
    const plan = sim.generatePlan({ ...shape, people: Number(values.people) }, seed);
    const db = openStitchDb(`identity-report-${values.plan}-${seed}`);
    await sim.runPlan(db, plan, sim.SIM_SETTINGS);
    const report = await sim.explainErrors(db, plan);
    db.close();
    reports.push(report);
    process.stdout.write(`${sim.formatErrorReport(`${values.plan} seed ${seed}`, report)}\n`);
  }
  if (reports.length > 1) {
    process.stdout.write(
      `${sim.formatErrorReport(`${values.plan} seeds ${seeds.join(',')}`, sim.poolReports(reports))}\n`,
    );
  }
} finally {
  await server.close();
}
