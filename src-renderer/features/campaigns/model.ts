// Creating and copying campaign rows (see campaigns/create.ts), and the link base every short link
// starts with.
import { useEffect, useState } from 'react';
import type { LinkBase } from '../../../src-main/shared/links';
import { bridge } from '../../platform';

export { createCampaign, duplicateCampaign } from '../../campaigns/create';

/**
 * `<link base>` of short links (the links.baseUrl setting, or the collector's own address) and
 * whether a phone can open it, as the main process decides: it refuses sends while one cannot.
 */
export function useLinkBase(): LinkBase | null {
  const [base, setBase] = useState<LinkBase | null>(null);
  useEffect(() => {
    let live = true;
    bridge.invoke('links.base', undefined).then(
      (found) => {
        if (live) setBase(found);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  return base;
}
