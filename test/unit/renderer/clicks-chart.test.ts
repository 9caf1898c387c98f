// The clicks-over-time series: buckets sized to the span of the data, aligned to the local day, a
// single click drawn in its own bucket with empty ones around it, every click counted once.
import { describe, expect, it } from 'vitest';
import { bucketFor, clickSeries } from '../../../src-renderer/features/campaigns/ClicksChart';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const noon = Date.UTC(2026, 11, 1, 12, 0);

describe('clickSeries', () => {
  it("puts today's single click in today's bucket, with an empty bucket either side (not a dot)", () => {
    const { xs, counts, step } = clickSeries([noon + 7 * MINUTE], 0);
    expect(step).toBe(5 * MINUTE);
    expect(counts).toEqual([0, 1, 0]);
    expect(xs.map((s) => s * 1000)).toEqual([noon, noon + 5 * MINUTE, noon + 10 * MINUTE]);
  });

  it('sizes buckets to the span: 5 minutes, hours, days, weeks', () => {
    expect(bucketFor(90 * MINUTE).label).toBe('5 minutes');
    expect(bucketFor(2 * DAY).label).toBe('hour');
    expect(bucketFor(30 * DAY).label).toBe('day');
    expect(bucketFor(200 * DAY).label).toBe('week');
  });

  it('aligns day buckets to the local day and counts every click once, in any order', () => {
    const lisbonSummer = 60 * MINUTE; // UTC+1
    const times = [noon + 10 * DAY, noon, noon + 23 * HOUR + 30 * MINUTE, noon + 10 * DAY + HOUR];
    const { xs, counts, step } = clickSeries(times, lisbonSummer);
    expect(step).toBe(DAY);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(times.length);
    // Local midnight (23:00 UTC the day before) starts each bucket.
    for (const x of xs) expect((x * 1000 + lisbonSummer) % DAY).toBe(0);
    // 12:00 and 11:30 next day (local 13:00 and 12:30) fall on two days; the last two on one.
    expect(counts.filter((c) => c > 0)).toEqual([1, 1, 2]);
    expect(counts[0]).toBe(0);
    expect(counts[counts.length - 1]).toBe(0);
  });

  it('has nothing to draw without clicks', () => {
    expect(clickSeries([], 0)).toMatchObject({ xs: [], counts: [] });
  });
});
