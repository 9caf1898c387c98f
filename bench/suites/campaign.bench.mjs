// Preparing an SMS campaign for 10,000 consenting contacts through the UI: every message rendered
// and every tracked link minted by the app, timed from "Prepare" to the count of prepared messages.
// And planning send times for 10,000 recipients in 7 countries with quiet hours (the outbox's
// planner, through the bridge), beside a plain Intl.DateTimeFormat format per recipient.
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

/** Numbers of seven countries (nine distinct zones with the United States' and Australia's). */
const NUMBER_PREFIXES = [
  '+1201555',
  '+447700900',
  '+4915123',
  '+8190123',
  '+6141234',
  '+9198765',
  '+5511987',
];

function planRecipients(n) {
  return Array.from({ length: n }, (_, i) => {
    const prefix = NUMBER_PREFIXES[i % NUMBER_PREFIXES.length];
    const recipient = { messageId: `plan:${i}`, to: `${prefix}${String(i % 10_000).padStart(4, '0')}` };
    // One in ten has its own zone on the contact.
    if (i % 10 === 0) recipient.timeZone = 'America/Los_Angeles';
    return recipient;
  });
}

/** `outbox.plan` for 10,000 recipients (median of 5 calls) and the same-run floor: one format each. */
async function planBench(app) {
  const messages = planRecipients(RECIPIENTS);
  const quietHours = { start: '21:00', end: '08:00' };
  const runs = [];
  let zones = new Set();
  let held = 0;
  for (let i = 0; i < 5; i++) {
    const sendAt = Date.now() + i * 3_600_000;
    const t0 = performance.now();
    const planned = await app.call('outbox.plan', { sendAt, quietHours, messages });
    runs.push(performance.now() - t0);
    if (planned.length !== RECIPIENTS) throw new Error(`planned ${planned.length}`);
    zones = new Set(planned.flatMap((p) => p.zones));
    held = planned.filter((p) => p.sendAt > sendAt).length;
  }
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: 'Asia/Tokyo',
    hourCycle: 'h23',
    hour: 'numeric',
    minute: 'numeric',
  });
  const floors = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const base = Date.now();
    for (let r = 0; r < RECIPIENTS; r++) format.formatToParts(base + r * 60_000);
    floors.push(performance.now() - t0);
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return {
    metrics: {
      'schedule.plan_10k_ms': round(median(runs), 1),
      'schedule.format_10k_floor_ms': round(median(floors), 1),
    },
    details: {
      method:
        'outbox.plan over the HTTP bridge of the headless app (request, validation, planning, answer), ' +
        '10,000 recipients in 7 countries by phone number plus 1 in 10 with its own zone, quiet hours ' +
        '21:00–08:00; median of 5 calls at send times an hour apart (the first call is cold). Floor: ' +
        'one Intl.DateTimeFormat formatToParts per recipient in the bench process.',
      runsMs: runs.map((v) => round(v, 1)),
      distinctZones: zones.size,
      heldByQuietHours: held,
    },
  };
}

export async function run() {
  const dir = mkdtempSync(join(tmpdir(), 'stitchdesk-bench-campaign-'));
  const app = await startApp();
  const browser = await launchChromium();
  try {
    const schedule = await planBench(app);
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
        ...schedule.metrics,
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
        schedule: schedule.details,
      },
    };
  } finally {
    await browser.close();
    await app.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
