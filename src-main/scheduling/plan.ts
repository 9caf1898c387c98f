// The send-time planner (pure): each message goes at the campaign's send time, or when that falls in
// the recipient's quiet hours, at the end of them in the recipient's own zone(s), DST included.
import type { PlannedTime, QuietHours, SchedulePlanRequest } from '../shared/scheduling';
import { DAY, wallMs, zonedToUtc } from './zone-time';
import { type RecipientZones, recipientZones } from './zones';

const MINUTE = 60_000;
const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Minutes after midnight of `HH:MM`, or null when it is not a time. */
export function minutesOf(hhmm: string): number | null {
  const match = HH_MM.exec(hhmm);
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
}

interface Window {
  start: number;
  end: number;
}

function windowOf(quiet: QuietHours): Window {
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === null || end === null || start === end) {
    throw new RangeError('Quiet hours need two different times as HH:MM');
  }
  return { start, end };
}

const inQuiet = (minute: number, w: Window): boolean =>
  w.start < w.end ? minute >= w.start && minute < w.end : minute >= w.start || minute < w.end;

/** `at`, or the first instant after it outside quiet hours in `zone`. */
export function nextAllowedInZone(at: number, zone: string, quiet: QuietHours): number {
  const w = windowOf(quiet);
  const wall = wallMs(at, zone);
  const minute = Math.floor((((wall % DAY) + DAY) % DAY) / MINUTE);
  if (!inQuiet(minute, w)) return at;
  const midnight = wall - (((wall % DAY) + DAY) % DAY);
  let endWall = midnight + w.end * MINUTE;
  if (endWall <= wall) endWall += DAY;
  return Math.max(at, zonedToUtc(endWall, zone));
}

/**
 * `at`, or the first instant outside quiet hours in every one of `zones`. When the zones' allowed
 * windows never overlap (a country wider than its allowed hours), the fallback zone alone decides.
 */
export function nextAllowed(
  at: number,
  zones: readonly string[],
  quiet: QuietHours,
  fallback: string | null = zones[0] ?? null,
): number {
  if (zones.length === 0) return at;
  let t = at;
  for (let pass = 0; pass < 4; pass++) {
    let moved = false;
    for (const zone of zones) {
      const next = nextAllowedInZone(t, zone, quiet);
      if (next !== t) {
        t = next;
        moved = true;
      }
    }
    if (!moved) return t;
  }
  return fallback ? nextAllowedInZone(at, fallback, quiet) : at;
}

/** Send times for a campaign: one `nextAllowed` per distinct zone set, shared by its recipients. */
export function planSendTimes(request: SchedulePlanRequest): PlannedTime[] {
  return planEach(request).map((p) => p.planned);
}

/** `planSendTimes`, with each recipient's fallback zone, which the outbox keeps for re-checks. */
export function planEach(request: SchedulePlanRequest): { planned: PlannedTime; fallback: string | null }[] {
  const quiet = request.quietHours;
  if (quiet) windowOf(quiet);
  const memo = new Map<string, number>();
  return request.messages.map((m) => {
    // An email's address says nothing of where its reader is: the contact's phone may (regionPhone).
    const zones: RecipientZones = recipientZones(m.regionPhone ?? m.to, m.timeZone);
    let sendAt = request.sendAt;
    if (quiet && zones.zones.length > 0) {
      const key = zones.zones.join(',');
      const known = memo.get(key);
      if (known === undefined) {
        sendAt = nextAllowed(request.sendAt, zones.zones, quiet, zones.fallback);
        memo.set(key, sendAt);
      } else sendAt = known;
    }
    return {
      planned: { messageId: m.messageId, sendAt, zones: zones.zones, zoneSource: zones.source },
      fallback: zones.fallback,
    };
  });
}
