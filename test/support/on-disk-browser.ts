// A page whose IndexedDB lives on disk, as the installed app's does. Playwright's usual page is off
// the record, with IndexedDB held in memory, where writes slow down as a store grows (100,000
// contacts: over four minutes on a 2-core box, against well under a minute on disk): a test that
// needs a large store opens this instead, so it measures the store users have.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from '@playwright/test';
import { BROWSER_USER_AGENT, CHROMIUM_ARGS, chromiumPath } from './browser';

export interface OnDiskPage {
  page: Page;
  context: BrowserContext;
  /** Closes the browser and removes its profile. */
  close(): Promise<void>;
}

export async function openOnDiskPage(): Promise<OnDiskPage> {
  const dir = await mkdtemp(join(tmpdir(), 'stitchdesk-e2e-profile-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: chromiumPath(),
    args: CHROMIUM_ARGS,
    userAgent: BROWSER_USER_AGENT,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    page,
    context,
    close: async () => {
      await context.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
