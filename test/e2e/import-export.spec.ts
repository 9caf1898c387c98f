// S11: a CSV with good rows, malformed phones, duplicate emails and an injected =HYPERLINK name is
// imported through the wizard, then exported: bad rows are listed with line and reason, duplicates
// are merged as chosen, and the exported CSV neutralises the formula while phones stay intact.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import Papa from 'papaparse';
import { appUrl } from '../support/app';

const FIXTURE = join(__dirname, '../fixtures/contacts-s11.csv');

async function openSection(page: Page, hash: string): Promise<void> {
  await page.goto(appUrl());
  await expect(page).toHaveURL(/#\/contacts$/);
  // A same-document navigation: the bridge token stays with the page.
  await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
}

async function downloadedText(
  page: Page,
  click: () => Promise<void>,
): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  const path = await download.path();
  return { name: download.suggestedFilename(), text: readFileSync(path, 'utf8').replace(/^\uFEFF/, '') };
}

test('S11: import a hostile CSV, then export it neutralised', async ({ page }) => {
  const workers: string[] = [];
  page.on('worker', (worker) => workers.push(worker.url()));
  await openSection(page, '#/import');
  await expect(page.getByRole('heading', { level: 1, name: 'Import contacts' })).toBeVisible();

  // 1. File
  await page.getByLabel('Contacts file').setInputFiles(FIXTURE);

  // 2. Columns: guessed from the headers; the preview shows the first rows.
  const mapping = page.getByRole('table', { name: 'Column mapping' });
  await expect(mapping).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Import column Phone as' })).toHaveValue('Phone');
  await expect(page.getByRole('combobox', { name: 'Import column Notes as' })).toHaveValue(
    'Custom field “Notes”',
  );
  await expect(page.getByRole('table', { name: 'File preview' })).toContainText(
    '=HYPERLINK("http://evil.example","click")',
  );
  await page.getByRole('button', { name: 'Next' }).click();

  // 3. Options: numbers without + are US numbers; duplicates are merged.
  const country = page.getByRole('combobox', { name: 'Default country for phone numbers' });
  await country.click();
  await country.fill('United States');
  await page.getByRole('option', { name: 'United States (US)' }).click();
  await page.getByRole('radio', { name: /^Merge/ }).check();
  await page.getByRole('button', { name: 'Start import' }).click();

  // 5. Result: counts, and each rejected row with its line and reason.
  const result = page.getByRole('table', { name: 'Import result' });
  await expect(result).toBeVisible();
  // The file was read in the import worker, off the UI thread.
  expect(workers.some((url) => url.includes('import.worker'))).toBe(true);
  const count = (name: string) =>
    result
      .getByRole('row', { name: new RegExp(`^${name}`) })
      .getByRole('cell')
      .first();
  await expect(count('Imported')).toHaveText('4');
  await expect(count('Updated')).toHaveText('1');
  await expect(count('Skipped')).toHaveText('0');
  await expect(count('Rejected')).toHaveText('2');
  const rejected = page.getByRole('table', { name: 'Rejected rows' }).getByRole('row');
  await expect(rejected.nth(1)).toContainText(
    'line 5: phone 12345 is not a valid number for United States (US): too short',
  );
  await expect(rejected.nth(2)).toContainText('line 9: email not-an-email is not a valid address');

  const rejectedFile = await downloadedText(page, () =>
    page.getByRole('button', { name: 'Download rejected rows' }).click(),
  );
  expect(rejectedFile.name).toBe('contacts-s11-rejected.csv');
  const rejectedRows = Papa.parse<Record<string, string>>(rejectedFile.text, {
    header: true,
    skipEmptyLines: true,
  });
  expect(rejectedRows.data.map((row) => [row.Line, row.Reason, row.Email])).toEqual([
    ['5', 'phone 12345 is not a valid number for United States (US): too short', 'badphone@example.org'],
    ['9', 'email not-an-email is not a valid address', 'not-an-email'],
  ]);

  // Export everything as CSV.
  await page.evaluate(`location.hash = '#/export'`);
  await expect(page.getByRole('heading', { level: 1, name: 'Export contacts' })).toBeVisible();
  // The run's shared journal may have brought contacts of other tests (forms create contacts).
  await expect(page.getByText(/^(\d+) of \1 contacts will be exported\.$/)).toBeVisible();
  const exported = await downloadedText(page, () => page.getByRole('button', { name: 'Export CSV' }).click());
  expect(exported.name).toMatch(/^stitchdesk-contacts-\d{4}-\d{2}-\d{2}\.csv$/);
  const rows = Papa.parse<Record<string, string>>(exported.text, { header: true, skipEmptyLines: true }).data;
  const byLast = (last: string) => rows.find((row) => row['Last name'] === last);

  const fromFixture = rows.filter((row) =>
    ['Lovelace', 'Hopper', 'Mallory', 'Pipes'].includes(row['Last name'] ?? ''),
  );
  expect(fromFixture).toHaveLength(4);
  // The formula is neutralised; the raw text never starts a cell.
  expect(byLast('Mallory')?.['First name']).toBe(`'=HYPERLINK("http://evil.example","click")`);
  expect(exported.text).not.toMatch(/(^|,)"?=HYPERLINK/m);
  // Phones are E.164 and untouched by the neutralising rule.
  expect(byLast('Mallory')?.Phone).toBe('+14155550199');
  expect(byLast('Lovelace')).toMatchObject({
    Phone: '+14155552671',
    Email: 'ada@example.org',
    'SMS consent': 'yes',
  });
  expect(byLast('Hopper')).toMatchObject({
    Phone: '+447400123456',
    'Phone type': 'mobile',
    'custom.Notes': 'two\r\nline note',
  });
  expect(byLast('Pipes')).toMatchObject({ Phone: '+12015550123', Tags: 'a; b' });
  // The duplicate "Ada Again" (same email, other case) was merged into Ada Lovelace: tags added, name kept.
  expect(byLast('Lovelace')?.Tags).toBe('vip; spring; returning');
  expect(byLast('Again')).toBeUndefined();
});

test('a file that is not UTF-8 is refused with the place of the bad byte', async ({ page }) => {
  await openSection(page, '#/import');
  const bytes = Buffer.concat([
    Buffer.from('First name,Email\nJos'),
    Buffer.from([0xe9]),
    Buffer.from(',jose@example.org\n'),
  ]);
  await page
    .getByLabel('Contacts file')
    .setInputFiles({ name: 'latin1.csv', mimeType: 'text/csv', buffer: bytes });
  await expect(page.getByRole('alert')).toContainText(
    'latin1.csv: The file is not valid UTF-8: byte 20 (line 2)',
  );
});
