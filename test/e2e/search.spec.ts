// Contains-search in the contact list, as a marketer types it: an email's domain, the middle digits
// of a phone number, a country code, and a part of a surname each find their contacts.
import { expect, test } from '@playwright/test';
import { addContact, contactsTable, listedNames, openApp, runSuffix, search } from '../support/contacts-ui';

test('search finds an email domain, middle phone digits, a country code and part of a name', async ({
  page,
}) => {
  const s = runSuffix();
  await openApp(page);
  await addContact(page, {
    firstName: 'Gina',
    lastName: `Marsh${s}`,
    email: `gina.${s}@gmail-${s}.com`,
    phone: '+14155552671',
  });
  await addContact(page, {
    firstName: 'Hugo',
    lastName: `Pemberton${s}`,
    email: `hugo.${s}@shop-${s}.co.uk`,
    phone: '+447400123456',
  });

  await search(page, `gmail-${s}.com`);
  await expect.poll(() => listedNames(page)).toEqual([`Gina Marsh${s}`]);
  await search(page, `berton${s}`);
  await expect.poll(() => listedNames(page)).toEqual([`Hugo Pemberton${s}`]);
  // Middle digits of +1 415 555 2671.
  await search(page, '5552');
  await expect(contactsTable(page).getByRole('link', { name: `Gina Marsh${s}` })).toBeVisible();
  await expect(contactsTable(page).getByRole('link', { name: `Hugo Pemberton${s}` })).toHaveCount(0);
  await search(page, '+44');
  await expect(contactsTable(page).getByRole('link', { name: `Hugo Pemberton${s}` })).toBeVisible();
  await expect(contactsTable(page).getByRole('link', { name: `Gina Marsh${s}` })).toHaveCount(0);
  await search(page, `nobody-${s}`);
  await expect(page.getByText('No contacts match')).toBeVisible();
});
