// Stitching precision and recall in Chromium on real IndexedDB: the population simulator's plans
// (bench/browser/identity-sim.ts) through the real ingest path, scored from what the profiles show,
// beside two baselines scored on the same plans (last-click merge, the first wave's first-three rule).
import { buildPage, launchChromium, serveDir } from '../lib/browser.mjs';

export async function run() {
  const dir = await buildPage('bench/browser', 'out/bench-identity');
  const server = await serveDir(dir);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.waitForFunction(() => document.title === 'ready');
    const seeds = [1, 2, 3];
    const identity = await page.evaluate(
      (seeds) => window.stitchBench.runIdentity({ people: 300, seeds }),
      seeds,
    );
    const round = (x) => Math.round(x * 1000) / 1000;
    const figures = (prefix, plan) => ({
      [`${prefix}precision`]: round(plan.engine.precision),
      [`${prefix}recall`]: round(plan.engine.recall),
      [`${prefix}naive_precision`]: round(plan.naive.precision),
      [`${prefix}naive_recall`]: round(plan.naive.recall),
      [`${prefix}first_k_precision`]: round(plan.firstK.precision),
      [`${prefix}first_k_recall`]: round(plan.firstK.recall),
    });
    return {
      metrics: {
        ...figures('identity.', identity.adversarial),
        ...figures('identity.hard_', identity.hard),
        'identity.ordinary_precision': round(identity.ordinary.engine.precision),
        'identity.ordinary_recall': round(identity.ordinary.engine.recall),
      },
      details: {
        workload:
          'bench/browser/identity-sim.ts: 300 people per seed (seeds 1, 2, 3 pooled); plans: adversarial ' +
          '(identity.*: 35% of messages forwarded), hard (identity.hard_*: the same with 10% forwarded, where ' +
          'the baselines score what the held-out trials measured) and ordinary; precision = share of page ' +
          "views on a contact timeline that are that contact's, recall = share of page views of browsers " +
          'their own person identified that are on their timeline; naive = last-click merge, first_k = ' +
          'the first three browsers of a message linked (the first wave), on the same plans',
        ...identity,
      },
    };
  } finally {
    await browser.close();
    await server.close();
  }
}
