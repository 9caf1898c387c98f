// Campaigns through the UI (S1, S2, S8, S9): contacts added in the app, a campaign linking to a test
// website on another origin, Prepare, the send file, links opened in separate browser contexts, then
// the campaign report and a recipient's profile timeline.
import AxeBuilder from '@axe-core/playwright';
import { type Browser, expect, type Page, test } from '@playwright/test';
import { appUrl } from '../support/app';
import { bridgeCall } from '../support/bridge';
import { BROWSER_USER_AGENT, wholePageScreenshot } from '../support/browser';
import { prepareAndExport } from '../support/stitching-ui';
import { startTestSite, type TestSite, type TestSiteOptions } from '../support/test-site';

const ANDROID_UA =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36';

interface ContactInput {
  first: string;
  last: string;
  phone: string;
  whatsapp?: string;
  sms?: boolean;
  whatsappConsent?: boolean;
}

const unique = (label: string) =>
  `${label} ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

async function openApp(page: Page) {
  await page.goto(appUrl());
  await expect(page).toHaveURL(/#\/contacts$/);
}

const nav = (page: Page, section: string) =>
  page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: section }).click();

/** Adds a website on the Collector page and serves the test site for it on its own origin. */
async function addTestSite(page: Page, sites: TestSite[]): Promise<TestSite> {
  // The site's id is known only once it is added, and adding it needs the site's origin: the
  // options object is read on every request, so the id is filled in after the server started.
  const options: TestSiteOptions = { collectorUrl: new URL(appUrl()).origin, siteId: 'pending' };
  const site = await startTestSite(options);
  sites.push(site);
  const name = unique('Shop');
  await nav(page, 'Collector');
  await page.getByLabel('Site name').fill(name);
  await page.getByLabel('Allowed origins').fill(site.origin);
  await page.getByRole('button', { name: 'Add website' }).click();
  const card = page.getByLabel(`Website ${name}`);
  await expect(card).toBeVisible();
  const idText = (await card.getByText(/^id /).textContent()) ?? '';
  options.siteId = idText.replace(/^id\s+/, '').trim();
  expect(options.siteId).not.toBe('');
  return site;
}

async function addContact(page: Page, contact: ContactInput) {
  await nav(page, 'Contacts');
  await page.getByRole('button', { name: 'Add contact' }).first().click();
  const modal = page.getByRole('dialog', { name: 'Add contact' });
  await modal.getByLabel('First name').fill(contact.first);
  await modal.getByLabel('Last name').fill(contact.last);
  await modal.getByLabel('Phone', { exact: true }).fill(contact.phone);
  if (contact.whatsapp) await modal.getByLabel('WhatsApp number').fill(contact.whatsapp);
  if (contact.sms) await modal.getByLabel('SMS consent').check();
  if (contact.whatsappConsent) await modal.getByLabel('WhatsApp consent').check();
  await modal.getByRole('button', { name: 'Save contact' }).click();
  await expect(modal).toBeHidden();
}

async function createCampaign(page: Page, name: string, channel: 'SMS' | 'WhatsApp') {
  await nav(page, 'Campaigns');
  await expect(page.getByRole('heading', { level: 1, name: 'Campaigns' })).toBeVisible();
  await page.getByRole('button', { name: 'New campaign' }).click();
  const modal = page.getByRole('dialog', { name: 'New campaign' });
  await modal.getByLabel('Campaign name').fill(name);
  await modal.getByText(channel, { exact: true }).click();
  await modal.getByRole('button', { name: 'Create campaign' }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
}

/** Opens a tracked link in a fresh browser context (another device) and waits for the landing page. */
async function openLink(browser: Browser, link: string, site: TestSite, userAgent = BROWSER_USER_AGENT) {
  const context = await browser.newContext({ userAgent });
  const page = await context.newPage();
  await page.goto(link);
  await expect(page).toHaveURL(new RegExp(`^${site.origin}/pricing`));
  // The tracker takes the click token out of the address bar once it has read it.
  await expect.poll(() => new URL(page.url()).searchParams.has('ps_ct')).toBe(false);
  expect(new URL(page.url()).searchParams.get('utm_campaign')).toBeTruthy();
  await expect(page.getByRole('heading', { name: 'Pricing' })).toBeVisible();
  return { context, page };
}

async function openReport(page: Page) {
  await page.getByRole('tab', { name: 'Report' }).click();
}

const stat = (page: Page, label: string) => page.getByLabel(label, { exact: true }).locator('p').last();

const sites: TestSite[] = [];
test.afterAll(async () => {
  for (const site of sites) await site.close();
});

test('S1: an SMS campaign through the UI: prepare, send file, clicks stitched, report and profile', async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  await openApp(page);
  const site = await addTestSite(page, sites);
  const people: ContactInput[] = [
    { first: 'Ana', last: unique('Silva'), phone: '+12015550123', sms: true },
    { first: 'Ben', last: unique('Okafor'), phone: '+12015550124', sms: true },
    { first: 'Chloé', last: unique('Martin'), phone: '+12015550125', sms: true },
  ];
  for (const person of people) await addContact(page, person);
  // Without SMS consent: counted as excluded, not sent.
  await addContact(page, { first: 'Dan', last: unique('NoConsent'), phone: '+12015550126' });

  const name = unique('Spring Sale');
  await createCampaign(page, name, 'SMS');
  await expect(page.getByTestId('recipient-count')).toContainText('3 recipients');
  await expect(page.getByLabel('Excluded contacts')).toContainText('No consent for this channel: 1');
  await page
    .getByLabel('Message text')
    .fill(`Hi {{first_name|there}}, our sale is on: ${site.origin}/pricing`);
  await expect(page.getByLabel(`Track ${site.origin}/pricing`)).toBeChecked();
  // The preview shows the exact text with a short link of real length.
  const preview = page.getByLabel('Message preview');
  await expect(preview).toContainText('Hi Ana, our sale is on: ');
  await expect(preview).toContainText(/\/r\/\S{16}\nReply STOP to opt out/);
  await expect(page.getByTestId('sms-counter')).toContainText('GSM-7');
  await expect(page.getByTestId('sms-counter')).toContainText('1 segment');

  const rows = await prepareAndExport(page, 3);
  const ana = rows.find((r) => r.text.startsWith('Hi Ana,'));
  expect(ana?.phone).toBe('+12015550123');
  expect(ana?.channel).toBe('sms');
  expect(ana?.text).toContain(ana?.link ?? 'missing');
  expect(rows.map((r) => r.message_id)).toEqual(expect.arrayContaining([expect.stringMatching(/:0$/)]));

  const opened = [];
  for (const row of rows) opened.push(await openLink(browser, row.link, site, ANDROID_UA));

  await openReport(page);
  await expect(stat(page, 'Link clicks')).toHaveText('3', { timeout: 20_000 });
  await expect(stat(page, 'Unique clickers')).toHaveText('3');
  await expect(stat(page, 'Stitched visitors')).toHaveText('3', { timeout: 20_000 });
  await expect(stat(page, 'Sent')).toHaveText('3');
  await expect(stat(page, 'Click rate')).toHaveText('100.0%');
  await expect(stat(page, 'Post-click page views')).not.toHaveText('0');
  await expect(page.getByTestId('conversions-explained')).toContainText(
    'Conversions: every form submitted on your sites by a browser a click linked to a recipient, from that click on',
  );

  // Ana taps her link a second time, from the same phone: clickers first, she heads the table.
  const anaTab = opened[rows.findIndex((r) => r.text.startsWith('Hi Ana,'))]?.page;
  await anaTab?.goto(ana?.link ?? '');
  await expect(stat(page, 'Link clicks')).toHaveText('4', { timeout: 20_000 });
  const recipients = page.getByRole('table', { name: 'Recipients' });
  const firstNames = async () =>
    (await recipients.locator('tbody tr td:first-child').allTextContents()).map((t) => t.split(' ')[0]);
  await expect.poll(firstNames).toEqual(['Ana', 'Ben', 'Chloé']);
  const clicksHeader = recipients.getByRole('columnheader', { name: 'Clicks', exact: true });
  await expect(clicksHeader).toHaveAttribute('aria-sort', 'descending');
  await recipients.getByRole('button', { name: 'Clicks', exact: true }).click();
  await expect(clicksHeader).toHaveAttribute('aria-sort', 'ascending');
  await expect.poll(firstNames).toEqual(['Ben', 'Chloé', 'Ana']);
  // By name, A to Z, then Z to A.
  await recipients.getByRole('button', { name: 'Recipient', exact: true }).click();
  await expect(clicksHeader).toHaveAttribute('aria-sort', 'none');
  await expect.poll(firstNames).toEqual(['Ana', 'Ben', 'Chloé']);
  await recipients.getByRole('button', { name: 'Recipient', exact: true }).click();
  await expect.poll(firstNames).toEqual(['Chloé', 'Ben', 'Ana']);
  await recipients.getByRole('button', { name: 'Clicks', exact: true }).click();
  await expect(clicksHeader).toHaveAttribute('aria-sort', 'descending');

  // A range before the campaign: no clicks, stitches or post-click views; sends stay.
  const dates = page.getByRole('radiogroup', { name: 'Date range' });
  await dates.getByText('Custom', { exact: true }).click();
  await page.getByLabel('From', { exact: true }).fill('2020-01-01');
  await page.getByLabel('To', { exact: true }).fill('2020-01-31');
  await expect(page.getByTestId('range-caption')).toContainText('from 2020-01-01 to 2020-01-31');
  await expect(stat(page, 'Link clicks')).toHaveText('0');
  await expect(stat(page, 'Stitched visitors')).toHaveText('0');
  await expect(stat(page, 'Post-click page views')).toHaveText('0');
  await expect(stat(page, 'Sent')).toHaveText('3');
  await expect(page.getByText('No clicks yet')).toBeVisible();
  // The last 7 days hold today's clicks again.
  await dates.getByText('Last 7 days', { exact: true }).click();
  await expect(stat(page, 'Link clicks')).toHaveText('4');
  await expect(stat(page, 'Stitched visitors')).toHaveText('3');
  await expect(stat(page, 'Unique clickers')).toHaveText('3');
  const scan = await new AxeBuilder({ page }).analyze();
  const serious = scan.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious');
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  const dismissNotices = page.getByRole('button', { name: 'Dismiss' });
  while ((await dismissNotices.count()) > 0) await dismissNotices.first().click();
  await page.setViewportSize({ width: 1280, height: 1400 });
  await page.screenshot({ path: 'test/e2e/__screenshots__/campaign-report.png' });
  await page.setViewportSize({ width: 1280, height: 720 });

  // Ana's profile: the SMS, her click with the campaign name, and the page view from her phone.
  await recipients.getByRole('link', { name: /^Ana / }).click();
  await expect(page.getByRole('heading', { level: 1, name: /^Ana / })).toBeVisible();
  const timeline = page.getByRole('region', { name: 'Timeline' });
  await expect(timeline.getByText(/Link click/).first()).toBeVisible({ timeout: 20_000 });
  await expect(timeline).toContainText(name);
  await expect(timeline).toContainText('Page view');
  // The landing page view names its page beside the campaign's UTM chips, not squeezed out by them.
  await expect(timeline.getByRole('link', { name: /^\/pricing/ }).first()).toBeVisible();
  await expect(timeline).toContainText('SMS sent');
  await expect(page.getByRole('region', { name: 'Identities' })).toContainText(
    `Linked by SMS campaign ${name}`,
  );
  // The setup's "Contact saved" notices would cover the timeline in the picture.
  const dismiss = page.getByRole('button', { name: 'Dismiss' });
  while ((await dismiss.count()) > 0) await dismiss.first().click();
  await page.screenshot({ path: 'test/e2e/__screenshots__/profile-sms-stitched.png' });
  for (const { context } of opened) await context.close();
});

test('S2 and S9: a WhatsApp campaign; a preview fetch and a HEAD request are previews, not clicks', async ({
  page,
  browser,
  request,
}) => {
  test.setTimeout(90_000);
  await openApp(page);
  const site = await addTestSite(page, sites);
  await addContact(page, {
    first: 'Ana',
    last: unique('Costa'),
    phone: '+12015550123',
    whatsapp: '+447400123456',
    whatsappConsent: true,
  });
  await addContact(page, { first: 'Eve', last: unique('Sms'), phone: '+12015550124', sms: true });
  const name = unique('WhatsApp Launch');
  await createCampaign(page, name, 'WhatsApp');
  await expect(page.getByText(/only reaches contacts who wrote to you/)).toBeVisible();
  await expect(page.getByTestId('recipient-count')).toContainText('1 recipient');
  await page.getByLabel('Message text').fill(`Hola {{first_name}}! ${site.origin}/pricing`);

  const [row] = await prepareAndExport(page, 1);
  expect(row?.phone).toBe('+447400123456');
  expect(row?.channel).toBe('whatsapp');
  const link = row?.link ?? '';

  const preview = await request.get(link, {
    headers: { 'user-agent': 'WhatsApp/2.23.20.0' },
    maxRedirects: 0,
  });
  expect(preview.status()).toBeLessThan(300);
  const head = await request.head(link, { headers: { 'user-agent': ANDROID_UA }, maxRedirects: 0 });
  expect(head.headers().location ?? '').not.toContain('ps_ct');

  const { context } = await openLink(browser, link, site, ANDROID_UA);
  await openReport(page);
  await expect(stat(page, 'Link clicks')).toHaveText('1', { timeout: 20_000 });
  await expect(stat(page, 'Previews filtered')).toHaveText('2');
  await expect(stat(page, 'Stitched visitors')).toHaveText('1', { timeout: 20_000 });
  await context.close();
});

test('S8: one link opened on five phones: none is taken for the recipient on that alone; all five wait as tentative, the link flagged as forwarded', async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  await openApp(page);
  const site = await addTestSite(page, sites);
  await addContact(page, { first: 'Ana', last: unique('Forward'), phone: '+12015550123', sms: true });
  const name = unique('Forwarded');
  await createCampaign(page, name, 'SMS');
  await page.getByLabel('Message text').fill(`Deal: ${site.origin}/pricing`);
  const [row] = await prepareAndExport(page, 1);
  const link = row?.link ?? '';

  const contexts = [];
  for (let i = 0; i < 5; i++) contexts.push((await openLink(browser, link, site, ANDROID_UA)).context);

  await openReport(page);
  await expect(stat(page, 'Link clicks')).toHaveText('5', { timeout: 20_000 });
  await expect(stat(page, 'Forwarded links')).toHaveText('1', { timeout: 20_000 });
  await expect(stat(page, 'Tentative browsers')).toHaveText('5', { timeout: 20_000 });
  await expect(stat(page, 'Stitched visitors')).toHaveText('0');
  await expect(page.getByRole('table', { name: 'Recipients' })).toContainText('Forwarded link');
  for (const context of contexts) await context.close();
});

test("S13: Ana's SMS link opened by three desktop browsers before she taps it on her phone: only her own visits are hers; the others are tentative with reasons", async ({
  page,
  browser,
}) => {
  test.setTimeout(150_000);
  await openApp(page);
  const site = await addTestSite(page, sites);
  const last = unique('Tentative');
  await addContact(page, { first: 'Ana', last, phone: '+12015550123', sms: true });
  const name = unique('Spring');
  await createCampaign(page, name, 'SMS');
  await page.getByLabel('Message text').fill(`Deal: ${site.origin}/pricing`);
  const [row] = await prepareAndExport(page, 1);
  const link = row?.link ?? '';

  const contexts = [];
  for (let i = 0; i < 3; i++) {
    const stranger = await openLink(browser, link, site);
    await stranger.page.goto(`${site.origin}/thanks`);
    contexts.push(stranger.context);
  }
  contexts.push((await openLink(browser, link, site, ANDROID_UA)).context);

  await openReport(page);
  await expect(stat(page, 'Link clicks')).toHaveText('4', { timeout: 20_000 });
  await expect(stat(page, "Recipients' browsers")).toHaveText('1', { timeout: 20_000 });
  await expect(stat(page, 'Tentative browsers')).toHaveText('3');

  await nav(page, 'Contacts');
  await page.getByRole('link', { name: `Ana ${last}`, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Ana ${last}` })).toBeVisible();
  const identities = page.getByRole('region', { name: 'Identities' });
  await expect(identities.getByRole('listitem')).toHaveCount(1, { timeout: 20_000 });
  const tentative = page.getByRole('list', { name: 'Tentative links' }).getByRole('listitem');
  await expect(tentative).toHaveCount(3);
  await expect(tentative.first()).toContainText('a desktop browser on an SMS link');
  await expect(tentative.first()).toContainText('browser to open it');
  // The strangers' /thanks visits are not on her timeline, until asked for.
  const timeline = page.getByRole('list', { name: 'Timeline events' });
  await expect(timeline).toContainText('/pricing');
  await expect(timeline).not.toContainText('/thanks');
  await page.getByLabel('Show their visits on the timeline').check();
  await expect(timeline).toContainText('/thanks', { timeout: 20_000 });
  await expect(timeline.getByText('Tentative').first()).toBeVisible();
  // The identity graph: her phone by the campaign, the three tentative browsers dashed; by keyboard.
  const graph = page.getByRole('region', { name: 'Identity graph' });
  await expect(graph.locator('line[stroke-dasharray]')).toHaveCount(3);
  await graph.getByRole('button', { name: 'Ana, the contact' }).focus();
  await page.keyboard.press('Tab');
  await expect(graph.getByText(/^Spring .*, what linked them: SMS click/)).toBeVisible();
  const scan = await new AxeBuilder({ page })
    .include('section[aria-labelledby="tentative-heading"]')
    .include('section[aria-labelledby="graph-heading"]')
    .analyze();
  const serious = scan.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious');
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);

  await wholePageScreenshot(page, 'test/e2e/__screenshots__/profile-tentative.png');

  // One click decides: the first is confirmed as Ana's, and it is undoable from the notice.
  await tentative.first().getByRole('button', { name: 'Confirm' }).click();
  await expect(identities.getByRole('listitem')).toHaveCount(2);
  await expect(tentative).toHaveCount(2);
  for (const context of contexts) await context.close();
});

test('Twilio credentials: the auth token is write-only and the account SID is masked', async ({
  request,
}) => {
  const status = await bridgeCall(request, 'messaging.configure', {
    accountSid: `AC${'a1'.repeat(16)}`,
    authToken: 'secret-token-0123456789',
    smsFrom: '+12015550199',
  });
  expect(status.configured).toBe(true);
  expect(JSON.stringify(status)).not.toContain('secret-token');
  expect(status.accountSid).toMatch(/^AC•+a1a1$/);
});
