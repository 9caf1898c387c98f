// The stitching rules as a marketer sees them (S3–S7): contacts and SMS campaigns made in the app,
// the test website on another origin, one browser context per device, and the outcome read off the
// profiles (Identities, Timeline), the Visitors page and the contact list.
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import { bridgeCall } from '../support/bridge';
import { BROWSER_USER_AGENT } from '../support/browser';
import {
  addContact,
  addTrackedSite,
  choose,
  goToSection,
  listedNames,
  openApp,
  openProfile,
  runSuffix,
  search,
  type TrackedSite,
} from '../support/contacts-ui';
import {
  createSmsCampaign,
  Device,
  linkFor,
  prepareAndExport,
  type SendFileRow,
  storeUpToDate,
  visitorLabel,
} from '../support/stitching-ui';

const HOME = 'Home — Test Site';
const PRICING = 'Pricing — Test Site';
const SIGNUP = 'Sign up — Test Site';

let site: TrackedSite | undefined;
const devices: Device[] = [];

test.afterEach(async ({ request }) => {
  for (const device of devices.splice(0)) await device.close();
  await site?.close();
  site = undefined;
  // The server (and its settings) is shared by the whole run: leave the default lookback behind.
  await bridgeCall(request, 'settings.update', { stitching: { lookback: 'all' } });
});

const region = (page: Page, name: string) => page.getByRole('region', { name });

/** Timeline entries of one kind whose text includes `text` (a path, a page title, a campaign). */
const timelineItems = (page: Page, kind: string, text?: string) => {
  const items = region(page, 'Timeline').getByRole('listitem').filter({ hasText: kind });
  return text === undefined ? items : items.filter({ hasText: text });
};

async function newDevice(browser: Parameters<typeof Device.open>[0]): Promise<Device> {
  if (!site) throw new Error('no test site');
  const device = await Device.open(browser, site.origin);
  devices.push(device);
  return device;
}

/** Browses home, then the signup page by its link, anonymously; both views reach the collector. */
async function browseAnonymously(device: Device): Promise<void> {
  await device.visit('/');
  await device.follow('Sign up', SIGNUP);
}

/** Opens the app and adds this test's own website (another origin) on the Collector page. */
async function openAppWithSite(page: Page, family: string): Promise<TrackedSite> {
  await openApp(page);
  site = await addTrackedSite(page, `Shop ${family}`);
  return site;
}

/** Adds a contact who may get SMS, through the "Add contact" form. */
async function addSmsContact(page: Page, firstName: string, family: string, phone: string): Promise<void> {
  await addContact(page, { firstName, lastName: family, phone, consent: ['SMS consent'] });
}

/** An SMS campaign to everyone with SMS consent, linking to the site's pricing page; its send file. */
async function sendPricingCampaign(page: Page, name: string, recipients: number): Promise<SendFileRow[]> {
  if (!site) throw new Error('no test site');
  await createSmsCampaign(page, name, `Hi {{first_name}}, see ${site.origin}/pricing`);
  return prepareAndExport(page, recipients);
}

