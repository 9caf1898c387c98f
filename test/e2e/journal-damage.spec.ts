// A journal damaged on disk does not stop the app: it opens, the status bar says events were lost,
// and Settings → Maintenance says how many, when, and where the damaged data was moved.
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
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
