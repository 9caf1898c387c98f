// The stitched store in Chromium on real IndexedDB: ingest throughput against a raw Dexie bulkAdd
// of the same rows, stitch latency, and the first timeline page.
import { buildPage, launchChromium, serveDir } from '../lib/browser.mjs';

export async function run() {
  const dir = await buildPage('bench/browser', 'out/bench-store');
  const server = await serveDir(dir);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.waitForFunction(() => document.title === 'ready');
    const ingest = await page.evaluate(() =>
      window.stitchBench.runIngest({
        events: 100_000,
        visitors: 10_000,
        contacts: 1_000,
        stitched: 0.3,
        arrivalMs: 60_000,
      }),
    );
    const ingestWithErasure = await page.evaluate(() =>
      window.stitchBench.runIngest({
        events: 100_000,
        visitors: 10_000,
        contacts: 1_000,
        stitched: 0.3,
        arrivalMs: 60_000,
        withErasure: true,
      }),
    );
    const stitch = await page.evaluate(() =>
      window.stitchBench.runStitch({ earlierEvents: 10_000, runs: 5 }),
    );
    const timeline = await page.evaluate(() => window.stitchBench.runTimeline({ events: 10_000, runs: 20 }));
    const seeds = [1, 2, 3];
    const identity = await page.evaluate(
      (seeds) => window.stitchBench.runIdentity({ people: 300, seeds }),
      seeds,
    );
    const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
    return {
      metrics: {
        'ingest.events_per_s': round(ingest.ingestEventsPerS, 0),
        'ingest.ratio_vs_raw_bulkadd': round(ingest.ingestEventsPerS / ingest.rawEventsPerS),
        'ingest.longest_task_ms': round(ingest.longestTaskMs, 1),
        'ingest.ratio_vs_raw_bulkadd_with_erasure': round(
          ingestWithErasure.ingestEventsPerS / ingestWithErasure.rawEventsPerS,
        ),
        'stitch.latency_ms': round(stitch.latencyMs),
        'timeline.page_ms': round(timeline.pageMs),
        'identity.precision': round(identity.adversarial.engine.precision, 3),
        'identity.recall': round(identity.adversarial.engine.recall, 3),
        'identity.naive_precision': round(identity.adversarial.naive.precision, 3),
        'identity.naive_recall': round(identity.adversarial.naive.recall, 3),
        'identity.ordinary_precision': round(identity.ordinary.engine.precision, 3),
        'identity.ordinary_recall': round(identity.ordinary.engine.recall, 3),
      },
      details: {
        workload:
          '100,000 events, 10,000 visitors (10 page views 20 s apart, a new visitor every minute, so ~4 overlap), ' +
          '30% identify as one of 1,000 contacts; batches of 500 through ingestBatch vs bulkAdd of the same event rows',
        ingest,
        ingestWithErasure,
        stitch,
        identity: {
          workload:
            'bench/browser/identity-sim.ts: 300 people per seed (seeds 1, 2, 3 pooled), adversarial and ordinary ' +
            "plans; precision = share of page views on a contact timeline that are that contact's, recall = " +
            'share of page views of browsers their own person identified that are on their timeline; naive = ' +
            'last-click merge on the same plans',
          ...identity,
        },
        timeline,
      },
    };
  } finally {
    await browser.close();
    await server.close();
  }
}
