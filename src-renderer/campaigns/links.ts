// Links in campaign text: which URLs a message contains, which of them are tracked, the UTM
// parameters added to their destinations, and the swap of each tracked URL for a recipient's short link.
import type { CampaignLink, CampaignUtm, Channel } from '../db/types';

/** Characters a URL may end with in prose but that belong to the sentence, not the link. */
const TRAILING_PUNCTUATION = /[.,;:!?)\]}'"»]+$/;
const URL_PATTERN = /https?:\/\/[^\s<>"]+/g;

export interface FoundUrl {
  url: string;
  start: number;
  end: number;
}

/** Every http(s) URL in `text`, in order, without trailing sentence punctuation. */
export function findUrls(text: string): FoundUrl[] {
  const found: FoundUrl[] = [];
  for (const match of text.matchAll(URL_PATTERN)) {
    const url = match[0].replace(TRAILING_PUNCTUATION, '');
    if (url.length > 'https://'.length)
      found.push({ url, start: match.index, end: match.index + url.length });
  }
  return found;
}

/**
 * The campaign's links after an edit of its text: one per distinct URL, keeping the id and tracked
 * choice of URLs seen before (a registered id must keep meaning the same link), new ones tracked.
 */
export function syncCampaignLinks(text: string, previous: readonly CampaignLink[] = []): CampaignLink[] {
  const urls = [...new Set(findUrls(text).map((f) => f.url))];
  const used = new Set(previous.map((l) => l.linkId));
  let next = 1;
  const freshId = (): string => {
    while (used.has(`l${next}`)) next += 1;
    const id = `l${next}`;
    used.add(id);
    return id;
  };
  return urls.map((url) => {
    const known = previous.find((l) => l.url === url);
    return known ? { ...known } : { linkId: freshId(), url, tracked: true };
  });
}

export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug || 'campaign';
}

export function defaultUtm(name: string, channel: Channel): CampaignUtm {
  return {
    enabled: true,
    source: channel,
    medium: channel === 'sms' ? 'sms' : channel === 'email' ? 'email' : 'messaging',
    campaign: slugify(name),
  };
}

/** The destination with UTM parameters added; parameters already in the URL win over the campaign's. */
export function withUtm(url: string, utm: CampaignUtm | undefined): string {
  if (!utm?.enabled) return url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  const params: [string, string][] = [
    ['utm_source', utm.source],
    ['utm_medium', utm.medium],
    ['utm_campaign', utm.campaign],
  ];
  for (const [key, value] of params) {
    if (value.trim() && !parsed.searchParams.has(key)) parsed.searchParams.set(key, value.trim());
  }
  return parsed.href;
}

/** Replaces each tracked URL in `text` with `shortUrlOf(linkId)`; untracked URLs stay as typed. */
export function replaceTrackedUrls(
  text: string,
  links: readonly CampaignLink[],
  shortUrlOf: (linkId: string) => string,
): string {
  const tracked = new Map(links.filter((l) => l.tracked).map((l) => [l.url, l.linkId]));
  if (tracked.size === 0) return text;
  let out = '';
  let last = 0;
  for (const found of findUrls(text)) {
    const linkId = tracked.get(found.url);
    if (!linkId) continue;
    out += text.slice(last, found.start) + shortUrlOf(linkId);
    last = found.end;
  }
  return out + text.slice(last);
}

/** Length of every minted code (see `src-main/links/codes.ts`). */
export const LINK_CODE_LENGTH = 16;

/** A stand-in short link as long as a real one, for previews before Prepare. */
export function placeholderShortUrl(linkBase: string, linkId: string): string {
  const filler = `${linkId}xxxxxxxxxxxxxxxx`.slice(0, LINK_CODE_LENGTH);
  return `${linkBase.replace(/\/+$/, '')}/r/${filler}`;
}
