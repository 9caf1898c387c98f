// A report's date range at its edges: `from` counts, `to` does not; two picked dates include both
// days; "last 7 days" starts at midnight six days before today.
import { describe, expect, it } from 'vitest';
import {
  ALL_TIME,
  dayRange,
  inRange,
  lastDays,
  presetRange,
} from '../../../src-renderer/queries/report-range';

const local = (y: number, m: number, d: number, h = 0, min = 0) => new Date(y, m - 1, d, h, min).getTime();

describe('report ranges', () => {
  it('includes its start and excludes its end', () => {
    const range = { from: 1_000, to: 2_000 };
    expect([999, 1_000, 1_999, 2_000].map((t) => inRange(range, t))).toEqual([false, true, true, false]);
    expect(inRange(ALL_TIME, 0)).toBe(true);
    expect(inRange({ from: null, to: 5 }, 4)).toBe(true);
    expect(inRange({ from: 5, to: null }, Number.MAX_SAFE_INTEGER)).toBe(true);
  });

  it('two dates cover both whole days, local time', () => {
    const range = dayRange('2026-03-01', '2026-03-03');
    expect(range).toEqual({ from: local(2026, 3, 1), to: local(2026, 3, 4) });
    expect(inRange(range, local(2026, 3, 3, 23, 59))).toBe(true);
    expect(inRange(range, local(2026, 3, 4))).toBe(false);
    expect(dayRange('', '2026-03-03')).toEqual({ from: null, to: local(2026, 3, 4) });
    expect(dayRange('2026-03-01', '')).toEqual({ from: local(2026, 3, 1), to: null });
  });

  it('the last N days are calendar days, today included', () => {
    const now = local(2026, 12, 2, 15, 30);
    expect(lastDays(7, now)).toEqual({ from: local(2026, 11, 26), to: null });
    expect(presetRange('30d', now)).toEqual({ from: local(2026, 11, 3), to: null });
    expect(presetRange('90d', now).from).toBe(local(2026, 9, 4));
    expect(presetRange('all', now)).toEqual(ALL_TIME);
  });
});
