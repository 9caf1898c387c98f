// Link-preview fetchers and crawlers never stitch: isbot, plus the messaging apps' preview agents.
import { isbot } from 'isbot';
import previewList from '../../src-main/shared/link-previews.json';

// The same list the collector uses to tell previews from taps.
const PREVIEW_AGENTS = previewList.agents.map((source) => new RegExp(source, 'i'));

const cache = new Map<string, boolean>();

export function isBotUserAgent(userAgent: string): boolean {
  const cached = cache.get(userAgent);
  if (cached !== undefined) return cached;
  const bot = isbot(userAgent) || PREVIEW_AGENTS.some((pattern) => pattern.test(userAgent));
  if (cache.size > 5_000) cache.clear();
  cache.set(userAgent, bot);
  return bot;
}