test('S3: pages browsed before the click join the profile by default, and not with lookback "From the click on"', async ({
  page,
  browser,
}) => {
  test.setTimeout(150_000);
  const family = `Lookback${runSuffix()}`;
  const ana = `Ana ${family}`;
  const cara = `Cara ${family}`;
  await openAppWithSite(page, family);
  await addSmsContact(page, 'Ana', family, '+1 201 555 0131');
  const spring = await sendPricingCampaign(page, `Spring ${family}`, 1);

  // Default lookback (whole visitor history): A's two earlier pages become Ana's.
  const phoneA = await newDevice(browser);
  await browseAnonymously(phoneA);
  await phoneA.openLink(linkFor(spring, '+12015550131'));
  await openProfile(page, ana);
  await expect(timelineItems(page, 'Page view', PRICING)).toHaveCount(1, { timeout: 20_000 });
  await storeUpToDate(page);
  await expect(timelineItems(page, 'Page view', HOME)).toHaveCount(1);
  await expect(timelineItems(page, 'Page view', '/signup')).toHaveCount(1);
  await expect(timelineItems(page, 'Link click', `Spring ${family}`)).toHaveCount(1);

  // Settings → Stitching: from the click on. The ingest loop reads it for the next link it makes.
  await goToSection(page, 'Settings');
  await choose(page, 'Lookback when a visitor is linked', 'From the click on');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText('Saved.', { exact: true })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('combobox', { name: 'Lookback when a visitor is linked' })).toHaveValue(
    'From the click on',
  );

  await addSmsContact(page, 'Cara', family, '+1 201 555 0132');
  const summer = await sendPricingCampaign(page, `Summer ${family}`, 2);
  const phoneD = await newDevice(browser);
  await browseAnonymously(phoneD);
  await phoneD.openLink(linkFor(summer, '+12015550132'));

  await openProfile(page, cara);
  await expect(timelineItems(page, 'Page view', PRICING)).toHaveCount(1, { timeout: 20_000 });
  await storeUpToDate(page);
  await expect(timelineItems(page, 'Link click', `Summer ${family}`)).toHaveCount(1);
  // The browser's earlier pages were recorded (3 page views), but stay off Cara's timeline.
  await expect(region(page, 'Identities').getByRole('listitem')).toContainText('3 page views in 1 session');
  await expect(timelineItems(page, 'Page view', HOME)).toHaveCount(0);
  await expect(timelineItems(page, 'Page view', '/signup')).toHaveCount(0);
  await expect(timelineItems(page, 'Page view')).toHaveCount(1);

  // Lookback applies when a link is made: Ana's link keeps her earlier pages.
  await openProfile(page, ana);
  await expect(timelineItems(page, 'Page view', HOME)).toHaveCount(1);
  await expect(timelineItems(page, 'Page view', '/signup')).toHaveCount(1);
});

test('S4: a device that only visits the site directly stays an anonymous visitor, off the contact', async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  const family = `Direct${runSuffix()}`;
  const ana = `Ana ${family}`;
  const shop = await openAppWithSite(page, family);
  await addSmsContact(page, 'Ana', family, '+1 201 555 0141');
  const rows = await sendPricingCampaign(page, `Launch ${family}`, 1);

  const phoneA = await newDevice(browser);
  await phoneA.openLink(linkFor(rows, '+12015550141'));
  const laptopB = await newDevice(browser);
  await laptopB.visit('/');
  await laptopB.follow('App', 'Step 1 — Test Site App');
  await laptopB.page.getByRole('button', { name: 'Go to step 2' }).click();
  await laptopB.pageViewDelivered('/spa/step-2');
  const visitorB = visitorLabel(await laptopB.visitorId());
  const visitorA = visitorLabel(await phoneA.visitorId());

  await goToSection(page, 'Visitors');
  await choose(page, 'Website', shop.name);
  const table = page.getByRole('table', { name: 'Anonymous visitors' });
  const rowB = table.getByRole('row', { name: visitorB, exact: true });
  await expect(rowB).toBeVisible({ timeout: 20_000 });
  await storeUpToDate(page);
  await expect(rowB).toContainText('Chrome on Linux');
  await expect(table.getByRole('button', { name: 'Link to contact…' })).toHaveCount(1);
  await expect(table.getByRole('row', { name: visitorA, exact: true })).toHaveCount(0);
  await rowB.getByRole('button', { name: `Show sessions of ${visitorB}` }).click();
  const session = table.getByLabel(/^Session /);
  await expect(session).toHaveCount(1);
  await expect(session).toContainText('3 pages');
  await expect(session).toContainText('/spa/step-2');

  await openProfile(page, ana);
  await expect(timelineItems(page, 'Page view', PRICING)).toHaveCount(1);
  await expect(region(page, 'Identities').getByRole('listitem')).toHaveCount(1);
  await expect(timelineItems(page, 'Page view', '/spa')).toHaveCount(0);
  await expect(timelineItems(page, 'Page view', HOME)).toHaveCount(0);
});

