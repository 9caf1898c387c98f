// The stitched store in Chromium on real IndexedDB: ingest throughput against a raw Dexie bulkAdd
// of the same rows, stitch latency, and the first timeline page (identity.bench.mjs: stitching
// precision and recall).
import { buildPage, launchPersistentChromium, serveDir } from '../lib/browser.mjs';

export async function run() {
  const dir = await buildPage('bench/browser', 'out/bench-store');
  const server = await serveDir(dir);
  // On disk, as the installed app's store is: off the record IndexedDB is held in memory, where writes
  // slow down as the store grows (bench/lib/browser.mjs) and two 100,000-event stores crashed it.
  const browser = await launchPersistentChromium();
  try {
    const page = await browser.context.newPage();
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
    // A stitch as it meets the store in use (its earlier events stored a while before), and one
    // landing right after they were stored in a burst, when the store is still busy with them.
    const stitch = await page.evaluate(() =>
      window.stitchBench.runStitch({ earlierEvents: 10_000, runs: 7, settleMs: 2_000 }),
    );
    const stitchAfterBurst = await page.evaluate(() =>
      window.stitchBench.runStitch({ earlierEvents: 10_000, runs: 7 }),
    );
    const timeline = await page.evaluate(() => window.stitchBench.runTimeline({ events: 10_000, runs: 20 }));
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
        'stitch.latency_after_burst_ms': round(stitchAfterBurst.latencyMs),
        'timeline.page_ms': round(timeline.pageMs),
      },
      details: {
        workload:
          '100,000 events, 10,000 visitors (10 page views 20 s apart, a new visitor every minute, so ~4 overlap), ' +
          '30% identify as one of 1,000 contacts; batches of 500 through ingestBatch vs bulkAdd of the same event rows; ' +
          'the store on disk (a persistent profile), as the installed app has it',
        ingest,
        ingestWithErasure,
        stitch,
        stitchAfterBurst,
        timeline,
      },
    };
  } finally {
    await browser.close();
    await server.close();
  }
}
