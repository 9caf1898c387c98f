// Pushes to the UI: the first item after a quiet spell goes out at once, a burst goes out in a few
// batches, nothing is lost or reordered, and close drops what is pending.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBatcher } from '../../../src-main/util/batcher';

describe('createBatcher', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends the first item at once, then whatever came during each window together', () => {
    const sent: number[][] = [];
    const batcher = createBatcher<number>(250, (items) => sent.push(items));
    batcher.add(1);
    expect(sent).toEqual([[1]]);
    for (let n = 2; n <= 1000; n++) batcher.add(n);
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(250);
    expect(sent).toHaveLength(2);
    expect(sent.flat()).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
  });

  it('after a quiet window the next item goes out at once again', () => {
    const sent: string[][] = [];
    const batcher = createBatcher<string>(100, (items) => sent.push(items));
    batcher.add('a');
    vi.advanceTimersByTime(100); // nothing pending: the window closes quietly
    vi.advanceTimersByTime(1000);
    batcher.add('b');
    expect(sent).toEqual([['a'], ['b']]);
  });

  it('close drops what is pending and sends nothing more', () => {
    const sent: number[][] = [];
    const batcher = createBatcher<number>(100, (items) => sent.push(items));
    batcher.add(1);
    batcher.add(2);
    batcher.close();
    vi.advanceTimersByTime(1000);
    expect(sent).toEqual([[1]]);
  });
});
