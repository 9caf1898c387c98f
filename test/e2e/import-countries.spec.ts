// A mixed-country file through the import wizard, with consent: each row's Country column reads its
// national number (the right E.164 per row), numbers invalid for their country are listed with the
// reason instead of being stored as another country's, and the imported contacts can be texted.
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { contactsTable, goToSection, openApp } from '../support/contacts-ui';

const FIXTURE = join(__dirname, '../fixtures/contacts-countries.csv');

test('a mixed-country file: the right E.164 per row, reasons for the rest', async ({ page }) => {
  await openApp(page);
  await page.evaluate(`location.hash = '#/import'`);
  await page.getByLabel('Contacts file').setInputFiles(FIXTURE);
  await expect(page.getByRole('combobox', { name: 'Import column Country as' })).toHaveValue(
    'Country (for phone numbers)',
  );
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('checkbox', { name: 'These contacts agreed to receive SMS' }).check();
  await page.getByLabel('Where they agreed').fill('checkout opt-in');
  await page.getByRole('button', { name: 'Start import' }).click();

  const result = page.getByRole('table', { name: 'Import result' });
  await expect(
    result
      .getByRole('row', { name: /^Imported/ })
      .getByRole('cell')
      .first(),
  ).toHaveText('5');
  await expect(
    result
      .getByRole('row', { name: /^Rejected/ })
      .getByRole('cell')
      .first(),
  ).toHaveText('3');
  const rejected = page.getByRole('table', { name: 'Rejected rows' });
  await expect(rejected).toContainText('line 7: phone 0170 123 is not a valid number for Germany (DE)');
  await expect(rejected).toContainText(
    'line 8: phone 555 1234 is not a valid number for Mexico (MX): too short',
  );
  await expect(rejected).toContainText(
    'line 9: country "Atlantis" is not a country name or a two-letter ISO code',
  );

  await goToSection(page, 'Contacts');
  const expected: [string, string][] = [
    ['Dora Becker', '+491701234567'],
    ['Mateo Ruiz', '+525512345678'],
    ['Yui Sato', '+819012345678'],
    ['Luc Martin', '+33612345678'],
    ['Uma Reed', '+14155552671'],
  ];
  for (const [name, e164] of expected) {
    const row = contactsTable(page)
      .getByRole('row')
      .filter({ has: page.getByRole('link', { name, exact: true }) });
    await expect(row).toContainText(e164);
  }
  for (const name of ['Hana Kim', 'Pablo Diaz', 'Zed Nowhere'])
    await expect(contactsTable(page).getByRole('link', { name, exact: true })).toHaveCount(0);

  // All five have SMS consent and a mobile number: a campaign to the tag reaches each of them.
  await goToSection(page, 'Campaigns');
  await page.getByRole('button', { name: 'New campaign' }).click();
  const modal = page.getByRole('dialog', { name: 'New campaign' });
  await modal.getByLabel('Campaign name').fill('World launch');
  await modal.getByText('SMS', { exact: true }).click();
  await modal.getByRole('button', { name: 'Create campaign' }).click();
  await page.getByRole('radiogroup', { name: 'Audience' }).getByText('Tag', { exact: true }).click();
  await expect(page.getByRole('combobox', { name: 'Tag', exact: true })).toHaveValue('world');
  await expect(page.getByTestId('recipient-count')).toHaveText('5 recipients of 5 contacts in the audience');
});
