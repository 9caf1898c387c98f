// Links phones can open: with the default link base (the collector on 127.0.0.1) the composer warns
// that no phone can open its tracked links, links to the setting, and its Check asks the main process
// whether the base reaches this collector; a second local server forwarding to the collector stands in
// for a public base (confirmed), one that is not the collector is named as such, and a public base
// clears the warning. While the base is loopback, sending is off (the send file still exports), and
// the main process refuses messages prepared with such links even after the base turns public.
import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import { appUrl } from '../support/app';
import { bridgeCall } from '../support/bridge';
import { addContact, choose, goToSection, openApp, runSuffix } from '../support/contacts-ui';
import { type FakeTwilio, startFakeTwilio } from '../support/fake-twilio';
import { type ForwardingProxy, startForwardingProxy } from '../support/forwarding-proxy';

/** Axe over the whole page: nothing critical or serious. */
async function expectAccessible(page: Page) {
  const scan = await new AxeBuilder({ page }).analyze();
  const serious = scan.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious');
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

let proxy: ForwardingProxy;
let stranger: ForwardingProxy;
let twilio: FakeTwilio;

test.beforeAll(async () => {
  proxy = await startForwardingProxy(new URL(appUrl()).origin);
  stranger = await startForwardingProxy(null);
  twilio = await startFakeTwilio();
});
test.afterAll(async () => {
  await proxy.close();
  await stranger.close();
  await twilio.close();
});
// Every spec shares this app: the link base goes back to the collector's own address.
test.afterEach(async ({ request }) => {
  await bridgeCall(request, 'settings.update', { links: { baseUrl: null } });
});

test('the composer warns about a loopback link base; Check tells which base reaches the collector', async ({
  page,
}) => {
  const collector = new URL(appUrl()).origin;
  await openApp(page);
  await goToSection(page, 'Campaigns');
  await page.getByRole('button', { name: 'New campaign' }).click();
  const modal = page.getByRole('dialog', { name: 'New campaign' });
  const name = `Links ${runSuffix()}`;
  await modal.getByLabel('Campaign name').fill(name);
  await modal.getByText('SMS', { exact: true }).click();
  await modal.getByRole('button', { name: 'Create campaign' }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();

  // No link in the text yet: nothing to warn about.
  const warning = page.getByRole('alert', { name: 'Phones cannot open these links' });
  await expect(warning).toHaveCount(0);
  await page.getByLabel('Message text').fill('Spring sale: https://shop.example.com/spring');
  await expect(warning).toBeVisible();
  await expect(warning).toContainText(
    `Tracked links start with ${collector}/r/…, an address of this computer`,
  );
  await expect(warning).toContainText("a recipient's phone cannot open it");

  await warning.getByRole('button', { name: 'Check' }).click();
  await expect(warning.getByRole('status', { name: 'Link base check' })).toHaveText(
    `${collector}/r/ reaches this collector, but only from this computer: phones cannot open it.`,
  );

  // The warning's link leads to the setting.
  await warning.getByRole('link', { name: 'Settings → Collector and links' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  const base = page.getByLabel('Tracked link base URL');
  const status = page.getByRole('status', { name: 'Link base check' });

  // A server that forwards to the collector, as a tunnel or reverse proxy would.
  await base.fill(proxy.origin);
  await page.getByRole('button', { name: 'Check', exact: true }).click();
  await expect(status).toContainText(`${proxy.origin}/r/ reaches this collector`);
  expect(proxy.forwarded.some((path) => path.startsWith('/r/_check/'))).toBe(true);

  // A server that is something else answers, but not as this collector.
  await base.fill(stranger.origin);
  await page.getByRole('button', { name: 'Check', exact: true }).click();
  await expect(status).toHaveText(
    `${stranger.origin}/r/ answered HTTP 404, but not as this collector: check that it forwards /r/ to this app's collector.`,
  );

  // A public base: the composer no longer warns.
  await base.fill('https://go.example.com');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();
  await goToSection(page, 'Campaigns');
  await page.getByRole('link', { name }).click();
  await expect(page.getByLabel('Message text')).toHaveValue('Spring sale: https://shop.example.com/spring');
  await expect(warning).toHaveCount(0);
});

test('sending is off while tracked links start with a loopback base; the send file still exports', async ({
  page,
  request,
}) => {
  const collector = new URL(appUrl()).origin;
  const run = runSuffix();
  const tag = `loop-${run}`;
  // Twilio is set up, so the only thing keeping the button off is the link base.
  await bridgeCall(request, 'messaging.configure', {
    accountSid: `AC${'1f'.repeat(16)}`,
    authToken: 'link-base-token-0123456789',
    smsFrom: '+12015550100',
    baseUrl: twilio.baseUrl,
  });
  await openApp(page);
  await addContact(page, {
    firstName: 'Lu',
    lastName: `Loop${run}`,
    phone: '+12015550142',
    tags: tag,
    consent: ['SMS consent'],
  });
  await goToSection(page, 'Campaigns');
  await page.getByRole('button', { name: 'New campaign' }).click();
  const modal = page.getByRole('dialog', { name: 'New campaign' });
  const name = `Loopback ${run}`;
  await modal.getByLabel('Campaign name').fill(name);
  await modal.getByText('SMS', { exact: true }).click();
  await modal.getByRole('button', { name: 'Create campaign' }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await page.getByRole('radiogroup', { name: 'Audience' }).getByText('Tag', { exact: true }).click();
  await choose(page, 'Tag', tag);
  await expect(page.getByTestId('recipient-count')).toContainText('1 recipient');
  await page.getByLabel('Message text').fill('Spring sale: https://shop.example.com/spring');
  await page.getByRole('tab', { name: 'Prepare & send' }).click();
  await page.getByRole('button', { name: 'Prepare', exact: true }).click();
  await expect(page.getByTestId('prepared-count')).toContainText('1 prepared');

  // "Schedule" when the send time picker is ahead of now by a minute.
  const send = page.getByRole('button', { name: /^(Send|Schedule) 1 with Twilio$/ });
  await expect(send).toBeDisabled();
  await expect(page.getByTestId('send-blocked')).toHaveText(
    `Sending is off: the links would start with ${collector}, which no recipient's phone can open. Set a public link base in Settings → Collector and links and prepare again; the send file can still be exported for a test.`,
  );
  await expect(
    page.getByTestId('send-blocked').getByRole('link', { name: 'Settings → Collector and links' }),
  ).toHaveAttribute('href', /#\/settings#links$/);
  await expectAccessible(page);

  // The send file, for a test on this computer: the row and its loopback link.
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export send file' }).click();
  const file = readFileSync(await (await download).path(), 'utf8');
  expect(file).toContain('+12015550142');
  expect(file).toContain(`${collector}/r/`);

  // A public base turns the button on, but these messages were prepared with loopback links: the
  // main process refuses them, and the campaign stays prepared.
  await bridgeCall(request, 'settings.update', { links: { baseUrl: 'https://go.example.com' } });
  await page.reload();
  await page.getByRole('tab', { name: 'Prepare & send' }).click();
  await expect(page.getByTestId('send-blocked')).toHaveCount(0);
  await send.click();
  await expect(page.getByRole('alert').filter({ hasText: 'Not sent' })).toContainText(
    `Not sent: the messages link to ${collector}, an address of this computer, which no recipient's phone can open.`,
  );
  await expect(page.getByTestId('prepared-count')).toContainText('1 prepared');
  expect(twilio.posts).toEqual([]);
});
