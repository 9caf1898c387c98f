// End-to-end tests drive the real UI in headless mode, in Debian's Chromium (never a downloaded
// browser). STITCHDESK_CHROMIUM overrides the browser path on other machines.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';
import { BROWSER_USER_AGENT, CHROMIUM_ARGS, chromiumPath } from './test/support/browser';

const dataDir = mkdtempSync(join(tmpdir(), 'stitchdesk-e2e-'));

export default defineConfig({
  testDir: './test/e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  // One retry in CI: a shared 2-core runner sometimes starves a step past its timeout; a test that
  // fails twice still fails the run, and a retried one is listed as flaky in the output.
  retries: process.env.CI ? 1 : 0,
  reporter: process.env.CI ? [['list']] : [['list'], ['html', { open: 'never' }]],
  use: {
    browserName: 'chromium',
    // A normal browser UA: HeadlessChrome is rightly filtered as a bot by the collector.
    userAgent: BROWSER_USER_AGENT,
    launchOptions: { executablePath: chromiumPath(), args: CHROMIUM_ARGS },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  webServer: {
    command: `node out/main/headless.js --port 0 --data-dir ${dataDir}`,
    // The ready line carries the app URL (with its bridge token); Playwright exports it to the tests.
    wait: { stdout: /"app":"(?<stitchdesk_app_url>[^"]+)"/ },
    timeout: 30_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
