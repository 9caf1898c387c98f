// A first campaign after an import has its recipients: the import wizard's consent step records what
// the file's contacts agreed to (shown with its source on the profile), and bulk actions (consent, a
// custom field, removing a tag) cover every contact matching the list's filter — beyond the rows
// loaded — after a confirmation naming the count; imported custom fields filter the list and fill
// merge fields.
import { expect, type Page, test } from '@playwright/test';
import { choose, contactsTable, goToSection, listedNames, openApp, runSuffix } from '../support/contacts-ui';

/** Imports `csv` through the wizard; `consent` ticks channels in the consent step with a source. */
async function importCsv(
  page: Page,
  name: string,
  csv: string,
  consent?: { channels: ('SMS' | 'WhatsApp')[]; source: string },
): Promise<void> {
  await page.evaluate(`location.hash = '#/import'`);
  await page
    .getByLabel('Contacts file')
    .setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Next' }).click();
  for (const channel of consent?.channels ?? [])
    await page.getByRole('checkbox', { name: `These contacts agreed to receive ${channel}` }).check();
  if (consent) {
    // Ticked without a source, the import waits for the proof of consent.
    await expect(page.getByRole('button', { name: 'Start import' })).toBeDisabled();
    await page.getByLabel('Where they agreed').fill(consent.source);
  }
  await page.getByRole('button', { name: 'Start import' }).click();
  await expect(page.getByRole('table', { name: 'Import result' })).toBeVisible();
}

