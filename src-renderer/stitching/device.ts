// "Chrome on Android" from a user agent, parsed once per distinct UA string (events repeat them).
import UAParser from 'ua-parser-js';
import type { DeviceType } from '../db/types';

export interface DeviceInfo {
  browser?: string;
  os?: string;
  device: DeviceType;
  /** e.g. "Chrome on Android"; "Unknown browser" when nothing is known. */
  label: string;
  /** With versions, to tell two browsers of one phone model apart: "Chrome 131 on Android 14". */
  versioned: string;
}

const cache = new Map<string, DeviceInfo>();
const CACHE_LIMIT = 5_000;

export function describeDevice(userAgent: string | undefined): DeviceInfo {
  if (!userAgent) return { device: 'unknown', label: 'Unknown browser', versioned: 'Unknown browser' };
  const cached = cache.get(userAgent);
  if (cached) return cached;
  const result = UAParser(userAgent);
  const browser = result.browser.name;
  const os = result.os.name;
  const type = result.device.type;
  const device: DeviceType =
    type === 'mobile' || type === 'tablet' ? type : browser || os ? 'desktop' : 'unknown';
  const label = browser && os ? `${browser} on ${os}` : (browser ?? os ?? 'Unknown browser');
  const withVersion = (name: string | undefined, version: string | undefined) =>
    name && version ? `${name} ${version}` : name;
  const [b, o] = [withVersion(browser, result.browser.major), withVersion(os, result.os.version)];
  const versioned = b && o ? `${b} on ${o}` : (b ?? o ?? 'Unknown browser');
  const info: DeviceInfo = { device, label, versioned };
  if (browser) info.browser = browser;
  if (os) info.os = os;
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(userAgent, info);
  return info;
}

/**
 * Apps that open a link tapped inside them in a browser of their own. ua-parser names Facebook's
 * (Messenger's too) and Instagram's; the chat apps it does not name are told by the token they add
 * to the system web view's agent. (WhatsApp's preview fetcher sends `WhatsApp/2…` alone and is no
 * browser: it starts the agent, where the in-app browser's ends a `Mozilla/5.0 …` one.)
 */
const IN_APP_TOKENS: readonly (readonly [string, RegExp])[] = [
  ['WhatsApp', /^Mozilla\/.* WhatsApp\/\d/],
  ['Telegram', /\bTelegram-(?:Android|iOS)\/\d/],
  ['LINE', /\bLine\/\d/],
  ['Snapchat', /\bSnapchat\/\d/],
];

/** The app whose own browser this is (`Instagram`, `WhatsApp`…), or undefined for a browser of its own. */
export function inAppBrowserOf(userAgent: string | undefined): string | undefined {
  if (!userAgent) return undefined;
  const named = describeDevice(userAgent).browser;
  if (named === 'Instagram' || named === 'Facebook') return named;
  return IN_APP_TOKENS.find(([, token]) => token.test(userAgent))?.[0];
}
