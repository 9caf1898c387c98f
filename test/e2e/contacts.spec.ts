// The contact list as a marketer uses it: add contacts by hand (bad emails and phones refused,
// duplicates named), find them by name, email or a phone typed any way, filter, sort, tag in bulk.
import { expect, type Page, test } from '@playwright/test';
import {
  addContact,
  choose,
  contactsTable,
  expectNoContactNamed,
  fillContactForm,
  goToSection,
  listedNames,
  openApp,
  runSuffix,
  search,
} from '../support/contacts-ui';
import { withFreshWorkspace } from '../support/fresh-workspace';
import { openOnDiskPage } from '../support/on-disk-browser';

test('the form refuses a bad email or phone and a duplicate, and saves a valid contact with its E.164 phone', async ({
  page,
}) => {
  const family = `Lima${runSuffix()}`;
  await openApp(page);
  await goToSection(page, 'Contacts');
  await page.getByRole('button', { name: 'Add contact' }).first().click();
  await fillContactForm(page, {
    firstName: 'Ana',
    lastName: family,
    email: 'ana.at.example',
    phone: '555 12',
  });
  const dialog = page.getByRole('dialog', { name: 'Add contact' });
  await dialog.getByRole('button', { name: 'Save contact' }).click();
  await expect(dialog.getByText('Enter a valid email address')).toBeVisible();
  await expect(dialog.getByText('Not a valid phone number')).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expectNoContactNamed(page, family);

  // A valid phone typed in national format shows the number it will be saved as.
  await page.getByRole('button', { name: 'Add contact' }).first().click();
  await fillContactForm(page, {
    firstName: 'Ana',
    lastName: family,
    email: `ana.${family}@example.org`,
    phone: '(415) 555-2671',
  });
  await expect(dialog.getByText('Saved as +14155552671')).toBeVisible();
  await dialog.getByRole('button', { name: 'Save contact' }).click();
  await expect(dialog).toBeHidden();
  await expect(contactsTable(page).getByRole('row', { name: new RegExp(`Ana ${family}`) })).toContainText(
    '+14155552671',
  );

  // The same email (any case) or the same phone in another format is refused, naming the holder.
  await page.getByRole('button', { name: 'Add contact' }).first().click();
  await fillContactForm(page, {
    firstName: 'Anna',
    lastName: family,
    email: `ANA.${family}@Example.org`,
    phone: '+1 415 555 2671',
  });
  await dialog.getByRole('button', { name: 'Save contact' }).click();
  await expect(dialog.getByText(`Ana ${family} already has this email`)).toBeVisible();
  await expect(dialog.getByText(`Ana ${family} already has +14155552671`)).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await search(page, family);
  await expect.poll(() => listedNames(page)).toEqual([`Ana ${family}`]);
});

