// An email campaign through the UI against a real SMTP server in this process (smtp-server, messages
// parsed with mailparser): SMTP set up in the app, a test send, the send with one hard bounce, the
// tracked link from the received message opened on a desktop browser and stitched, then a one-click
// unsubscribe posted as a mail client does, and the contact's email consent shown withdrawn. Email is
// refused with links no phone can open, so the link base is a public name this browser resolves to
// the collector on this computer, as a tunnel's name would reach it.
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { appUrl } from '../support/app';
import { bridgeCall } from '../support/bridge';
import { BROWSER_USER_AGENT, CHROMIUM_ARGS, chromiumPath } from '../support/browser';
import {
  addContact,
  addTrackedSite,
  choose,
  goToSection,
  openApp,
  openProfile,
  runSuffix,
} from '../support/contacts-ui';
import { type SmtpPeer, startSmtpPeer } from '../support/smtp-peer';
import type { TestSite } from '../support/test-site';

const LOGIN = { user: 'stitchdesk', password: 'e2e smtp password' };
const PUBLIC_HOST = 'links.mail-shop.example';

test.use({
  launchOptions: {
    executablePath: chromiumPath(),
    args: [...CHROMIUM_ARGS, `--host-resolver-rules=MAP ${PUBLIC_HOST} 127.0.0.1`],
  },
});

let smtp: SmtpPeer;
const sites: TestSite[] = [];
test.beforeAll(async () => {
  smtp = await startSmtpPeer({
    login: LOGIN,
    onRcpt: (address) =>
      address.startsWith('gone-') ? { code: 550, message: '5.1.1 No such user here' } : null,
  });
});
// Every spec shares this app: the link base goes back to the collector's own address.
test.afterEach(async ({ request }) => {
  await bridgeCall(request, 'settings.update', { links: { baseUrl: null } });
});
test.afterAll(async () => {
  await smtp.close();
  for (const site of sites) await site.close();
});

/** The message's raw headers with folded lines joined, as a mail client reads them. */
const headerValue = (raw: Buffer, name: string): string | undefined => {
  const head =
    raw
      .toString('utf8')
      .split(/\r\n\r\n/)[0]
      ?.replace(/\r\n[ \t]+/g, ' ') ?? '';
  return new RegExp(`^${name}: (.*)$`, 'im').exec(head)?.[1];
};

