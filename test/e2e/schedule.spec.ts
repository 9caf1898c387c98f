// Scheduled sends through the UI (issue 13, points 3 and 4): a campaign scheduled with quiet hours
// that cover "now" in one recipient's zone (London, from her +44 number) but not the other's
// (Tokyo): the first is held in the main-process outbox until her quiet hours end, the second goes
// at once; both through the local Twilio stand-in, then Delivered in the report and on the timeline.
import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import Papa from 'papaparse';
import { appUrl } from '../support/app';
import { bridgeCall } from '../support/bridge';
import { expectNameHeld } from '../support/contacts-ui';
import { type FakeTwilio, startFakeTwilio } from '../support/fake-twilio';

const unique = (label: string) =>
  `${label} ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const nav = (page: Page, section: string) =>
  page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: section }).click();
const stat = (page: Page, label: string) => page.getByLabel(label, { exact: true }).locator('p').last();

/** `HH:MM` in `zone` at `at`. */
function localHhMm(at: number, zone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(at);
}

/** Axe over the whole page: nothing critical or serious. */
async function expectAccessible(page: Page) {
  const scan = await new AxeBuilder({ page }).analyze();
  const serious = scan.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious');
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

async function addContact(page: Page, first: string, last: string, phone: string) {
  await nav(page, 'Contacts');
  await page.getByRole('button', { name: 'Add contact' }).first().click();
  const modal = page.getByRole('dialog', { name: 'Add contact' });
  await modal.getByLabel('First name').fill(first);
  await modal.getByLabel('Last name').fill(last);
  await modal.getByLabel('Phone', { exact: true }).fill(phone);
  await modal.getByLabel('SMS consent').check();
  await expectNameHeld(modal, first);
  await modal.getByRole('button', { name: 'Save contact' }).click();
  await expect(modal).toBeHidden();
}

let fake: FakeTwilio | undefined;
test.afterAll(async () => {
  await fake?.close();
});

test('a scheduled campaign: held in the recipient’s quiet hours, sent when they end, then Delivered', async ({
  page,
  request,
}) => {
  test.setTimeout(360_000); // it waits up to two and a half minutes for quiet hours to end
  fake = await startFakeTwilio();
  await bridgeCall(request, 'messaging.configure', {
    accountSid: `AC${'5e'.repeat(16)}`,
    authToken: 'schedule-token-0123456789',
    smsFrom: '+12015550100',
    baseUrl: fake.baseUrl,
    ratePerSecond: 5,
  });
  await page.goto(appUrl());
  const ana = unique('Smith');
  await addContact(page, 'Ana', ana, '+447400123457');
  await addContact(page, 'Ken', unique('Sato'), '+819012345678');

  const name = unique('Quiet Hours');
  await nav(page, 'Campaigns');
  await page.getByRole('button', { name: 'New campaign' }).click();
  const modal = page.getByRole('dialog', { name: 'New campaign' });
  await modal.getByLabel('Campaign name').fill(name);
  await modal.getByText('SMS', { exact: true }).click();
  await modal.getByRole('button', { name: 'Create campaign' }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await expect(page.getByTestId('recipient-count')).toContainText('2 recipients');
  await page.getByLabel('Message text').fill('Hi {{first_name}}, the spring sale starts today.');
  await page.getByRole('tab', { name: 'Prepare & send' }).click();
  await page.getByRole('button', { name: 'Prepare', exact: true }).click();
  await expect(page.getByTestId('prepared-count')).toContainText('2 prepared');

  // Quiet hours from an hour ago until two minutes from now, London time: Ana waits, Ken (Tokyo,
  // nine hours ahead) is outside them.
  const now = Date.now();
  const quietEnd = Math.ceil((now + 90_000) / 60_000) * 60_000;
  await page.getByLabel('Quiet hours').check();
  await page.getByLabel('Quiet from').fill(localHhMm(now - 3_600_000, 'Europe/London'));
  await page.getByLabel('Quiet until').fill(localHhMm(quietEnd, 'Europe/London'));

  // The send file carries each recipient's computed time: Ana's is the end of her quiet hours.
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export send file' }).click();
  const file = readFileSync(await (await download).path(), 'utf8');
  const rows = Papa.parse<{ phone: string; send_at: string }>(file, {
    header: true,
    skipEmptyLines: true,
  }).data;
  expect(rows.find((r) => r.phone === '+447400123457')?.send_at).toBe(new Date(quietEnd).toISOString());
  const kenAt = Date.parse(rows.find((r) => r.phone === '+819012345678')?.send_at ?? '');
  expect(kenAt).toBeLessThanOrEqual(Date.now());

  await page.getByRole('button', { name: 'Schedule 2 with Twilio' }).click();
  await expect(page.getByText(/^Scheduled 2 messages: 1 go out now, 1 wait/)).toBeVisible();

  const outbox = page.getByRole('region', { name: 'Outbox' });
  await expect(page.getByTestId('outbox-counts')).toContainText('1 waiting · 1 sent', { timeout: 20_000 });
  expect(fake.posts.map((p) => p.to)).toEqual(['+819012345678']);
  await expect(page.getByRole('table', { name: 'Prepared messages' })).toContainText('scheduled for');
  await expect(page.getByTestId('prepared-count')).toContainText('1 sent · 1 scheduled');

  await expectAccessible(page);

  // Pause holds it even past the window; resume lets it go.
  await outbox.getByRole('button', { name: 'Pause sending' }).click();
  await expect(page.getByTestId('outbox-state')).toHaveText('Paused');
  await outbox.getByRole('button', { name: 'Resume sending' }).click();
  await expect(page.getByTestId('outbox-state')).toHaveText('Sending');

  // Held until her quiet hours end, then sent, once.
  await expect(page.getByTestId('outbox-counts')).toContainText('0 waiting · 2 sent', { timeout: 150_000 });
  const toAna = fake.posts.filter((p) => p.to === '+447400123457');
  expect(toAna).toHaveLength(1);
  expect(toAna[0]?.at ?? 0).toBeGreaterThanOrEqual(quietEnd);
  await expect(page.getByTestId('outbox-state')).toHaveText('Done');

  // The stand-in answers the status polls: sent, then delivered.
  await page.getByRole('tab', { name: 'Report' }).click();
  await expect(stat(page, 'Sent')).toHaveText('2', { timeout: 20_000 });
  await expect(stat(page, 'Delivered')).toHaveText('2', { timeout: 30_000 });
  const recipients = page.getByRole('table', { name: 'Recipients' });
  await expect(recipients.locator('tbody').getByText('Delivered', { exact: true })).toHaveCount(2);

  await expectAccessible(page);

  await recipients.getByRole('link', { name: new RegExp(`^Ana ${ana}`) }).click();
  await expect(page.getByRole('heading', { level: 1, name: /^Ana / })).toBeVisible();
  const timeline = page.getByRole('region', { name: 'Timeline' });
  await expect(timeline).toContainText('SMS sent');
  await expect(timeline.getByText('Delivered')).toBeVisible();
});
