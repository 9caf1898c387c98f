// The send throttle on a simulated clock: requests start at the configured rate, a send that fell
// behind (a slow answer, a gap between batches) catches up so the average is the rate, and no
// one-second window ever holds more than the rate and a quarter.
import { describe, expect, it } from 'vitest';
import { CATCH_UP_MS, type MessagingProvider, sendAll } from '../../../src-main/messaging/provider';
import type { OutgoingMessage } from '../../../src-main/shared/messaging';

/** A clock that only moves when someone sleeps, and a provider that notes when each request starts. */
function simulated(answerMs: (index: number) => number) {
  let now = 0;
  const starts: number[] = [];
  const sleep = async (ms: number) => {
    now += ms;
  };
  const provider: MessagingProvider = {
    name: 'sim',
    attempt: async () => {
      const index = starts.length;
      starts.push(now);
      now += answerMs(index);
      return { kind: 'sent', providerId: `p${index}`, status: 'queued' };
    },
  };
  return { provider, sleep, clock: () => now, starts };
}

const messages = (n: number, from = 0): OutgoingMessage[] =>
  Array.from({ length: n }, (_, i) => ({
    messageId: `c:${from + i}`,
    to: `+1415555${1000 + from + i}`,
    body: 'Hi',
  }));

/** The most request starts in any window of `ms`. */
const busiest = (starts: number[], ms: number) =>
  Math.max(...starts.map((t) => starts.filter((s) => s >= t && s < t + ms).length));

describe('send pacing', () => {
  it('starts requests at the configured rate', async () => {
    const sim = simulated(() => 1);
    await sendAll(sim.provider, 'sms', messages(50), {
      ratePerSecond: 10,
      concurrency: 1,
      sleep: sim.sleep,
      now: sim.clock,
    });
    const gaps = sim.starts.slice(1).map((t, i) => t - (sim.starts[i] ?? 0));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(99);
    expect(sim.starts.at(-1)).toBeCloseTo(4_900, -1);
  });

  it('catches up after a slow answer and a gap between batches, within a quarter second', async () => {
    // Answer 5 takes 400 ms; one request at a time, so the next ones start late.
    const sim = simulated((i) => (i === 5 ? 400 : 1));
    const pacer = { nextStart: sim.clock() };
    const options = { ratePerSecond: 100, concurrency: 1, sleep: sim.sleep, now: sim.clock, pacer };
    await sendAll(sim.provider, 'email', messages(100), options);
    // The next batch is picked 150 ms after the last answer (reading, recording, a timer).
    await sim.sleep(150);
    await sendAll(sim.provider, 'email', messages(100, 100), options);
    const span = (sim.starts.at(-1) ?? 0) - (sim.starts[0] ?? 0);
    // On schedule, 200 requests at 100/s span 1,990 ms. The slow answer puts the send 400 ms
    // behind, of which CATCH_UP_MS (250) is made up; the 150 ms gap is made up in full. Without
    // catching up the span would be 2,540 ms.
    expect(CATCH_UP_MS).toBe(250);
    expect(span).toBeGreaterThanOrEqual(2_120);
    expect(span).toBeLessThan(2_150);
    expect(busiest(sim.starts, 1_000)).toBeLessThanOrEqual(125);
  });

  it('never bursts past the rate and a quarter after a long idle', async () => {
    const sim = simulated(() => 1);
    const pacer = { nextStart: sim.clock() };
    await sim.sleep(3_600_000);
    await sendAll(sim.provider, 'sms', messages(300), {
      ratePerSecond: 100,
      concurrency: 8,
      sleep: sim.sleep,
      now: sim.clock,
      pacer,
    });
    expect(busiest(sim.starts, 1_000)).toBeLessThanOrEqual(125);
  });
});