test.describe('the first contact', () => {
  // An empty workspace of its own: the shared journal holds earlier specs' forms, which make
  // contacts as soon as a page ingests it, so "No contacts yet" would race that ingest.
  withFreshWorkspace();

  test('a contact arriving while the form is open leaves what was typed in it', async ({ page, context }) => {
    const family = `Sato${runSuffix()}`;
    await openApp(page);
    await goToSection(page, 'Contacts');
    await expect(page.getByText('No contacts yet')).toBeVisible();
    await page.getByRole('button', { name: 'Add contact' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Add contact' });
    await dialog.getByLabel('First name', { exact: true }).fill('Ana');
    // Another window on the same store adds the first contact: this page leaves its empty state.
    const other = await context.newPage();
    await openApp(other);
    await addContact(other, { firstName: 'Ben', lastName: family });
    await expect(page.getByText('No contacts yet')).toBeHidden();
    await expect(dialog.getByLabel('First name', { exact: true })).toHaveValue('Ana');
    await dialog.getByLabel('Last name', { exact: true }).fill(family);
    await dialog.getByRole('button', { name: 'Save contact' }).click();
    await expect(dialog).toBeHidden();
    await search(page, family);
    await expect
      .poll(async () => (await listedNames(page)).sort())
      .toEqual([`Ana ${family}`, `Ben ${family}`]);
  });
});

test('search by name, email and phone in any format; filter; sort by name; tag in bulk', async ({ page }) => {
  const family = `Okafor${runSuffix()}`;
  await openApp(page);
  await addContact(page, {
    firstName: 'Ana',
    lastName: family,
    email: `ana.${family}@example.org`,
    phone: '(415) 555-2671',
    tags: 'vip',
    consent: ['SMS consent'],
  });
  await addContact(page, {
    firstName: 'Ben',
    lastName: family,
    email: `ben.${family}@example.org`,
    phone: '+44 20 7946 0958',
    consent: ['WhatsApp consent', 'Email consent'],
  });
  await addContact(page, { firstName: 'Cy', lastName: family, whatsapp: '+33 6 12 34 56 78' });

  await search(page, `ana ${family}`);
  await expect.poll(() => listedNames(page)).toEqual([`Ana ${family}`]);
  await search(page, `ben.${family}@`);
  await expect.poll(() => listedNames(page)).toEqual([`Ben ${family}`]);
  for (const phone of ['415-555-2671', '+1 (415) 555 2671', '4155552671']) {
    await search(page, phone);
    await expect.poll(() => listedNames(page)).toContain(`Ana ${family}`);
  }
  await search(page, '20 7946 0958');
  await expect.poll(() => listedNames(page)).toContain(`Ben ${family}`);
  await search(page, '6 12 34 56 78');
  await expect.poll(() => listedNames(page)).toContain(`Cy ${family}`);
  // Contains-search: the middle of a name, an email's domain, digits from the middle of a number,
  // a country code typed with "+".
  await search(page, family.slice(2).toUpperCase());
  await expect.poll(() => listedNames(page)).toHaveLength(3);
  await search(page, '@example.org');
  await expect.poll(async () => (await listedNames(page)).sort()).toEqual([`Ana ${family}`, `Ben ${family}`]);
  await search(page, '555 26');
  await expect.poll(() => listedNames(page)).toEqual([`Ana ${family}`]);
  await search(page, '+44');
  await expect.poll(() => listedNames(page)).toEqual([`Ben ${family}`]);

  // Sorting by name: the header says which way.
  await search(page, family);
  const nameHeader = page.getByRole('columnheader', { name: 'Name' });
  await nameHeader.getByRole('button').click();
  await expect(nameHeader).toHaveAttribute('aria-sort', 'ascending');
  await expect.poll(() => listedNames(page)).toEqual([`Ana ${family}`, `Ben ${family}`, `Cy ${family}`]);
  await nameHeader.getByRole('button').click();
  await expect(nameHeader).toHaveAttribute('aria-sort', 'descending');
  await expect.poll(() => listedNames(page)).toEqual([`Cy ${family}`, `Ben ${family}`, `Ana ${family}`]);

  // Filters narrow the search (each check starts from a fresh page, so filters do not add up).
  await choose(page, 'Tag', 'vip');
  await expect.poll(() => listedNames(page)).toEqual([`Ana ${family}`]);
  await page.reload();
  await search(page, family);
  await choose(page, 'Consent', 'WhatsApp consent');
  await expect.poll(() => listedNames(page)).toEqual([`Ben ${family}`]);
  await choose(page, 'Stitched', 'Stitched');
  await expect(page.getByText('No contacts match')).toBeVisible();
  await choose(page, 'Stitched', 'Not stitched');
  await expect.poll(() => listedNames(page)).toEqual([`Ben ${family}`]);
  await page.reload();
  await search(page, family);

  // Bulk: tag Ben and Cy, then find them by that tag.
  await page.getByLabel(`Select Ben ${family}`).check();
  await page.getByLabel(`Select Cy ${family}`).check();
  await expect(page.getByRole('region', { name: 'Selected contacts' })).toContainText('2 contacts selected');
  await page.getByRole('button', { name: 'Add tag' }).click();
  const tagDialog = page.getByRole('dialog', { name: 'Add a tag to 2 contacts' });
  await tagDialog.getByLabel('Tag name').fill(`spring-${family}`);
  await tagDialog.getByRole('button', { name: 'Add tag' }).click();
  await expect(tagDialog).toBeHidden();
  await page.getByRole('button', { name: 'Clear selection' }).click();
  await search(page, family);
  await choose(page, 'Tag', `spring-${family}`);
  await expect.poll(async () => (await listedNames(page)).sort()).toEqual([`Ben ${family}`, `Cy ${family}`]);
  await expect(contactsTable(page).getByRole('row', { name: new RegExp(`Ben ${family}`) })).toContainText(
    `spring-${family}`,
  );

  await page.reload();
  await search(page, family);
  await expect.poll(async () => (await listedNames(page)).length).toBe(3);
  await page.screenshot({ path: 'test/e2e/__screenshots__/contacts-list.png' });
});

/**
 * Writes 100,000 contacts straight into the app's IndexedDB store, shaped as `newContact` makes them
 * (run in the page; a string because the test code is compiled without the DOM library).
 */
const SEED_100K_CONTACTS = `(async () => {
  const name = localStorage.getItem('stitchdesk.activeDb') ?? 'stitchdesk';
  const db = await new Promise((resolve, reject) => {
    const open = indexedDB.open(name);
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  for (let start = 0; start < 100000; start += 10000) {
    await new Promise((resolve, reject) => {
      // Relaxed: the seed needs no flush per transaction (a busy disk made ten strict ones overrun).
      const tx = db.transaction('contacts', 'readwrite', { durability: 'relaxed' });
      const store = tx.objectStore('contacts');
      for (let i = start; i < start + 10000; i++) {
        const phone = '+1415' + String(2000000 + i);
        store.put({
          id: 'bulk-' + i,
          firstName: 'Person',
          lastName: String(i),
          email: 'person' + i + '@bulk.example.org',
          phone,
          tags: i % 10 === 0 ? ['tenth'] : [],
          lists: [],
          consent: { sms: i % 2 === 0, whatsapp: false, email: false },
          custom: {},
          createdAt: i,
          updatedAt: i,
          stats: { lastSeen: 1700000000000 + i, pageViews: i % 97, sessions: 0, clicks: i % 7, messages: 0, visitors: 0 },
          nameKey: 'person ' + i,
          lastNameKey: i + ' person',
          phoneTails: [[...phone.slice(1)].reverse().join('')],
        });
      }
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
  }
  db.close();
})()`;

test('the list stays windowed and responsive over 100,000 contacts', async () => {
  test.setTimeout(240_000); // the seed takes 20–60 s on a 2-core box
  // On disk, as the app's store is: off the record, 100,000 writes took over four minutes here.
  const onDisk = await openOnDiskPage();
  try {
    await listOf100k(onDisk.page);
  } catch (error) {
    // CI keeps no files: what the page held goes to the log with the failure.
    console.log(
      await onDisk.page
        .locator('main')
        .ariaSnapshot()
        .catch(() => 'no snapshot'),
    );
    throw error;
  } finally {
    await onDisk.close();
  }
});

async function listOf100k(page: Page): Promise<void> {
  await openApp(page);
  await goToSection(page, 'Contacts');
  await page.evaluate(SEED_100K_CONTACTS);
  await page.reload();
  const total = page.getByText(/^[\d,]+ contacts$/);
  await expect(total).toBeVisible();
  expect(Number((await total.textContent())?.replace(/\D/g, ''))).toBeGreaterThanOrEqual(100_000);
  const rows = contactsTable(page).locator('tbody tr');
  await expect(contactsTable(page).getByRole('link').first()).toBeVisible();
  expect(await rows.count()).toBeLessThan(100);

  // Jump to the middle at once, while the search index is still being read: the sort index is
  // walked to row 50,000 (1.5–3 s on a 2-core box, measured in the page), and the DOM stays small.
  const coldMs = await jumpTo(page, 0.5, '^Person 49\\d{3}$');
  expect(await rows.count()).toBeLessThan(100);
  test
    .info()
    .annotations.push({ type: 'jump to row 50,000 while the index is read', description: `${coldMs} ms` });
  console.log(`jump to row 50,000 while the index is read: ${coldMs} ms`);

  // Search and sort still answer at this size.
  await search(page, '(415) 207-7777');
  await expect.poll(() => listedNames(page)).toEqual(['Person 77777']);
  await search(page, '');
  await page.getByRole('columnheader', { name: 'Page views' }).getByRole('button').click();
  await expect(page.getByRole('columnheader', { name: 'Page views' })).toHaveAttribute(
    'aria-sort',
    'descending',
  );
  await expect(contactsTable(page).locator('tbody tr').first()).toContainText('96');

  // Once the index is read (the search above waited for it), any row is a slice away in memory
  // (the first deep window also sorts the 100,000 ids once: 270-700 ms here).
  await page.getByRole('columnheader', { name: 'Last seen' }).getByRole('button').click();
  await expect(page.getByRole('columnheader', { name: 'Last seen' })).toHaveAttribute(
    'aria-sort',
    'descending',
  );
  await expect(contactsTable(page).getByRole('link', { name: 'Person 99999' })).toBeVisible();
  const warmMs = await jumpTo(page, 0.75, '^Person 2[45]\\d{3}$');
  test.info().annotations.push({ type: 'jump to row 75,000 from memory', description: `${warmMs} ms` });
  console.log(`jump to row 75,000 from memory: ${warmMs} ms`);
  expect(warmMs).toBeLessThan(2_000);
  expect(await rows.count()).toBeLessThan(100);
}

/**
 * Scrolls the list to `fraction` of its height and returns the milliseconds, timed in the page (on
 * every DOM change and frame), until a contact whose name matches `name` is shown; fails after 10 s.
 * A string because the test code is compiled without the DOM library.
 */
async function jumpTo(page: Page, fraction: number, name: string): Promise<number> {
  return page.evaluate(`new Promise((resolve, reject) => {
    const scroller = document.querySelector('table[aria-label="Contacts"]').parentElement;
    const pattern = new RegExp(${JSON.stringify(name)});
    const started = performance.now();
    const shown = () => [...document.querySelectorAll('table[aria-label="Contacts"] tbody a')].some((a) => pattern.test(a.textContent.trim()));
    const observer = new MutationObserver(check);
    const timer = setTimeout(() => { observer.disconnect(); reject(new Error('no row named ' + pattern + ' within 10 s')); }, 10000);
    function check() {
      if (!shown()) return void requestAnimationFrame(() => shown() && check());
      observer.disconnect();
      clearTimeout(timer);
      resolve(Math.round(performance.now() - started));
    }
    observer.observe(scroller, { childList: true, subtree: true, characterData: true });
    scroller.scrollTop = scroller.scrollHeight * ${fraction};
  })`);
}
