// The send-time planner: quiet hours in each recipient's own zone, across DST changes, for a zone
// ahead of the sender's, for multi-zone countries and for a contact's own zone overriding the phone's.
import { describe, expect, it } from 'vitest';
import { nextAllowed, nextAllowedInZone, planSendTimes } from '../../../src-main/scheduling/plan';
import { wallMs, zonedToUtc } from '../../../src-main/scheduling/zone-time';
import { recipientZones } from '../../../src-main/scheduling/zones';

const QUIET = { start: '21:00', end: '08:00' };
const at = (iso: string) => Date.parse(iso);
const iso = (t: number) => new Date(t).toISOString();

describe('zone wall-clock arithmetic', () => {
  it('resolves a skipped local time to the moment of the jump and a repeated one to its first occurrence', () => {
    // New York springs forward on 8 March 2026 at 02:00 → 03:00 (07:00Z); 02:30 never happens.
    expect(iso(zonedToUtc(Date.UTC(2026, 2, 8, 2, 30), 'America/New_York'))).toBe('2026-03-08T07:00:00.000Z');
    // It falls back on 1 November 2026: 01:30 happens at 05:30Z (EDT) and again at 06:30Z (EST).
    expect(iso(zonedToUtc(Date.UTC(2026, 10, 1, 1, 30), 'America/New_York'))).toBe(
      '2026-11-01T05:30:00.000Z',
    );
    expect(iso(zonedToUtc(Date.UTC(2026, 5, 1, 8, 0), 'Europe/Berlin'))).toBe('2026-06-01T06:00:00.000Z');
  });
});

