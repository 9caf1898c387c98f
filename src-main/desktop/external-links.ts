// Which links the window may open in the user's browser. Only http(s) pages of the app's own data
// qualify: an origin of a tracked site (timeline and session page links) or of a campaign link's
// destination. Checked in main against main's own stores, so the renderer cannot widen the list.
export interface ExternalLinkSources {
  /** An origin (scheme://host[:port]) a site is registered with. */
  knowsSiteOrigin(origin: string): boolean;
  /** An origin one of the registered campaign links leads to. */
  knowsDestinationOrigin(origin: string): boolean;
}

export type ExternalLinkCheck = { ok: true; url: string } | { ok: false; reason: string };

export function checkExternalLink(raw: string, sources: ExternalLinkSources): ExternalLinkCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'not a URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, reason: `${url.protocol} links are not opened` };
  }
  if (url.username || url.password) return { ok: false, reason: 'the link carries credentials' };
  if (!sources.knowsSiteOrigin(url.origin) && !sources.knowsDestinationOrigin(url.origin)) {
    return { ok: false, reason: `${url.origin} is neither a tracked site nor a campaign link destination` };
  }
  return { ok: true, url: url.href };
}
