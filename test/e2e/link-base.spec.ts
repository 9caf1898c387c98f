// Links phones can open: with the default link base (the collector on 127.0.0.1) the composer warns
// that no phone can open its tracked links, links to the setting, and its Check asks the main process
// whether the base reaches this collector; a second local server forwarding to the collector stands in
// for a public base (confirmed), one that is not the collector is named as such, and a public base
// clears the warning.
import { expect, test } from '@playwright/test';
import { appUrl } from '../support/app';
import { bridgeCall } from '../support/bridge';
import { goToSection, openApp, runSuffix } from '../support/contacts-ui';
import { type ForwardingProxy, startForwardingProxy } from '../support/forwarding-proxy';

let proxy: ForwardingProxy;
let stranger: ForwardingProxy;

test.beforeAll(async () => {
  proxy = await startForwardingProxy(new URL(appUrl()).origin);
  stranger = await startForwardingProxy(null);
});
test.afterAll(async () => {
  await proxy.close();
  await stranger.close();
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