async function newSmsCampaignForTag(page: Page, name: string, tag: string): Promise<void> {
  await goToSection(page, 'Campaigns');
  await page.getByRole('button', { name: 'New campaign' }).click();
  const modal = page.getByRole('dialog', { name: 'New campaign' });
  await modal.getByLabel('Campaign name').fill(name);
  await modal.getByText('SMS', { exact: true }).click();
  await modal.getByRole('button', { name: 'Create campaign' }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  // Mantine's segmented control hides its radio inputs behind their labels.
  await page.getByRole('radiogroup', { name: 'Audience' }).getByText('Tag', { exact: true }).click();
  await choose(page, 'Tag', tag);
  await expect(page.getByRole('combobox', { name: 'Tag', exact: true })).toHaveValue(tag);
}

const phone = (i: number) => `(415) 555-${String(3000 + i)}`;

test('the first campaign after an import with SMS consent has its recipients', async ({ page }) => {
  const tag = `fair-${runSuffix()}`;
  const csv = `First name,Last name,Phone,Tags\nAna,Import,${phone(1)},${tag}\nBen,Import,${phone(2)},${tag}\nCy,Import,${phone(3)},${tag}\n`;
  await openApp(page);
  await importCsv(page, 'fair.csv', csv, { channels: ['SMS'], source: 'paper form at the spring fair' });
  await expect(
    page.getByRole('table', { name: 'Import result' }).getByRole('row', { name: /^Imported/ }),
  ).toContainText('3');

  await newSmsCampaignForTag(page, `Fair follow-up ${tag}`, tag);
  await expect(page.getByTestId('recipient-count')).toHaveText('3 recipients of 3 contacts in the audience');

  // The profile shows where and when the consent came from.
  await goToSection(page, 'Contacts');
  await choose(page, 'Tag', tag);
  await contactsTable(page).getByRole('link', { name: 'Ana Import', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Ana Import' })).toBeVisible();
  await expect(page.getByLabel('Consent sources')).toContainText('SMS consent given');
  await expect(page.getByLabel('Consent sources')).toContainText(
    'Import of fair.csv: paper form at the spring fair',
  );
});

test('bulk consent, a custom field and tag removal cover every contact matching the filter, not only the loaded rows', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const tag = `bulk-${runSuffix()}`;
  const city = (i: number) => (i % 2 === 0 ? 'Porto' : 'Lisbon');
  const rows = Array.from(
    { length: 130 },
    (_, i) => `Bulk${i},Person,${phone(100 + i)},${tag};vip-${tag},${city(i)}`,
  );
  await openApp(page);
  // A contact outside the filter stays without consent, keeps its tag and gets no field.
  await importCsv(
    page,
    'bulk.csv',
    `First name,Last name,Phone,Tags,City\n${rows.join('\n')}\nOutside,Person,${phone(99)},other-${tag};vip-${tag},Porto\n`,
  );
  await goToSection(page, 'Contacts');
  await choose(page, 'Tag', tag);
  await expect(page.getByText('130 contacts', { exact: true })).toBeVisible();

  // The imported City column filters the list, with the tag: "is" ignores case, "contains" any part.
  await choose(page, 'Custom field', 'City');
  await page.getByLabel('City value').fill('porto');
  await expect(page.getByText('65 contacts', { exact: true })).toBeVisible();
  await choose(page, 'How City matches', 'contains');
  await page.getByLabel('City value').fill('isb');
  await expect(page.getByText('65 contacts', { exact: true })).toBeVisible();
  await page.getByLabel('City value').fill('');
  await expect(page.getByText('130 contacts', { exact: true })).toBeVisible();

  await page.getByRole('checkbox', { name: 'Select all shown contacts' }).check();
  await expect(page.getByText('The 100 loaded contacts are selected.')).toBeVisible();
  await page.getByRole('button', { name: 'Select all 130 matching contacts' }).click();
  const bar = page.getByRole('region', { name: 'Selected contacts' });
  await expect(bar).toContainText('130 contacts selected');

  await bar.getByRole('button', { name: 'Record consent' }).click();
  const dialog = page.getByRole('dialog', { name: 'Record consent for 130 contacts' });
  await expect(dialog).toContainText('This records SMS consent for 130 contacts');
  await dialog.getByLabel('Where they agreed').fill('double opt-in by reply');
  await dialog.getByRole('button', { name: 'Record consent for 130 contacts' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText('130 of 130 contacts changed', { exact: false })).toBeVisible();

  // A field for all 130: the composer fills it in as a merge field.
  await bar.getByRole('button', { name: 'Set a field' }).click();
  const fieldDialog = page.getByRole('dialog', { name: 'Set a field on 130 contacts' });
  await fieldDialog.getByLabel('Field').fill('Region');
  await fieldDialog.getByLabel('Value').fill('North');
  await fieldDialog.getByRole('button', { name: 'Set Region on 130 contacts' }).click();
  await expect(fieldDialog).toBeHidden();
  await expect(
    page.getByText('130 of 130 contacts changed; the others already had this value.'),
  ).toBeVisible();

  // Taking a tag off all 130: the contact outside the filter is the only one left with it.
  await bar.getByRole('button', { name: 'Remove tag' }).click();
  const untag = page.getByRole('dialog', { name: 'Remove a tag from 130 contacts' });
  await choose(page, 'Tag to remove', `vip-${tag}`);
  await untag.getByRole('button', { name: 'Remove tag from 130 contacts' }).click();
  await expect(untag).toBeHidden();
  await expect(page.getByText('130 of 130 contacts had it.')).toBeVisible();
  await page.reload();
  await choose(page, 'Tag', `vip-${tag}`);
  await expect.poll(() => listedNames(page)).toEqual(['Outside Person']);
  await page.reload();
  await choose(page, 'Custom field', 'Region');
  await page.getByLabel('Region value').fill('north');
  await choose(page, 'Tag', tag);
  await expect(page.getByText('130 contacts', { exact: true })).toBeVisible();

  await newSmsCampaignForTag(page, `Bulk ${tag}`, tag);
  await expect(page.getByTestId('recipient-count')).toHaveText(
    '130 recipients of 130 contacts in the audience',
  );
  await page
    .getByLabel('Message text')
    .fill('Hi {{first_name}} in {{custom.Region|your region}} and {{City}}');
  await expect(page.getByLabel('Message preview')).toContainText(/Hi Bulk\d+ in North and (Porto|Lisbon)/);
  // The contact outside the filter was not touched.
  await goToSection(page, 'Contacts');
  await choose(page, 'Tag', `other-${tag}`);
  await choose(page, 'Consent', 'SMS consent');
  await expect(page.getByText('No contacts match')).toBeVisible();
});
