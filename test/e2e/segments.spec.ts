// Segments and goals through the UI (issue 13): the example segment "clicked the spring SMS, visited
// /pricing, no form since" built in the Segments page from real stitched visits, a campaign sent to
// it (frozen at Prepare, named in the report, listed on the profile), the same conditions built
// inline in a campaign's audience (and saved as a segment from there), and a goal counted in a
// campaign's report after a stitched visit reaches it.
import { expect, type Page, test } from '@playwright/test';
import {
  addContact,
  addTrackedSite,
  choose,
  goToSection,
  openApp,
  openProfile,
  runSuffix,
  type TrackedSite,
} from '../support/contacts-ui';
import { createSmsCampaign, Device, linkFor, prepareAndExport, storeUpToDate } from '../support/stitching-ui';

const ANDROID_UA =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36';

const sites: TrackedSite[] = [];
test.afterAll(async () => {
  for (const site of sites) await site.close();
});

const condition = (page: Page, n: number) => page.getByRole('group', { name: `Condition ${n}`, exact: true });

async function addCondition(page: Page, kind: string): Promise<void> {
  await page.getByLabel('Add a condition', { exact: true }).selectOption({ label: kind });
}

/** A new SMS campaign whose audience is the saved segment `segment`. */
async function campaignToSegment(page: Page, name: string, segment: string, text: string): Promise<void> {
  await createSmsCampaign(page, name, text);
  // Mantine's segmented control hides its radio inputs behind their labels.
  await page.getByRole('radiogroup', { name: 'Audience' }).getByText('Segment', { exact: true }).click();
  await choose(page, 'Segment', segment);
  await expect(page.getByRole('combobox', { name: 'Segment', exact: true })).toHaveValue(segment);
}

test('the example segment built in the UI from stitched behaviour; a campaign sent to it', async ({
  page,
  browser,
}) => {
  test.setTimeout(180_000);
  const run = runSuffix();
  await openApp(page);
  const site = await addTrackedSite(page, `Segment shop ${run}`);
  sites.push(site);
  const people = [
    { firstName: 'Ana', lastName: `Seg${run}`, phone: '+12015550131' },
    { firstName: 'Ben', lastName: `Seg${run}`, phone: '+12015550177' },
    { firstName: 'Cara', lastName: `Seg${run}`, phone: '+12015550133' },
  ];
  for (const person of people) await addContact(page, { ...person, consent: ['SMS consent'] });
  const spring = `Spring SMS ${run}`;
  await createSmsCampaign(page, spring, `Spring is here: ${site.origin}/pricing`);
  // Everyone with SMS consent gets it; this run's three are among them.
  await page.getByRole('radiogroup', { name: 'Audience' }).getByText('Tag', { exact: true }).click();
  await page.getByRole('radiogroup', { name: 'Audience' }).getByText('All contacts', { exact: true }).click();
  const recipients = Number(
    ((await page.getByTestId('recipient-count').textContent()) ?? '')
      .match(/^[\d,]+/)?.[0]
      ?.replace(/,/g, ''),
  );
  const rows = await prepareAndExport(page, recipients);

  // Ana taps her link (lands on /pricing); Ben taps his, then signs up; Cara does nothing.
  const ana = await Device.open(browser, site.origin, ANDROID_UA);
  await ana.openLink(linkFor(rows, '+12015550131'));
  const ben = await Device.open(browser, site.origin, ANDROID_UA);
  await ben.openLink(linkFor(rows, '+12015550177'));
  await ben.follow('Sign up', 'Sign up — Test Site');
  await ben.page.getByLabel('Phone').fill('+12015550177');
  await ben.page.getByRole('button', { name: 'Create account' }).click();
  await expect(ben.page).toHaveTitle('Thanks — Test Site');
  await ben.eventSent('form_submit');
  await storeUpToDate(page);

  await goToSection(page, 'Segments');
  await page.getByRole('button', { name: 'New segment' }).click();
  const segment = `Spring clickers on pricing ${run}`;
  await page.getByLabel('Segment name').fill(segment);
  await addCondition(page, 'Received or clicked a campaign');
  await condition(page, 1).getByLabel('Campaign').selectOption({ label: spring });
  await addCondition(page, 'Visited a page');
  await condition(page, 2).getByLabel('Pattern').fill('/pricing');
  // Ana and Ben both clicked and read /pricing in the last 30 days: the live count says so.
  await expect(page.getByTestId('segment-count')).toHaveText('2 contacts', { timeout: 15_000 });
  await addCondition(page, 'Submitted a form');
  await condition(page, 3).getByLabel('NOT').check();
  await expect(page.getByTestId('segment-count')).toHaveText('1 contact', { timeout: 15_000 });
  await page.getByRole('button', { name: 'Save segment' }).click();
  await expect(page.getByTestId(`segment-count-${segment}`)).toHaveText('1');

  const followUp = `Follow-up ${run}`;
  await campaignToSegment(page, followUp, segment, 'Still deciding, {{first_name}}? Reply for a call.');
  const [sent] = await prepareAndExport(page, 1);
  expect(sent?.phone).toBe('+12015550131');
  expect(sent?.text).toContain('Still deciding, Ana?');
  await page.getByRole('tab', { name: 'Report' }).click();
  await expect(page.getByTestId('audience-snapshot')).toContainText(segment);
  await expect(page.getByTestId('audience-snapshot')).toContainText('1 contact matched');

  // The same conditions built inline in a campaign's audience: the live count, Prepare freezes
  // the match, the report says "custom conditions"; then they are saved as a segment from there.
  const inline = `Inline ${run}`;
  await createSmsCampaign(page, inline, 'Any questions on pricing, {{first_name}}?');
  await page.getByRole('radiogroup', { name: 'Audience' }).getByText('Conditions', { exact: true }).click();
  await addCondition(page, 'Received or clicked a campaign');
  await condition(page, 1).getByLabel('Campaign').selectOption({ label: spring });
  await addCondition(page, 'Visited a page');
  await condition(page, 2).getByLabel('Pattern').fill('/pricing');
  await expect(page.getByTestId('segment-count')).toHaveText('2 contacts', { timeout: 15_000 });
  await addCondition(page, 'Submitted a form');
  await condition(page, 3).getByLabel('NOT').check();
  await expect(page.getByTestId('segment-count')).toHaveText('1 contact', { timeout: 15_000 });
  await expect(page.getByTestId('recipient-count')).toContainText('1 recipient');
  const [inlineSent] = await prepareAndExport(page, 1);
  expect(inlineSent?.phone).toBe('+12015550131');
  await page.getByRole('tab', { name: 'Report' }).click();
  await expect(page.getByTestId('audience-snapshot')).toContainText('custom conditions');
  await expect(page.getByTestId('audience-snapshot')).toContainText('1 contact matched');
  // Conditions built in another campaign, kept as a segment: the campaign now names it.
  await createSmsCampaign(page, `Inline saved ${run}`, 'Thanks for reading, {{first_name}}.');
  await page.getByRole('radiogroup', { name: 'Audience' }).getByText('Conditions', { exact: true }).click();
  await addCondition(page, 'Received or clicked a campaign');
  await condition(page, 1).getByLabel('Campaign').selectOption({ label: spring });
  await expect(page.getByTestId('segment-count')).toHaveText('2 contacts', { timeout: 15_000 });
  const saved = `Saved inline ${run}`;
  await page.getByLabel('Save these conditions as a segment').fill(saved);
  await page.getByRole('button', { name: 'Save as segment' }).click();
  await expect(page.getByRole('combobox', { name: 'Segment', exact: true })).toHaveValue(saved);

  // Ana's profile lists the segments she is in.
  await openProfile(page, `Ana Seg${run}`);
  await expect(page.getByRole('group', { name: 'Segments this contact is in' })).toContainText(segment);
  await expect(page.getByRole('group', { name: 'Segments this contact is in' })).toContainText(saved);
  await ana.close();
  await ben.close();
});

