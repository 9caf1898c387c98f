// Prints where the stitching engine goes wrong on the identity simulator's plans: each wrong or
// missed page view by whose browser it was (ground truth) and what linked it or held it back.
// `node bench/identity-report.mjs [--plan adversarial|hard|ordinary] [--seeds 1,2,3] [--people 300]`.
// With `--frontier 4,5,6`: instead, how far any weighing of the engine's evidence could go
// (bench/browser/identity-frontier.ts), learned on --seeds and measured on the frontier's seeds.
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
    frontier: { type: 'string' },
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
  if (values.frontier) {
    await printFrontier(sim, openStitchDb, shape, seeds, values.frontier.split(',').map(Number));
    process.exit(0);
  }
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

async function printFrontier(sim, openStitchDb, shape, learnSeeds, testSeeds) {
  const { decisionUnits, frontier } = await server.ssrLoadModule('/bench/browser/identity-frontier.ts');
  const unitsOf = async (seed) => {
    const plan = sim.generatePlan({ ...shape, people: Number(values.people) }, seed);
    const db = openStitchDb(`identity-frontier-${values.plan}-${seed}`);
    await sim.runPlan(db, plan, sim.SIM_SETTINGS);
    const units = await decisionUnits(db, plan);
    db.close();
    return units;
  };
  const learn = [];
  for (const seed of learnSeeds) learn.push(await unitsOf(seed));
  const test = [];
  for (const seed of testSeeds) test.push(await unitsOf(seed));
  const cuts = [0, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.97, 0.98, 0.99, 0.995, 1];
  const f = (x) => x.toFixed(3);
  const meanOf = (key) => test.reduce((sum, p) => sum + p.engine[key], 0) / test.length;
  for (const [name, from] of [
    [`learned on seeds ${learnSeeds.join(',')}`, learn],
    ['learned on the same seeds (an optimistic bound)', test],
  ]) {
    const { engine, points, groups } = frontier(from, test, cuts);
    process.stdout.write(
      `${values.plan}, seeds ${testSeeds.join(',')}, ${name}: ${groups} descriptions of evidence\n` +
        `  engine (this approximation) ${f(engine.precision)} / ${f(engine.recall)}; ` +
        `the engine's score (mean of the seeds) ${f(meanOf('precision'))} / ${f(meanOf('recall'))}\n`,
    );
    for (const p of points) {
      process.stdout.write(
        `  groups right >= ${p.cut.toFixed(3)}: precision ${f(p.precision)}, recall ${f(p.recall)}\n`,
      );
    }
  }
}