test('email: an email campaign built, test-sent and sent over SMTP, its link stitched and its unsubscribe honoured', async ({
  page,
  browser,
  request,
}) => {
  test.setTimeout(150_000);
  const run = runSuffix();
  const tag = `mail-${run}`;
  const collector = new URL(appUrl());
  const publicBase = `http://${PUBLIC_HOST}:${collector.port}`;
  await bridgeCall(request, 'settings.update', { links: { baseUrl: publicBase } });
  await openApp(page);
  const site = await addTrackedSite(page, `Mail shop ${run}`);
  sites.push(site);
  const ana = { firstName: 'Ana', lastName: `Mail${run}` };
  await addContact(page, { ...ana, email: `ana-${run}@example.com`, tags: tag, consent: ['Email consent'] });
  await addContact(page, {
    firstName: 'Gus',
    lastName: `Gone${run}`,
    email: `gone-${run}@example.com`,
    tags: tag,
    consent: ['Email consent'],
  });
  // No email consent: left out.
  await addContact(page, {
    firstName: 'Cy',
    lastName: `NoMail${run}`,
    email: `cy-${run}@example.com`,
    tags: tag,
  });

  const name = `Spring letter ${run}`;
  await goToSection(page, 'Campaigns');
  await page.getByRole('button', { name: 'New campaign' }).click();
  const modal = page.getByRole('dialog', { name: 'New campaign' });
  await modal.getByLabel('Campaign name').fill(name);
  await modal.getByText('Email', { exact: true }).click();
  await modal.getByRole('button', { name: 'Create campaign' }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await page.getByRole('radiogroup', { name: 'Audience' }).getByText('Tag', { exact: true }).click();
  await choose(page, 'Tag', tag);
  await expect(page.getByTestId('recipient-count')).toContainText('2 recipients');
  await expect(page.getByLabel('Excluded contacts')).toContainText('No consent for this channel: 1');

  // SMTP settings first: the test send goes through them.
  await page.getByRole('tab', { name: 'Prepare & send' }).click();
  await page.getByRole('button', { name: 'SMTP settings' }).click();
  await page.getByLabel('SMTP host').fill('127.0.0.1');
  await page.getByLabel('Port', { exact: true }).fill(String(smtp.port));
  await choose(page, 'Security', 'None (local relay)');
  await page.getByLabel('SMTP user').fill(LOGIN.user);
  await page.getByLabel('SMTP password').fill(LOGIN.password);
  await page.getByLabel('From address').fill('news@shop.example');
  await page.getByLabel('From name').fill('Shop News');
  await page.getByLabel('Emails per second').fill('20');
  await page.getByRole('button', { name: 'Save SMTP settings' }).click();
  await expect(page.getByTestId('smtp-status')).toContainText(`127.0.0.1:${smtp.port}`);
  // The password never comes back to the page.
  expect(await page.content()).not.toContain(LOGIN.password);

  await page.getByRole('tab', { name: 'Build' }).click();
  await page.getByLabel('Subject').fill('Spring is here, {{first_name|friend}}');
  await page.getByLabel('Preheader').fill('Twenty percent off for {{first_name}}');
  await page
    .getByLabel('HTML part')
    .fill(`<h1>Hi {{first_name|there}}</h1><p>See <a href="${site.origin}/pricing">our prices</a>.</p>`);
  await page.getByLabel('Plain-text part').fill(`Hi {{first_name|there}}, see ${site.origin}/pricing`);
  await expect(page.getByLabel(`Track ${site.origin}/pricing`)).toBeChecked();
  await expect(page.getByTestId('email-subject')).toHaveText('Spring is here, Ana');
  await expect(page.getByTestId('email-text')).toContainText(/Unsubscribe: http\S+\/u\/preview/);

  // A bad test address is refused in the composer with the reason.
  await page.getByLabel('Test send to').fill('me@');
  await expect(page.getByText('email me@ is not a valid address')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Send test' })).toBeDisabled();
  await page.getByLabel('Test send to').fill(`tester-${run}@example.com`);
  await page.getByRole('button', { name: 'Send test' }).click();
  await expect(page.getByText(`Test email sent to tester-${run}@example.com.`)).toBeVisible();
  const test1 = smtp.received.find((m) => m.to.includes(`tester-${run}@example.com`));
  expect(test1?.parsed.subject).toBe('[Test] Spring is here, Ana');

  await page.getByRole('tab', { name: 'Prepare & send' }).click();
  await page.getByRole('button', { name: 'Prepare', exact: true }).click();
  await expect(page.getByTestId('prepared-count')).toContainText('2 prepared');
  // The .eml download is the first recipient's email exactly as the sender composes it.
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download .eml' }).click();
  const eml = readFileSync(await (await download).path(), 'utf8');
  expect(eml).toMatch(/^Subject: Spring is here, Ana\r$/m);
  expect(eml).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r$/m);
  await page.getByRole('button', { name: 'Send 2 by email' }).click();
  // The outbox sends them at once (no send time, no quiet hours); outcomes come back to the store.
  await expect(page.getByText('Sending 2 messages.')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('table', { name: 'Prepared messages' })).toContainText(
    'Hard bounce, SMTP 550',
    {
      timeout: 30_000,
    },
  );

  const mail = smtp.received.find((m) => m.to.includes(`ana-${run}@example.com`));
  if (!mail) throw new Error('the SMTP server got no email for Ana');
  expect(mail.parsed.subject).toBe('Spring is here, Ana');
  expect(mail.parsed.from?.text).toBe('"Shop News" <news@shop.example>');
  expect(mail.parsed.text).toContain('Hi Ana, see ');
  expect(mail.parsed.html).toContain('<h1>Hi Ana</h1>');
  expect(mail.parsed.html).toContain('Twenty percent off for Ana');
  expect(headerValue(mail.raw, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
  const unsubscribeUrl = /<(http[^>]+\/u\/[^>]+)>/.exec(headerValue(mail.raw, 'List-Unsubscribe') ?? '')?.[1];
  const link = /href="(http[^"]+\/r\/[A-Za-z0-9_-]{16})"/.exec(String(mail.parsed.html))?.[1];
  if (!unsubscribeUrl || !link) throw new Error('no tracked link or List-Unsubscribe in the received email');
  expect(link.startsWith(`${publicBase}/r/`)).toBe(true);
  expect(unsubscribeUrl.startsWith(`${publicBase}/u/`)).toBe(true);
  expect(mail.parsed.text).toContain(link);

  // Ana opens it at her desk: a fresh desktop browser on the test website.
  const context = await browser.newContext({ userAgent: BROWSER_USER_AGENT });
  const tab = await context.newPage();
  await tab.goto(link);
  await expect(tab).toHaveURL(new RegExp(`^${site.origin}/pricing`));
  expect(new URL(tab.url()).searchParams.get('utm_medium')).toBe('email');
  await expect.poll(() => new URL(tab.url()).searchParams.has('ps_ct')).toBe(false);
  await expect(tab.getByRole('heading', { name: 'Pricing' })).toBeVisible();

  await openProfile(page, `${ana.firstName} ${ana.lastName}`);
  await expect(page.getByRole('region', { name: 'Identities' })).toContainText(
    `Linked by email campaign ${name}`,
    {
      timeout: 20_000,
    },
  );
  const timeline = page.getByRole('region', { name: 'Timeline' });
  await expect(timeline).toContainText('Email sent');
  await expect(page.getByText('Email consent', { exact: true })).toBeVisible();

  // The mail client's one-click unsubscribe (RFC 8058): a POST with no cookies and no page.
  // This request comes from the test, not the browser: the tunnel's forwarding, done by hand.
  const answer = await request.post(unsubscribeUrl.replace(publicBase, collector.origin), {
    form: { 'List-Unsubscribe': 'One-Click' },
  });
  expect(answer.status()).toBe(200);
  await expect(page.getByText('Email no consent', { exact: true })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByLabel('Consent sources')).toContainText(`Email consent withdrawn`);
  await expect(page.getByLabel('Consent sources')).toContainText(
    `Unsubscribed by one-click unsubscribe in email campaign ${name}`,
  );
  await expect(timeline).toContainText('Unsubscribed from email');

  // Gus's address bounced for good: flagged on his profile.
  await openProfile(page, `Gus Gone${run}`);
  await expect(page.getByTestId('email-bounce')).toContainText('Hard bounce, SMTP 550');
  await context.close();
});
