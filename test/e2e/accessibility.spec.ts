// Accessibility of every page and the main dialogs: axe (WCAG 2.1 A/AA rules) finds no critical or
// serious violation, each page has exactly one h1, the landmarks are there, and a skip link leads
// past the navigation to the page's content.
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import { addContact, goToSection, openApp, openProfile, runSuffix } from '../support/contacts-ui';

/** axe's critical and serious findings, one line each: rule, impact, and the first elements hit. */
async function blockingViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return results.violations
    .filter((v) => v.impact === 'critical' || v.impact === 'serious')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.nodes.length} × ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(' | ')} — ${v.nodes[0]?.failureSummary?.replace(/\s+/g, ' ') ?? ''}`,
    );
}

async function expectAccessiblePage(page: Page, h1: string): Promise<void> {
  await expect(page.getByRole('heading', { level: 1, name: h1 })).toBeVisible();
  await expect(page.locator('h1')).toHaveCount(1);
  await expect(page.getByRole('main')).toHaveCount(1);
  await expect(page.getByRole('banner')).toHaveCount(1);
  await expect(page.getByRole('navigation', { name: 'Sections' })).toBeVisible();
  expect(await blockingViolations(page), `on the ${h1} page`).toEqual([]);
}

async function expectAccessibleDialog(page: Page, name: string | RegExp): Promise<void> {
  const dialog = page.getByRole('dialog', { name });
  await expect(dialog).toBeVisible();
  // Mantine's open transition changes colours for a moment: scan once it has settled.
  await page.waitForTimeout(300);
  expect(await blockingViolations(page), `in the dialog ${String(name)}`).toEqual([]);
  await page.keyboard.press('Escape');
  // A focused combobox with its list open (the "Set a field" picker) takes the first Escape for itself.
  if (await dialog.isVisible()) await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
}

test('every page and the main dialogs have no critical or serious axe violations', async ({ page }) => {
  test.setTimeout(300_000);
  const suffix = runSuffix();
  const name = `Ada Axe${suffix}`;
  await openApp(page);

  // The skip link is the first thing the keyboard reaches, and it lands on the page's content.
  await page.keyboard.press('Tab');
  const skip = page.getByRole('button', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('main')).toBeFocused();

  await expectAccessiblePage(page, 'Contacts');
  await addContact(page, {
    firstName: 'Ada',
    lastName: `Axe${suffix}`,
    email: `ada.${suffix}@example.org`,
    phone: '+14155552671',
    tags: 'vip',
    consent: ['SMS consent'],
  });
  await expectAccessiblePage(page, 'Contacts');
  await page.getByRole('button', { name: 'Add contact' }).first().click();
  await expectAccessibleDialog(page, 'Add contact');
  await page.getByRole('checkbox', { name: `Select ${name}` }).check();
  await page.getByRole('button', { name: 'Record consent' }).click();
  await expectAccessibleDialog(page, /^Record consent for/);
  await page.getByRole('button', { name: 'Set a field' }).click();
  await expectAccessibleDialog(page, /^Set a field on/);
  await page.getByRole('button', { name: 'Remove tag' }).click();
  await expectAccessibleDialog(page, /^Remove a tag from/);

  await openProfile(page, name);
  await expectAccessiblePage(page, name);
  await page.getByRole('button', { name: 'Edit contact' }).click();
  await expectAccessibleDialog(page, 'Edit contact');
  await page.getByRole('button', { name: 'Merge with…' }).click();
  await expectAccessibleDialog(page, `Merge with ${name}`);
  await page.getByRole('button', { name: 'Erase contact' }).click();
  await expectAccessibleDialog(page, /^Erase /);

  await goToSection(page, 'Visitors');
  await expectAccessiblePage(page, 'Visitors');

  await goToSection(page, 'Segments');
  await expectAccessiblePage(page, 'Segments');
  // The builder with one condition of each kind that has its own inputs.
  await page.getByRole('button', { name: 'New segment' }).click();
  for (const kind of [
    'Received or clicked a campaign',
    'Visited a page',
    'Did a custom event',
    'Contact field',
  ]) {
    await page.getByLabel('Add a condition', { exact: true }).selectOption({ label: kind });
  }
  await expect(page.getByRole('group', { name: 'Condition 4' })).toBeVisible();
  await expectAccessiblePage(page, 'Segments');

  await goToSection(page, 'Campaigns');
  await expectAccessiblePage(page, 'Campaigns');
  await page.getByRole('button', { name: 'New campaign' }).click();
  await expectAccessibleDialog(page, 'New campaign');
  await page.getByRole('button', { name: 'New campaign' }).click();
  const modal = page.getByRole('dialog', { name: 'New campaign' });
  const campaign = `Axe campaign ${suffix}`;
  await modal.getByLabel('Campaign name').fill(campaign);
  await modal.getByText('SMS', { exact: true }).click();
  await modal.getByRole('button', { name: 'Create campaign' }).click();
  await page.getByLabel('Message text').fill('Hi {{first_name}}, see https://shop.example.com/spring');
  await expectAccessiblePage(page, campaign);
  await page.getByRole('tab', { name: 'Prepare & send' }).click();
  await expect(page.getByRole('button', { name: 'Prepare', exact: true })).toBeVisible();
  await expectAccessiblePage(page, campaign);
  // The Twilio settings form opens inline.
  await page.getByRole('button', { name: 'Twilio settings' }).click();
  await expect(page.getByRole('button', { name: 'Save Twilio settings' })).toBeVisible();
  await expectAccessiblePage(page, campaign);
  await page.getByRole('tab', { name: 'Report' }).click();
  await expectAccessiblePage(page, campaign);

  await goToSection(page, 'Reports');
  await expectAccessiblePage(page, 'Reports');
  await goToSection(page, 'Collector');
  await expectAccessiblePage(page, 'Collector');
  await goToSection(page, 'Settings');
  await expectAccessiblePage(page, 'Settings');
  await goToSection(page, 'Home');
  await expectAccessiblePage(page, 'Home');
  await page.getByRole('link', { name: 'Try the 60-second demo' }).click();
  await expectAccessiblePage(page, 'Demo');

  await page.evaluate(`location.hash = '#/import'`);
  await expectAccessiblePage(page, 'Import contacts');
  await page.getByLabel('Contacts file').setInputFiles({
    name: 'axe.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('First name,Phone,Country\nYui,090-1234-5678,Japan\n'),
  });
  await expect(page.getByRole('table', { name: 'Column mapping' })).toBeVisible();
  await expectAccessiblePage(page, 'Import contacts');
  await page.getByRole('button', { name: 'Next' }).click();
  await expectAccessiblePage(page, 'Import contacts');
  await page.getByRole('button', { name: 'Start import' }).click();
  await expect(page.getByRole('table', { name: 'Import result' })).toBeVisible();
  await expectAccessiblePage(page, 'Import contacts');

  await page.evaluate(`location.hash = '#/export'`);
  await expectAccessiblePage(page, 'Export contacts');

  // The guided demo once started: its steps, the message and the link to open.
  await page.evaluate(`location.hash = '#/demo'`);
  await page.getByRole('button', { name: 'Start the demo' }).click();
  await expect(page.getByTestId('demo-link')).toBeVisible({ timeout: 20_000 });
  await expectAccessiblePage(page, 'Demo');
  await page.getByRole('button', { name: 'Remove demo data' }).click();
  await expect(page.getByRole('button', { name: 'Start the demo' })).toBeVisible({ timeout: 20_000 });
});
