// Ingest progress for the status bar ("catching up… 1,200 of 50,000"), fed by the IngestLoop.
import type { StateCreator } from 'zustand';
import type { StitchDb } from '../db';
import { IngestLoop, type IngestProgress } from '../ingest/loop';
import { bridge } from '../platform';

export interface IngestSlice {
  ingestProgress: IngestProgress | null;
  /** Starts the ingest loop for a store. Returns a stop function. */
  followIngest: (db: StitchDb) => () => void;
  /** Stops the running loop and resolves once it has (a store rebuild must not race it). */
  stopIngest: () => Promise<void>;
}

/** The loop `followIngest` started last, so `stopIngest` can reach it. */
let activeLoop: IngestLoop | null = null;

export const createIngestSlice: StateCreator<IngestSlice, [], [], IngestSlice> = (set) => ({
  ingestProgress: null,
  followIngest: (db) => {
    const loop = new IngestLoop({ db, bridge, onProgress: (progress) => set({ ingestProgress: progress }) });
    loop.start();
    activeLoop = loop;
    return () => {
      if (activeLoop === loop) activeLoop = null;
      void loop.stop();
    };
  },
  stopIngest: async () => {
    const loop = activeLoop;
    activeLoop = null;
    await loop?.stop();
  },
});

/** Records still to apply (0 when caught up or unknown). */
export const selectIngestBacklog = (state: IngestSlice): number =>
  state.ingestProgress
    ? Math.max(0, state.ingestProgress.lastOffset - state.ingestProgress.appliedOffset)
    : 0;
