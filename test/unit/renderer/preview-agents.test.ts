// One list of link-preview agents for the collector and the store: they agree on every agent, so a
// preview is neither given a click token by one nor stitched by the other.
import { describe, expect, it } from 'vitest';
import { isBotUserAgent } from '../../../src-renderer/ingest/bots';

// The collector's side is main-process code, outside this project's types: loaded at run time.
const PREVIEW_MODULE = '../../../src-main/links/preview';
const { isLinkPreview } = (await import(/* @vite-ignore */ PREVIEW_MODULE)) as {
  isLinkPreview: (userAgent: string | undefined, method: string) => boolean;
};

const AGENTS: [string, boolean][] = [
  ['WhatsApp/2.23.20.0', true],
  ['WhatsApp/2.24.6.77 A', true],
  // WhatsApp's in-app browser is a person reading the link, not the preview fetcher.
  [
    'Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/UQ1A; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/124.0.0.0 Mobile Safari/537.36 WhatsApp/2.24.6.77',
    false,
  ],
  [
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0',
    true,
  ],
  ['Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)', true],
  ['TelegramBot (like TwitterBot)', true],
  [
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
    false,
  ],
];

describe('link-preview agents', () => {
  for (const [agent, preview] of AGENTS) {
    it(`${preview ? 'a preview' : 'a person'}: ${agent.slice(0, 60)}`, () => {
      expect(isLinkPreview(agent, 'GET')).toBe(preview);
      expect(isBotUserAgent(agent)).toBe(preview);
    });
  }
});
