// Collector status and live feed, as pushed by the main process over the bridge.
import type { StateCreator } from 'zustand';
import type { CollectorStatus, LiveFeedItem } from '../../src-main/shared/collector';
import { bridge } from '../platform';

export interface CollectorSlice {
  collectorStatus: CollectorStatus | null;
  collectorError: string | null;
  feed: LiveFeedItem[];
  /** Loads the status and feed once, then follows pushed updates. Returns an unsubscribe. */
  followCollector: () => () => void;
}

const FEED_LIMIT = 200;

export const createCollectorSlice: StateCreator<CollectorSlice, [], [], CollectorSlice> = (set) => ({
  collectorStatus: null,
  collectorError: null,
  feed: [],
  followCollector: () => {
    bridge.invoke('collector.status', undefined).then(
      (status) => set({ collectorStatus: status, collectorError: null }),
      (error: Error) => set({ collectorError: error.message }),
    );
    bridge.invoke('collector.feed', { limit: FEED_LIMIT }).then(
      (fetched) => set((state) => ({ feed: mergeFeed(state.feed, fetched) })),
      () => undefined,
    );
    const offStatus = bridge.on('collector.status', (status) =>
      set({ collectorStatus: status, collectorError: null }),
    );
    const offFeed = bridge.on('collector.feed', (items) =>
      set((state) => ({ feed: mergeFeed(state.feed, items) })),
    );
    return () => {
      offStatus();
      offFeed();
    };
  },
});

export const selectCollectorAddress = (state: CollectorSlice): string =>
  state.collectorStatus?.state === 'listening' ? state.collectorStatus.address : '';

/** Newest first, each item once: pushed items may arrive before or after the initial fetch. */
function mergeFeed(current: LiveFeedItem[], incoming: LiveFeedItem[]): LiveFeedItem[] {
  const bySeq = new Map<number, LiveFeedItem>();
  for (const item of [...current, ...incoming]) bySeq.set(item.seq, item);
  return [...bySeq.values()].sort((a, b) => b.seq - a.seq).slice(0, FEED_LIMIT);
}
