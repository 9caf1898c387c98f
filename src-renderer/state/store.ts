// The UI state store, made of slices. Persisted data lives in Dexie and is read through live
// queries; this store holds only what the main process pushes and transient UI state.
import { create } from 'zustand';
import { type CollectorSlice, createCollectorSlice } from './collector-slice';

export type AppState = CollectorSlice;

export const useAppStore = create<AppState>()((...a) => ({
  ...createCollectorSlice(...a),
}));
