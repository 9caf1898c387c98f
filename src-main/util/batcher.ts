// Turns a burst of pushes into a few: the first item after a quiet spell goes out at once, and
// whatever arrives within the next `ms` goes out together at the end of it. Used for events the
// main process pushes to the UI, which must not cost one IPC message per collected request.

export interface Batcher<T> {
  add(item: T): void;
  /** Drops what is pending and stops the timer. */
  close(): void;
}

export function createBatcher<T>(ms: number, flush: (items: T[]) => void): Batcher<T> {
  let pending: T[] = [];
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    if (pending.length === 0) {
      timer = undefined; // a quiet window: the next item goes out at once
      return;
    }
    const items = pending;
    pending = [];
    flush(items);
    timer = setTimeout(tick, ms);
    timer.unref();
  };
  return {
    add(item) {
      pending.push(item);
      if (timer === undefined) tick();
    },
    close() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      pending = [];
    },
  };
}
