// The date range a report covers: clicks, stitches, goal conversions and post-click activity whose
// time falls in [from, to) count; sends stay the campaign's. Presets are local calendar days.

export interface ReportRange {
  /** Inclusive, epoch ms; null: from the beginning. */
  from: number | null;
  /** Exclusive, epoch ms; null: no end. */
  to: number | null;
}

export const ALL_TIME: ReportRange = { from: null, to: null };

export type RangePreset = '7d' | '30d' | '90d' | 'all' | 'custom';

/** Whether a time falls in the range: `from` included, `to` excluded. */
export function inRange(range: ReportRange, at: number): boolean {
  return (range.from === null || at >= range.from) && (range.to === null || at < range.to);
}

/** The last `days` local calendar days, today included: from that day's midnight on, no end. */
export function lastDays(days: number, now: number): ReportRange {
  const today = new Date(now);
  today.setHours(0, 0, 0, 0);
  const from = new Date(today);
  from.setDate(today.getDate() - (days - 1));
  return { from: from.getTime(), to: null };
}

/** A preset's range at `now`; `custom` is made from two dates with `dayRange`. */
export function presetRange(preset: Exclude<RangePreset, 'custom'>, now: number): ReportRange {
  if (preset === 'all') return ALL_TIME;
  return lastDays(preset === '7d' ? 7 : preset === '30d' ? 30 : 90, now);
}

/** Two `YYYY-MM-DD` dates (either may be empty), both days included, in local time. */
export function dayRange(fromDay: string, toDay: string): ReportRange {
  const start = (day: string): number | null => {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
    return m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])).getTime() : null;
  };
  const from = start(fromDay);
  const last = start(toDay);
  // The day after the last day, at local midnight (a DST day is 23 or 25 hours, so not + 24 h).
  let to: number | null = null;
  if (last !== null) {
    const next = new Date(last);
    next.setDate(next.getDate() + 1);
    to = next.getTime();
  }
  return { from, to };
}
