// Segments and goals over the stitched store in Chromium on real IndexedDB: the example segment
// counted over 100,000 contacts at 10k / 100k / 1M events (the growth curve), beside raw Dexie
// counts of the same index ranges, and a campaign's two-goal report over the largest store.
// Runs with `--only store` (after the store suite) or alone with `--only store-aud`.
import { buildPage, launchPersistentChromium, serveDir } from '../lib/browser.mjs';

export async function run() {
  const dir = await buildPage('bench/browser', 'out/bench-store-audiences');
  const server = await serveDir(dir);
  // On disk, as the app's store is (and an in-memory store slows down as a million rows go in).
  const browser = await launchPersistentChromium();
  try {
    const page = await browser.context.newPage();
    await page.goto(server.url);
    await page.waitForFunction(() => document.title === 'ready');
    const sizes = (process.env.BENCH_SEGMENT_EVENTS ?? '10000,100000,1000000').split(',').map(Number);
    const contacts = Number(process.env.BENCH_SEGMENT_CONTACTS ?? 100_000);
    const curve = await page.evaluate(
      ({ events, contacts }) => window.stitchBench.runSegmentCount({ contacts, events, runs: 7 }),
      { events: sizes, contacts },
    );
    const largest = curve[curve.length - 1];
    const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
    const metrics = {
      'segment.count_ms': round(largest.countMs),
      'segment.raw_index_count_ms': round(largest.rawIndexCountMs),
      // The first count after a link write, which reads the link spans again.
      'segment.count_after_link_write_ms': round(largest.coldCountMs),
      'goals.report_ms': round(largest.goals.ms),
      'goals.full_report_ms': round(largest.goals.fullReportMs),
    };
    for (const point of curve) metrics[`segment.count_ms_at_${point.events}`] = round(point.countMs);
    return {
      metrics,
      details: {
        workload:
          '100,000 contacts; 10 events per visitor over 90 days; the spring SMS to one contact per 100 events ' +
          '20 days ago, a quarter tapped (browser linked from the tap); a third of other visitors linked by ' +
          'identify; /pricing one page in 25, a form for one visitor in 10. Segment: clicked spring AND visited ' +
          'path contains /pricing in 30 days AND NOT form in 30 days; median of 7 after a warm-up (the link spans ' +
          'kept in memory between them; count_after_link_write_ms: median of 3 with them read again). Goals: page ' +
          '/thanks and event purchase (value amount), 7-day windows; full report = campaignReport + goals together',
        limits: { 'segment.count_ms': '< 300', 'goals.report_ms': '< 500' },
        curve,
      },
    };
  } finally {
    await browser.close();
    await server.close();
  }
}
