// Preparing campaigns for 10,000 consenting contacts through the UI — SMS, then email in the same run —
// every message rendered and every tracked (and unsubscribe) link minted by the app, timed from
// "Prepare" to the count of prepared messages; then 1,000 emails sent to a local SMTP server
// (smtp-server in this process) at the configured rate, timed from "Send" to "1,000 sent".
// And planning send times for 10,000 recipients in 7 countries with quiet hours (the outbox's
// planner, through the bridge), beside a plain Intl.DateTimeFormat format per recipient.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import smtpServer from 'smtp-server';
import { launchPersistentChromium } from '../lib/browser.mjs';
import { writeContactsCsv } from '../lib/contacts-file.mjs';
import { startApp } from '../lib/headless.mjs';
import { APP_WINDOW, goTo, importThroughUi, openApp, round, timeInPage } from '../lib/ui.mjs';

const RECIPIENTS = 10_000;
const SEND_COUNT = 1_000;
const SEND_TAG = 'send1k';
/** Emails per second set in the SMTP settings: the limit `email.send_per_s` is reported beside. */
const SEND_RATE = 100;
const DESTINATION = 'https://shop.example.com/spring';
const EMAIL_HTML = `<h1>Hi {{first_name|there}}</h1><p>The spring sale is on: <a href="${DESTINATION}">see the offers</a>.</p>`;
const EMAIL_TEXT = `Hi {{first_name|there}}, the spring sale is on: ${DESTINATION}`;

