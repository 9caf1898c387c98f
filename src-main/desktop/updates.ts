// Auto-update through electron-updater's generic provider: the feed URL is a setting, and without
// one (or in an unpackaged run) the app never checks.
export interface GenericFeed {
  provider: 'generic';
  url: string;
}

export function updateFeed(feedUrl: string | null, packaged: boolean): GenericFeed | null {
  if (!packaged || feedUrl === null) return null;
  return { provider: 'generic', url: feedUrl };
}

/** How often a running app looks for a new version, after the check at start. */
export const UPDATE_CHECK_INTERVAL_MS = 6 * 60 * 60 * 1000;
