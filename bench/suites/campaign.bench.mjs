// Preparing an SMS campaign for 10,000 consenting contacts through the UI: every message rendered
// and every tracked link minted by the app, timed from "Prepare" to the count of prepared messages.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../lib/browser.mjs';
import { writeContactsCsv } from '../lib/contacts-file.mjs';
import { startApp } from '../lib/headless.mjs';
import { goTo, importThroughUi, openApp, round, timeInPage } from '../lib/ui.mjs';

const RECIPIENTS = 10_000;
const CAMPAIGN = 'Bench Spring Sale';
const DESTINATION = 'https://shop.example.com/spring';

export async function run() {
  const dir = mkdtempSync(join(tmpdir(), 'stitchdesk-bench-campaign-'));
  const app = await startApp();
  const browser = await launchChromium();
  try {
    const file = join(dir, `sms-contacts-${RECIPIENTS}.csv`);
    writeContactsCsv(file, RECIPIENTS, { smsConsent: true });
    const { page } = await openApp(browser, app.ready.app);
    const imported = await importThroughUi(page, file, RECIPIENTS, {
      Phone: 'Phone',
      'SMS consent': 'SMS consent',
    });
    if (imported.imported !== RECIPIENTS) throw new Error(`import: ${JSON.stringify(imported)}`);

    // Campaigns → New campaign (SMS), then the message with one link, tracked by default.
    await goTo(page, '#/campaigns');
    await page.getByRole('heading', { level: 1, name: 'Campaigns' }).waitFor();
    await page.getByRole('button', { name: 'New campaign' }).click();
    const modal = page.getByRole('dialog', { name: 'New campaign' });
    await modal.getByLabel('Campaign name').fill(CAMPAIGN);
    await modal.getByText('SMS', { exact: true }).click();
    await modal.getByRole('button', { name: 'Create campaign' }).click();
    await page.getByRole('heading', { level: 1, name: CAMPAIGN }).waitFor();
    const recipientCount = page.getByTestId('recipient-count');
    await recipientCount
      .filter({ hasText: `${RECIPIENTS.toLocaleString('en-US')} recipients` })
      .waitFor({ timeout: 60_000 });
    const text = `Hi {{first_name|there}}, the spring sale is on: ${DESTINATION}`;
    await page.getByLabel('Message text').fill(text);
    const track = page.getByLabel(`Track ${DESTINATION}`);
    await track.waitFor();
    if (!(await track.isChecked())) throw new Error('the link is not tracked');

    await page.getByRole('tab', { name: 'Prepare & send' }).click();
    await page.getByRole('button', { name: 'Prepare', exact: true }).waitFor();
    const prepared = await timeInPage(page, {
      action: { kind: 'click', text: 'Prepare' },
      until: {
        kind: 'text',
        selector: '[data-testid="prepared-count"]',
        text: `${RECIPIENTS.toLocaleString('en-US')} prepared · 0 sent`,
      },
      phases: {
        selector: 'main',
        prefixes: ['Choosing recipients', 'Minting links', 'Saving messages'],
      },
      timeoutMs: 120_000,
    });
    const notice = await page.getByText(/^Prepared [\d,]+ messages/).textContent({ timeout: 10_000 });
    const firstMessage = await page
      .getByRole('table', { name: 'Prepared messages' })
      .getByRole('row')
      .nth(1)
      .textContent();

    return {
      metrics: {
        'campaign.prepare_10k_s': round(prepared.paintedMs / 1000, 2),
      },
      details: {
        method:
          'In-page: performance.now() at the click on "Prepare", then a MutationObserver until the prepared ' +
          'count reads "10,000 prepared · 0 sent", then requestAnimationFrame plus one task (painted). ' +
          'Contacts were imported through the Import page (SMS consent column = yes, US numbers).',
        recipients: RECIPIENTS,
        message: text,
        import: imported,
        prepare: prepared,
        notice,
        firstMessage: firstMessage?.trim(),
      },
    };
  } finally {
    await browser.close();
    await app.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