/** A local SMTP server accepting everything, counting what it received and when. */
async function startSmtp() {
  const received = [];
  const server = new smtpServer.SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    onData(stream, _session, callback) {
      let bytes = 0;
      stream.on('data', (chunk) => {
        bytes += chunk.length;
      });
      stream.on('end', () => {
        received.push({ at: performance.now(), bytes });
        callback(null);
      });
    },
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.server.address().port,
    received,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

async function newCampaign(page, name, channel) {
  await goTo(page, '#/campaigns');
  await page.getByRole('heading', { level: 1, name: 'Campaigns' }).waitFor();
  await page.getByRole('button', { name: 'New campaign' }).click();
  const modal = page.getByRole('dialog', { name: 'New campaign' });
  await modal.getByLabel('Campaign name').fill(name);
  await modal.getByText(channel, { exact: true }).click();
  await modal.getByRole('button', { name: 'Create campaign' }).click();
  await page.getByRole('heading', { level: 1, name }).waitFor();
}

async function waitForRecipients(page, count) {
  await page
    .getByTestId('recipient-count')
    .filter({ hasText: `${count.toLocaleString('en-US')} recipients` })
    .waitFor({ timeout: 60_000 });
}

async function fillEmail(page) {
  await page.getByLabel('Subject').fill('Spring sale for {{first_name|you}}');
  await page.getByLabel('Preheader').fill('Twenty percent off until Sunday');
  await page.getByLabel('HTML part').fill(EMAIL_HTML);
  await page.getByLabel('Plain-text part').fill(EMAIL_TEXT);
  const track = page.getByLabel(`Track ${DESTINATION}`);
  await track.waitFor();
  if (!(await track.isChecked())) throw new Error('the link is not tracked');
}

/** "Prepare" → "<n> prepared · 0 sent", painted. */
async function timePrepare(page, count, phases) {
  await page.getByRole('tab', { name: 'Prepare & send' }).click();
  await page.getByRole('button', { name: 'Prepare', exact: true }).waitFor();
  const prepared = await timeInPage(page, {
    action: { kind: 'click', text: 'Prepare' },
    until: {
      kind: 'text',
      selector: '[data-testid="prepared-count"]',
      text: `${count.toLocaleString('en-US')} prepared · 0 sent`,
    },
    phases: { selector: 'main', prefixes: phases },
    timeoutMs: 120_000,
  });
  const notice = await page.getByText(/^Prepared [\d,]+ messages/).textContent({ timeout: 10_000 });
  const firstMessage = await page
    .getByRole('table', { name: 'Prepared messages' })
    .getByRole('row')
    .nth(1)
    .textContent();
  return { prepared, notice, firstMessage: firstMessage?.trim() };
}

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
  // On disk, as the installed app's store is (an off-the-record store is held in memory, slower here).
  const browser = await launchPersistentChromium(APP_WINDOW);
  const smtp = await startSmtp();
  try {
    // Sending is refused while links start with an address no phone can open: a public base, as a
    // team's own domain or tunnel would give (the bench never opens the links).
    await app.call('settings.update', { links: { baseUrl: 'https://links.shop.example' } });
    const schedule = await planBench(app);
    const file = join(dir, `contacts-${RECIPIENTS}.csv`);
    writeContactsCsv(file, RECIPIENTS, {
      smsConsent: true,
      emailConsent: true,
      extraTag: { count: SEND_COUNT, tag: SEND_TAG },
    });
    const { page } = await openApp(browser, app.ready.app);
    const imported = await importThroughUi(page, file, RECIPIENTS, {
      Phone: 'Phone',
      Email: 'Email',
      'SMS consent': 'SMS consent',
      'Email consent': 'Email consent',
    });
    if (imported.imported !== RECIPIENTS) throw new Error(`import: ${JSON.stringify(imported)}`);

    // SMS: one tracked link.
    await newCampaign(page, 'Bench Spring Sale', 'SMS');
    await waitForRecipients(page, RECIPIENTS);
    const text = `Hi {{first_name|there}}, the spring sale is on: ${DESTINATION}`;
    await page.getByLabel('Message text').fill(text);
    const track = page.getByLabel(`Track ${DESTINATION}`);
    await track.waitFor();
    if (!(await track.isChecked())) throw new Error('the link is not tracked');
    const sms = await timePrepare(page, RECIPIENTS, [
      'Choosing recipients',
      'Minting links',
      'Saving messages',
    ]);

    // Email to the same 10,000: subject, preheader, HTML and text parts, one tracked link, and
    // every recipient's own unsubscribe link.
    await newCampaign(page, 'Bench Spring Letter', 'Email');
    await waitForRecipients(page, RECIPIENTS);
    await fillEmail(page);
    const email = await timePrepare(page, RECIPIENTS, [
      'Choosing recipients',
      'Minting links',
      'Minting unsubscribe links',
      'Saving messages',
    ]);

    // Sending: 1,000 emails (one tag) to the local SMTP server at SEND_RATE per second.
    await page.getByRole('button', { name: 'SMTP settings' }).click();
    await page.getByLabel('SMTP host').fill('127.0.0.1');
    await page.getByLabel('Port', { exact: true }).fill(String(smtp.port));
    await page.getByRole('combobox', { name: 'Security', exact: true }).click();
    await page.getByRole('option', { name: 'None (local relay)', exact: true }).click();
    await page.getByLabel('From address').fill('news@shop.example');
    await page.getByLabel('Emails per second').fill(String(SEND_RATE));
    await page.getByRole('button', { name: 'Save SMTP settings' }).click();
    await page
      .getByTestId('smtp-status')
      .filter({ hasText: `${SEND_RATE}/s` })
      .waitFor();

    await newCampaign(page, 'Bench Send 1k', 'Email');
    await page.getByRole('radiogroup', { name: 'Audience' }).getByText('Tag', { exact: true }).click();
    await page.getByRole('combobox', { name: 'Tag', exact: true }).click();
    await page.getByRole('option', { name: SEND_TAG, exact: true }).click();
    await waitForRecipients(page, SEND_COUNT);
    await fillEmail(page);
    await timePrepare(page, SEND_COUNT, ['Saving messages']);
    // The rate is measured, not the schedule: with quiet hours on (the default) US recipients wait
    // until 08:00 their time whenever the bench runs in their night.
    await page.getByLabel('Quiet hours').uncheck();
    const receivedBefore = smtp.received.length;
    const sendLabel = `Send ${SEND_COUNT.toLocaleString('en-US')} by email`;
    const clickedAt = performance.now();
    const sent = await timeInPage(page, {
      action: { kind: 'click', text: sendLabel },
      until: {
        kind: 'text',
        selector: '[data-testid="prepared-count"]',
        text: `0 prepared · ${SEND_COUNT.toLocaleString('en-US')} sent`,
      },
      timeoutMs: 300_000,
    }).catch(async (error) => {
      const outbox = await page
        .getByRole('region', { name: 'Outbox' })
        .textContent({ timeout: 1_000 })
        .catch(() => 'no Outbox card');
      throw new Error(
        `${error.message}; the SMTP server received ${smtp.received.length - receivedBefore}; Outbox: ${outbox}`,
      );
    });
    const got = smtp.received.slice(receivedBefore);
    if (got.length !== SEND_COUNT) throw new Error(`the SMTP server received ${got.length} emails`);
    const serverSpanMs = (got.at(-1)?.at ?? 0) - (got[0]?.at ?? 0);

    return {
      metrics: {
        'campaign.prepare_10k_s': round(sms.prepared.paintedMs / 1000, 2),
        'email.prepare_10k_s': round(email.prepared.paintedMs / 1000, 2),
        'email.send_per_s': round(SEND_COUNT / (sent.paintedMs / 1000), 1),
        'email.send_rate_configured_per_s': SEND_RATE,
        // The rate the SMTP server saw (the throttle's own figure), beside the end-to-end one above,
        // which also holds the fixed time before the first email and after the last (in details).
        'email.smtp_received_per_s': round((SEND_COUNT - 1) / (serverSpanMs / 1000), 1),
        ...schedule.metrics,
      },
      details: {
        method:
          'In-page: performance.now() at the click on "Prepare" (or "Send 1,000 by email"), then a ' +
          'MutationObserver until the prepared count reads "10,000 prepared · 0 sent" (or "0 prepared · ' +
          '1,000 sent"), then requestAnimationFrame plus one task (painted). Contacts were imported through ' +
          'the Import page (SMS and email consent columns = yes, US numbers, unique emails). Emails go to a ' +
          'local smtp-server in the bench process, no login, at the configured rate.',
        recipients: RECIPIENTS,
        import: imported,
        sms: { message: text, ...sms },
        email: { html: EMAIL_HTML, text: EMAIL_TEXT, ...email },
        send: {
          count: SEND_COUNT,
          configuredRatePerSecond: SEND_RATE,
          ...sent,
          serverReceived: got.length,
          serverFirstToLastMs: round(serverSpanMs, 0),
          serverRatePerSecond: round((SEND_COUNT - 1) / (serverSpanMs / 1000), 1),
          // The fixed part of the end-to-end time, apart from the paced sending between them.
          clickToFirstReceivedMs: round((got[0]?.at ?? 0) - clickedAt, 0),
          lastReceivedToPaintedMs: round(clickedAt + sent.paintedMs - (got.at(-1)?.at ?? 0), 0),
          averageBytes: Math.round(got.reduce((n, m) => n + m.bytes, 0) / got.length),
        },
        schedule: schedule.details,
      },
    };
  } finally {
    await browser.close();
    await app.stop();
    await smtp.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
