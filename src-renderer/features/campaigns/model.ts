// Creating and copying campaign rows (see campaigns/create.ts), and the link base every short link
// starts with.
import { useEffect, useState } from 'react';
import { bridge } from '../../platform';

export { createCampaign, duplicateCampaign } from '../../campaigns/create';

/** `<link base>` of short links: the links.baseUrl setting, or the collector's own address. */
export function useLinkBase(): string | null {
  const [base, setBase] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    Promise.all([
      bridge.invoke('settings.get', undefined),
      bridge.invoke('collector.status', undefined),
    ]).then(
      ([settings, status]) => {
        if (live) setBase((settings.links.baseUrl ?? status.address).replace(/\/+$/, ''));
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  return base;
}
