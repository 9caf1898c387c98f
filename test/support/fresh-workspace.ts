// A spec that needs an empty workspace (a first run: the home checklist, the demo) gets its own
// headless app with a fresh data folder: the shared one holds what earlier specs left in its journal.
import { test } from '@playwright/test';
import { type HeadlessApp, startHeadless } from './headless';

/** For the specs of this file, `appUrl()` (and so `openApp`, the bridge, tracked sites) is a fresh app's. */
export function withFreshWorkspace(): void {
  let app: HeadlessApp | undefined;
  let shared: string | undefined;
  test.beforeAll(async () => {
    app = await startHeadless(['--port', '0']);
    shared = process.env.STITCHDESK_APP_URL;
    process.env.STITCHDESK_APP_URL = app.ready.app;
  });
  test.afterAll(async () => {
    if (shared !== undefined) process.env.STITCHDESK_APP_URL = shared;
    await app?.stop();
  });
}