test('S5: after clearing cookies and storage the device is a new anonymous visitor; the contact keeps her history', async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  const family = `Cleared${runSuffix()}`;
  const ana = `Ana ${family}`;
  const shop = await openAppWithSite(page, family);
  await addSmsContact(page, 'Ana', family, '+1 201 555 0151');
  const rows = await sendPricingCampaign(page, `Autumn ${family}`, 1);

  const phoneA = await newDevice(browser);
  await phoneA.openLink(linkFor(rows, '+12015550151'));
  await phoneA.follow('Home', HOME);
  const linkedVisitor = await phoneA.visitorId();

  await phoneA.clearCookiesAndStorage();
  await phoneA.visit('/signup');
  await phoneA.follow('App', 'Step 1 — Test Site App');
  const newVisitor = await phoneA.visitorId();
  expect(newVisitor).not.toBe(linkedVisitor);

  await goToSection(page, 'Visitors');
  await choose(page, 'Website', shop.name);
  const table = page.getByRole('table', { name: 'Anonymous visitors' });
  const row = table.getByRole('row', { name: visitorLabel(newVisitor), exact: true });
  await expect(row).toBeVisible({ timeout: 20_000 });
  await storeUpToDate(page);
  await expect(table.getByRole('button', { name: 'Link to contact…' })).toHaveCount(1);
  await expect(table.getByRole('row', { name: visitorLabel(linkedVisitor), exact: true })).toHaveCount(0);
  await row.getByRole('button', { name: `Show sessions of ${visitorLabel(newVisitor)}` }).click();
  await expect(table.getByLabel(/^Session /)).toContainText('/signup');

  await openProfile(page, ana);
  await expect(region(page, 'Identities').getByRole('listitem')).toHaveCount(1);
  await expect(timelineItems(page, 'Link click', `Autumn ${family}`)).toHaveCount(1);
  await expect(timelineItems(page, 'Page view', PRICING)).toHaveCount(1);
  await expect(timelineItems(page, 'Page view', HOME)).toHaveCount(1);
  await expect(timelineItems(page, 'Page view', '/signup')).toHaveCount(0);
  await expect(timelineItems(page, 'Page view', '/spa')).toHaveCount(0);
});

test('S6: a signup form with a contact\'s email links that browser to them by "form"; the password is never sent', async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  const family = `Form${runSuffix()}`;
  const ben = `Ben ${family}`;
  const email = `ben.${family.toLowerCase()}@example.org`;
  const password = `S6-secret-${family}`;
  await openAppWithSite(page, family);
  await addContact(page, { firstName: 'Ben', lastName: family, email });

  const laptop = await newDevice(browser);
  await laptop.visit('/');
  await laptop.follow('Sign up', SIGNUP);
  await laptop.page.getByLabel('Name').fill(ben);
  await laptop.page.getByLabel('Email').fill(email);
  await laptop.page.getByLabel('Password').fill(password);
  await laptop.page.getByLabel('Card number').fill('4111 1111 1111 1111');
  await laptop.page.getByRole('button', { name: 'Create account' }).click();
  await expect(laptop.page).toHaveTitle('Thanks — Test Site');
  await laptop.eventSent('form_submit');
  await laptop.pageViewDelivered('/thanks');

  const sent = laptop.bodies.join('\n');
  expect(sent).toContain(email);
  for (const secret of [password, 'password', '4111 1111', '4111111111111111'])
    expect(sent).not.toContain(secret);

  await openProfile(page, ben);
  const identity = region(page, 'Identities').getByRole('listitem');
  await expect(identity).toHaveCount(1, { timeout: 20_000 });
  await expect(identity).toContainText(`Linked by a form submitted with ${email}`);
  await expect(identity.getByText('Form', { exact: true })).toBeVisible();
  await storeUpToDate(page);
  await expect(timelineItems(page, 'Form submitted', '/signup')).toHaveCount(1);
  await expect(timelineItems(page, 'Page view', HOME)).toHaveCount(1);
  await expect(timelineItems(page, 'Page view', SIGNUP)).toHaveCount(1);
  await expect(timelineItems(page, 'Page view', '/thanks')).toHaveCount(1);
});

