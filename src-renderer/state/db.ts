// The stitched store the UI reads and the ingest loop writes: one instance per page. A rebuild
// swaps the active store's name and reloads the page, so this never changes under a component.
import { openActiveStitchDb, type StitchDb } from '../db';

let current: StitchDb | null = null;

export function appDb(): StitchDb {
  current ??= openActiveStitchDb();
  return current;
}
