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
