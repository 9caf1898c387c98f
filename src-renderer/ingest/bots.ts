// Link-preview fetchers and crawlers never stitch: isbot, plus the messaging apps' preview agents.
import { isbot } from 'isbot';

const PREVIEW_AGENTS =
  /whatsapp|telegrambot|slackbot|facebookexternalhit|twitterbot|discordbot|skypeuripreview|imessage|linkedinbot/i;

const cache = new Map<string, boolean>();

export function isBotUserAgent(userAgent: string): boolean {
  const cached = cache.get(userAgent);
  if (cached !== undefined) return cached;
  const bot = isbot(userAgent) || PREVIEW_AGENTS.test(userAgent);
  if (cache.size > 5_000) cache.clear();
  cache.set(userAgent, bot);
  return bot;
}
