// The UI state store, made of slices. Persisted data lives in Dexie and is read through live
// queries; this store holds only what the main process pushes and transient UI state.
import { create } from 'zustand';
import { type CollectorSlice, createCollectorSlice } from './collector-slice';
import { createIngestSlice, type IngestSlice } from './ingest-slice';

export type AppState = CollectorSlice & IngestSlice;

export const useAppStore = create<AppState>()((...a) => ({
  ...createCollectorSlice(...a),
  ...createIngestSlice(...a),
}));
