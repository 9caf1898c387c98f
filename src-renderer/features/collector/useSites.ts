// The sites and what the collector saw of each, reloaded shortly after the live feed moves: a new
// event or a refused origin shows on the site cards and the home checklist without a reload.
import { useCallback, useEffect, useState } from 'react';
import type { Site, SiteActivity } from '../../../src-main/shared/collector';
import { bridge } from '../../platform';
import { useAppStore } from '../../state/store';

/** Feed bursts are gathered into one reload this long after the last item. */
const RELOAD_DELAY_MS = 400;

export interface SitesState {
  sites: Site[] | null;
  activity: ReadonlyMap<string, SiteActivity>;
  error: string | null;
  setError: (error: string | null) => void;
  refresh: () => void;
}

export function useSites(): SitesState {
  const [sites, setSites] = useState<Site[] | null>(null);
  const [activity, setActivity] = useState<ReadonlyMap<string, SiteActivity>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const latestSeq = useAppStore((s) => s.feed[0]?.seq ?? 0);

  const refresh = useCallback(() => {
    Promise.all([bridge.invoke('sites.list', undefined), bridge.invoke('sites.activity', undefined)]).then(
      ([list, seen]) => {
        setSites(list);
        setActivity(new Map(seen.map((a) => [a.siteId, a])));
      },
      (e: Error) => setError(e.message),
    );
  }, []);

  useEffect(() => {
    // The first load runs at once; later feed movements wait for their burst to end.
    const timer = setTimeout(refresh, latestSeq === 0 ? 0 : RELOAD_DELAY_MS);
    return () => clearTimeout(timer);
  }, [refresh, latestSeq]);

  return { sites, activity, error, setError, refresh };
}