test('a goal defined on the Reports page is counted in the report after a stitched visit reaches it', async ({
  page,
  browser,
}) => {
  test.setTimeout(150_000);
  const run = runSuffix();
  await openApp(page);
  const site = await addTrackedSite(page, `Goal shop ${run}`);
  sites.push(site);
  await addContact(page, {
    firstName: 'Dana',
    lastName: `Goal${run}`,
    phone: '+12015550141',
    consent: ['SMS consent'],
  });

  await goToSection(page, 'Reports');
  await page.getByRole('button', { name: 'Add goal' }).click();
  const goal = `Signed up ${run}`;
  await page.getByLabel('Goal name').fill(goal);
  await page.getByLabel('Page pattern').fill('/thanks');
  await expect(page.getByLabel('Window after click (days)')).toHaveValue('7');
  await page.getByRole('button', { name: 'Save goal' }).click();
  await expect(page.getByRole('table', { name: 'Defined goals' })).toContainText(goal);

  // A segment of this run's contact only: last name contains the run's suffix.
  await goToSection(page, 'Segments');
  await page.getByRole('button', { name: 'New segment' }).click();
  const segment = `Goal run ${run}`;
  await page.getByLabel('Segment name').fill(segment);
  await addCondition(page, 'Contact field');
  await condition(page, 1).getByLabel('Field').selectOption({ label: 'Last name' });
  await condition(page, 1).getByLabel('Test').selectOption({ label: 'contains' });
  await condition(page, 1).getByLabel('Value').fill(`goal${run}`);
  await expect(page.getByTestId('segment-count')).toHaveText('1 contact', { timeout: 15_000 });
  await page.getByRole('button', { name: 'Save segment' }).click();

  const name = `Signup push ${run}`;
  await campaignToSegment(page, name, segment, `Join us: ${site.origin}/pricing`);
  const rows = await prepareAndExport(page, 1);
  await page.getByRole('tab', { name: 'Report' }).click();
  await expect(page.getByTestId(`goal-conversions-${goal}`)).toHaveText('0');

  // Dana taps her link on her phone (stitched), then reaches /thanks.
  const dana = await Device.open(browser, site.origin, ANDROID_UA);
  await dana.openLink(linkFor(rows, '+12015550141'));
  await dana.visit('/thanks');
  await storeUpToDate(page);
  await expect(page.getByTestId(`goal-conversions-${goal}`)).toHaveText('1', { timeout: 20_000 });
  await expect(page.getByTestId(`goal-own-${goal}`)).toHaveText('1');

  // The Reports page compares campaigns by the goal.
  await goToSection(page, 'Reports');
  await page.getByLabel('Compare by goal').selectOption({ label: goal });
  const byGoal = page.getByRole('table', { name: 'Campaigns by goal' });
  await expect(byGoal.getByRole('row', { name: new RegExp(name) })).toContainText('100.0%');
  await dana.close();
});
