// Wall-clock arithmetic in an IANA time zone with nothing but Intl.DateTimeFormat: the local time of
// an instant, and the instant of a local time (DST gaps and overlaps resolved, see zonedToUtc).

const MINUTE = 60_000;
export const DAY = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** True when the runtime knows this IANA zone name. */
export function isTimeZone(zone: string): boolean {
  if (zone.trim() === '') return false;
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
}

/**
 * The local wall-clock time of `at` in `zone`, as the epoch ms that wall time would be in UTC
 * ("wall ms"): differences and time-of-day arithmetic on it are plain integer maths.
 */
export function wallMs(at: number, zone: string): number {
  const parts = formatterFor(zone).formatToParts(at);
  const field = (type: Intl.DateTimeFormatPartTypes) =>
    Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(
    field('year'),
    field('month') - 1,
    field('day'),
    field('hour'),
    field('minute'),
    field('second'),
  );
  return wall + (at % 1000);
}

/** The zone's offset from UTC at `at`, in ms (positive east of Greenwich). */
export const offsetAt = (at: number, zone: string): number => wallMs(at, zone) - at;

/**
 * The first instant whose local wall time in `zone` is `wall` or later. An ambiguous wall time
 * (clocks going back) gives its first occurrence; a skipped one (clocks going forward) gives the
 * moment of the jump, the first instant the local clock reads later than `wall`.
 */
export function zonedToUtc(wall: number, zone: string): number {
  // Every offset in force within half a day of the wall time: at most two around a transition.
  const offsets = new Set([offsetAt(wall - DAY / 2, zone), offsetAt(wall + DAY / 2, zone)]);
  const candidates = [...offsets].map((offset) => wall - offset);
  const exact = candidates.filter((t) => wallMs(t, zone) === wall);
  if (exact.length > 0) return Math.min(...exact);
  // A gap: search, a minute at a time at the end, for the first instant past the jump.
  let low = Math.min(...candidates);
  let high = Math.max(...candidates);
  if (wallMs(high, zone) < wall) return high;
  while (high - low > MINUTE) {
    const mid = low + Math.floor((high - low) / 2 / MINUTE) * MINUTE;
    if (mid <= low) break;
    if (wallMs(mid, zone) >= wall) high = mid;
    else low = mid;
  }
  while (high - 1000 > low && wallMs(high - 1000, zone) >= wall) high -= 1000;
  return high;
}