describe('quiet hours', () => {
  it('holds a message sent in the evening until 08:00 local the next morning', () => {
    // 22:00 in London in winter (UTC+0) waits until 08:00.
    expect(iso(nextAllowedInZone(at('2026-01-10T22:00:00Z'), 'Europe/London', QUIET))).toBe(
      '2026-01-11T08:00:00.000Z',
    );
    // Outside quiet hours nothing waits; 08:00 itself is allowed, 21:00 itself is quiet.
    expect(nextAllowedInZone(at('2026-01-10T12:00:00Z'), 'Europe/London', QUIET)).toBe(
      at('2026-01-10T12:00:00Z'),
    );
    expect(nextAllowedInZone(at('2026-01-10T08:00:00Z'), 'Europe/London', QUIET)).toBe(
      at('2026-01-10T08:00:00Z'),
    );
    expect(iso(nextAllowedInZone(at('2026-01-10T21:00:00Z'), 'Europe/London', QUIET))).toBe(
      '2026-01-11T08:00:00.000Z',
    );
  });

  it('ends quiet hours at 08:00 local on the night clocks go forward and on the night they go back', () => {
    // Europe springs forward on 29 March 2026: 08:00 in Berlin is 06:00Z (CEST), not 07:00Z.
    expect(iso(nextAllowedInZone(at('2026-03-28T22:00:00Z'), 'Europe/Berlin', QUIET))).toBe(
      '2026-03-29T06:00:00.000Z',
    );
    // And falls back on 25 October 2026: 08:00 is 07:00Z (CET), a night one hour longer.
    expect(iso(nextAllowedInZone(at('2026-10-24T21:00:00Z'), 'Europe/Berlin', QUIET))).toBe(
      '2026-10-25T07:00:00.000Z',
    );
    // New York, 8 March 2026: 08:00 EDT is 12:00Z, a day after 08:00 EST was 13:00Z.
    expect(iso(nextAllowedInZone(at('2026-03-08T03:00:00Z'), 'America/New_York', QUIET))).toBe(
      '2026-03-08T12:00:00.000Z',
    );
    expect(iso(nextAllowedInZone(at('2026-03-07T03:00:00Z'), 'America/New_York', QUIET))).toBe(
      '2026-03-07T13:00:00.000Z',
    );
  });

  it('a quiet window ending in a skipped hour ends at the jump', () => {
    // Quiet 23:00–02:30 in New York on the spring-forward night: 02:30 never comes; 03:00 EDT does.
    const quiet = { start: '23:00', end: '02:30' };
    expect(iso(nextAllowedInZone(at('2026-03-08T05:00:00Z'), 'America/New_York', quiet))).toBe(
      '2026-03-08T07:00:00.000Z',
    );
  });

  it('holds a recipient whose zone is ahead of the sender: afternoon in New York is night in Sydney', () => {
    // 15:00 in New York (19:00Z, 14 Jan) is 06:00 on 15 Jan in Sydney (UTC+11): two hours to wait.
    const sendAt = at('2026-01-14T20:00:00Z');
    expect(wallMs(sendAt, 'America/New_York')).toBe(Date.UTC(2026, 0, 14, 15, 0));
    const [ny, sydney, tokyo] = planSendTimes({
      sendAt,
      quietHours: QUIET,
      messages: [
        { messageId: 'c:0', to: '+12125550100', timeZone: 'America/New_York' },
        { messageId: 'c:1', to: '+61412345678', timeZone: 'Australia/Sydney' },
        { messageId: 'c:2', to: '+819012345678' },
      ],
    });
    expect(ny?.sendAt).toBe(sendAt);
    expect(iso(sydney?.sendAt ?? 0)).toBe('2026-01-14T21:00:00.000Z'); // 08:00 AEDT, 15 Jan
    // Tokyo (UTC+9, from the +81 number) is at 05:00 on the 15th: held until 08:00 JST = 23:00Z.
    expect(tokyo?.zones).toEqual(['Asia/Tokyo']);
    expect(tokyo?.zoneSource).toBe('phone');
    expect(iso(tokyo?.sendAt ?? 0)).toBe('2026-01-14T23:00:00.000Z');
  });

  it('applies quiet hours in every zone of a multi-zone country, with a contact zone overriding it', () => {
    const us = recipientZones('+14155550100');
    expect(us.source).toBe('phone');
    // One zone per distinct offset pattern, eastern (UTC−5) to Hawaii (UTC−10), Arizona apart.
    const january = us.zones.map(
      (z) => (wallMs(at('2026-01-14T12:00:00Z'), z) - at('2026-01-14T12:00:00Z')) / 3_600_000,
    );
    expect(Math.max(...january)).toBe(-5);
    expect(Math.min(...january)).toBe(-10);
    expect(us.zones).toContain('America/Phoenix');
    expect(us.zones.length).toBeLessThan(12);
    // 09:00 in New York (14:00Z) is 04:00 in Honolulu: a US number waits until 08:00 HST = 18:00Z.
    const sendAt = at('2026-01-14T14:00:00Z');
    const [plain, overridden, unknownZone] = planSendTimes({
      sendAt,
      quietHours: QUIET,
      messages: [
        { messageId: 'c:0', to: '+14155550100' },
        { messageId: 'c:1', to: '+14155550101', timeZone: 'America/New_York' },
        { messageId: 'c:2', to: '+14155550102', timeZone: 'Mars/Olympus' },
      ],
    });
    expect(iso(plain?.sendAt ?? 0)).toBe('2026-01-14T18:00:00.000Z');
    expect(overridden).toMatchObject({ sendAt, zoneSource: 'contact', zones: ['America/New_York'] });
    expect(unknownZone?.zoneSource).toBe('phone');
    // A country wider than its allowed hours (quiet 18:00–10:00 across Russia's 11 zones) falls
    // back to its median zone rather than never sending.
    const ru = recipientZones('+79161234567');
    const wide = { start: '18:00', end: '10:00' };
    const t = nextAllowed(at('2026-01-14T00:00:00Z'), ru.zones, wide, ru.fallback);
    expect(nextAllowedInZone(t, ru.fallback ?? '', wide)).toBe(t);
  });

  it('sends at the chosen time when there are no quiet hours or no zone is known, and refuses bad hours', () => {
    const sendAt = at('2026-01-14T03:00:00Z');
    const [a] = planSendTimes({
      sendAt,
      quietHours: null,
      messages: [{ messageId: 'c:0', to: '+447700900123' }],
    });
    expect(a?.sendAt).toBe(sendAt);
    const [b] = planSendTimes({ sendAt, quietHours: QUIET, messages: [{ messageId: 'c:0', to: '+999123' }] });
    expect(b).toMatchObject({ sendAt, zoneSource: 'none', zones: [] });
    expect(() =>
      planSendTimes({ sendAt, quietHours: { start: '25:00', end: '08:00' }, messages: [] }),
    ).toThrow(/HH:MM/);
  });
});