test("S7: one device opening two contacts' links is flagged as shared; each keeps their own part; no merge", async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  const family = `Shared${runSuffix()}`;
  const ana = `Ana ${family}`;
  const ben = `Ben ${family}`;
  await openAppWithSite(page, family);
  await addSmsContact(page, 'Ana', family, '+1 201 555 0171');
  await addSmsContact(page, 'Ben', family, '+1 201 555 0172');
  const campaign = `Family ${family}`;
  const rows = await sendPricingCampaign(page, campaign, 2);

  // Ana's link, then a page of hers; then Ben's link on the same browser, then a page of his.
  const tablet = await newDevice(browser);
  await tablet.openLink(linkFor(rows, '+12015550171'));
  await tablet.follow('Home', HOME);
  await tablet.openLink(linkFor(rows, '+12015550172'));
  await tablet.follow('Sign up', SIGNUP);

  await openProfile(page, ben);
  await expect(timelineItems(page, 'Page view', '/signup')).toHaveCount(1, { timeout: 20_000 });
  await storeUpToDate(page);
  const benLink = region(page, 'Identities').getByRole('listitem');
  await expect(benLink).toHaveCount(1);
  await expect(benLink.getByText('Shared device', { exact: true })).toBeVisible();
  await expect(benLink).toContainText(`Linked by SMS campaign ${campaign}`);
  await expect(timelineItems(page, 'Page view', PRICING)).toHaveCount(1);
  await expect(timelineItems(page, 'Page view', HOME)).toHaveCount(0);
  await expect(timelineItems(page, 'Link click')).toHaveCount(1);

  await openProfile(page, ana);
  const anaLink = region(page, 'Identities').getByRole('listitem');
  await expect(anaLink).toHaveCount(1);
  await expect(anaLink.getByText('Shared device', { exact: true })).toBeVisible();
  await expect(anaLink.getByText(/^Ended /)).toBeVisible();
  await expect(timelineItems(page, 'Page view', PRICING)).toHaveCount(1);
  await expect(timelineItems(page, 'Page view', HOME)).toHaveCount(1);
  await expect(timelineItems(page, 'Page view', '/signup')).toHaveCount(0);
  await expect(timelineItems(page, 'Link click')).toHaveCount(1);

  // Two people, two profiles: neither was merged into the other.
  await expect(page.getByText('This contact was merged into')).toHaveCount(0);
  await goToSection(page, 'Contacts');
  await search(page, family);
  await expect.poll(async () => (await listedNames(page)).sort()).toEqual([ana, ben]);
});

test("a click token is one-time: Ana's landing URL opened in a second browser is not linked and shows as token reused", async ({
  page,
  browser,
  request,
}) => {
  test.setTimeout(120_000);
  const family = `Reused${runSuffix()}`;
  const ana = `Ana ${family}`;
  const shop = await openAppWithSite(page, family);
  await addSmsContact(page, 'Ana', family, '+1 201 555 0161');
  const rows = await sendPricingCampaign(page, `Winter ${family}`, 1);

  // Ana taps her link; the landing URL, click token included, is then also opened elsewhere
  // (copied into a chat, say).
  const tap = await request.get(linkFor(rows, '+12015550161'), {
    maxRedirects: 0,
    headers: { 'user-agent': BROWSER_USER_AGENT },
  });
  expect(tap.status()).toBe(302);
  const landing = new URL(tap.headers().location ?? '');
  expect(landing.searchParams.get('ps_ct')).toBeTruthy();
  const path = `${landing.pathname}${landing.search}`;
  const phone = await newDevice(browser);
  await phone.visit(path);
  const other = await newDevice(browser);
  await other.visit(path);
  const otherVisitor = await other.visitorId();

  await goToSection(page, 'Visitors');
  await choose(page, 'Website', shop.name);
  const table = page.getByRole('table', { name: 'Anonymous visitors' });
  const row = table.getByRole('row', { name: visitorLabel(otherVisitor), exact: true });
  await expect(row).toBeVisible({ timeout: 20_000 });
  await storeUpToDate(page);
  await expect(row).toContainText(
    `with a click token another browser had already used, so it was not linked`,
  );
  await expect(row).toContainText(`Token reused`);
  await expect(row).toContainText(`Winter ${family}`);
  // The note is readable: no critical or serious accessibility violation in the visitors table.
  const axe = await new AxeBuilder({ page }).include('table[aria-label="Anonymous visitors"]').analyze();
  expect(axe.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious')).toEqual([]);

  await openProfile(page, ana);
  await expect(region(page, 'Identities').getByRole('listitem')).toHaveCount(1);
});
