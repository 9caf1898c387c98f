// The journal's health as a marketer sees it: damage found on disk does not stop the app (the status
// bar says events were lost, Settings → Maintenance says how many, when, and where the damaged data
// went), and a disk that refuses writes shows as a fault that clears by itself once writing works.
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { SiteStore } from '../../src-main/collector/sites';
import { BROWSER_USER_AGENT } from '../support/browser';
import { goToSection } from '../support/contacts-ui';
import { DAMAGED_SEGMENT, seedDamagedJournal } from '../support/damaged-journal';
import { freshDataDir, type HeadlessApp, startHeadless } from '../support/headless';

let app: HeadlessApp | undefined;
test.afterEach(async ({ page }) => {
  // The app page holds the bridge's event stream open; leave it so the app can shut down.
  await page.goto('about:blank');
  await app?.stop();
  app = undefined;
});

test('a damaged journal segment is reported in the status bar and in Settings → Maintenance', async ({
  page,
}) => {
  // Its own app on its own data folder: the damage must be there before the app starts.
  const dataDir = freshDataDir();
  await seedDamagedJournal(dataDir);
  app = await startHeadless(['--port', '0', '--data-dir', dataDir]);

  await page.goto(app.ready.app);
  await expect(page).toHaveURL(/#\/contacts$/);
  const status = page.getByRole('status', { name: 'Collector status' });
  await expect(status).toContainText('Collector listening');
  await expect(status).toContainText('Journal damage found: 1 event lost. See Settings → Maintenance.');

  await goToSection(page, 'Settings');
  const health = page.getByRole('region', { name: 'Journal health' });
  await expect(health.getByText('1 event lost to damage in the journal')).toBeVisible();
  await expect(health).toContainText('when the app started');
  await expect(health).toContainText(`moved to ${dataDir}/journal/quarantine/00000000000000000000-`);
  await expect(health).toContainText(`journal file ${DAMAGED_SEGMENT}`);
  await expect(health).toContainText('events #1–#1');

  // The parts this feature adds: the status bar and the Journal health section.
  const scan = await new AxeBuilder({ page })
    .include('[role="status"]')
    .include('section[aria-labelledby="journal-health-title"]')
    .analyze();
  const serious = scan.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious');
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
});

test('a disk that refuses a write shows as a fault in the status bar, and the fault clears on the next write', async ({
  page,
  request,
}) => {
  const dataDir = freshDataDir();
  const origin = 'http://shop.test';
  const site = new SiteStore(dataDir).create({ name: 'Shop', origins: [origin] });
  // The journal's first segment will be written to /dev/full: the kernel answers ENOSPC, for real.
  mkdirSync(join(dataDir, 'journal'), { recursive: true, mode: 0o700 });
  app = await startHeadless(['--port', '0', '--data-dir', dataDir]);
  symlinkSync('/dev/full', join(dataDir, 'journal', '00000000000000000000.seg'));

  await page.goto(app.ready.app);
  const status = page.getByRole('status', { name: 'Collector status' });
  await expect(status).toContainText('Collector listening');

  const send = () =>
    request.post(`${app?.ready.url}/collect`, {
      headers: { 'content-type': 'text/plain', origin, 'user-agent': BROWSER_USER_AGENT },
      data: JSON.stringify({
        siteId: site.id,
        batch: [
          { messageId: 'full-1', type: 'page', anonymousId: 'v-full', context: { page: { path: '/' } } },
        ],
      }),
    });
  const refused = await send();
  expect(refused.status()).toBe(503);
  expect(refused.headers()['retry-after']).toBe('5');
  expect(await refused.json()).toMatchObject({
    error: 'journal_unavailable',
    detail: expect.stringContaining('the disk is full (ENOSPC)'),
  });
  await expect(status).toContainText('Events are not being saved: the disk is full (ENOSPC)');
  await goToSection(page, 'Settings');
  const health = page.getByRole('region', { name: 'Journal health' });
  await expect(health.getByText('Events are not being saved')).toBeVisible();
  await expect(health).toContainText('Saving resumes by itself');
  const scan = await new AxeBuilder({ page })
    .include('[role="status"]')
    .include('section[aria-labelledby="journal-health-title"]')
    .analyze();
  expect(scan.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious')).toEqual([]);

  // The failed segment was removed; the sender's retry is stored and the fault goes.
  const retried = await send();
  expect(retried.status()).toBe(200);
  await expect(status).not.toContainText('Events are not being saved');
  await expect(health).toContainText('Events are being saved, and no damage has been found');
});
