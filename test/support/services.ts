// Starts the real main-process services in this process on a free port, in a fresh data folder.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServices, type Services } from '../../src-main/services';
import type { SettingsPatch } from '../../src-main/shared/settings';
import type { Logger } from '../../src-main/util/log';
import { freshDataDir } from './headless';

export interface TestServices {
  services: Services;
  url: string;
  dataDir: string;
  logs: string[];
  close: () => Promise<void>;
}

export async function startTestServices(
  opts: { settings?: SettingsPatch; dataDir?: string } = {},
): Promise<TestServices> {
  const dataDir = opts.dataDir ?? freshDataDir();
  const logs: string[] = [];
  const log: Logger = {
    info: (m) => logs.push(`info: ${m}`),
    warn: (m) => logs.push(`warn: ${m}`),
    error: (m) => logs.push(`error: ${m}`),
  };
  const trackerFile = join(dataDir, 'test-tracker.js');
  writeFileSync(trackerFile, '/* test tracker */ window.__tracker = 1;\n');
  const services = await createServices({ dataDir, platform: 'headless', log, trackerFile });
  if (opts.settings) services.settings.update(opts.settings);
  await services.start({ port: 0 });
  return { services, url: services.collector.baseUrl, dataDir, logs, close: () => services.close() };
}

export const BROWSER_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

let counter = 0;
/** A page view as the tracking script would send it. */
export function pageView(
  visitorId: string,
  path = '/',
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  counter++;
  return {
    messageId: `m-${Date.now()}-${counter}-${Math.random().toString(36).slice(2)}`,
    type: 'page',
    anonymousId: visitorId,
    timestamp: new Date().toISOString(),
    context: { page: { url: `https://shop.example.com${path}`, path, title: 'Shop' }, sessionId: 's1' },
    ...extra,
  };
}
