// A long stitched timeline stays light: only the rows in view are in the page, and older events
// load as the marketer scrolls down to them.
import { expect, test } from '@playwright/test';
import { appUrl } from '../support/app';
import { bridgeCall } from '../support/bridge';
import { BROWSER_USER_AGENT } from '../support/browser';
import { addContact, openApp, openProfile, runSuffix } from '../support/contacts-ui';

const EVENTS = 350;

test('a 350-event timeline renders a window of rows and loads older events on scroll', async ({
  page,
  request,
}) => {
  const suffix = runSuffix();
  const name = `Tia Long${suffix}`;
  const email = `tia.${suffix}@example.org`;
  await openApp(page);
  await addContact(page, { firstName: 'Tia', lastName: `Long${suffix}`, email });

  // One browser's history, sent as the tracking script would, then an identify with Tia's email.
  const site = await bridgeCall(request, 'sites.create', { name: `Timeline ${suffix}`, origins: [] });
  const visitor = `visitor-${suffix}`;
  const start = Date.now() - EVENTS * 60_000;
  const events: Record<string, unknown>[] = Array.from({ length: EVENTS }, (_, n) => ({
    messageId: `${visitor}-${n}`,
    type: 'page',
    anonymousId: visitor,
    timestamp: new Date(start + n * 60_000).toISOString(),
    context: {
      page: { path: `/p/${n}`, url: `https://shop.test/p/${n}`, title: `Page ${n}` },
      userAgent: BROWSER_USER_AGENT,
    },
  }));
  events.push({
    messageId: `${visitor}-identify`,
    type: 'identify',
    anonymousId: visitor,
    timestamp: new Date().toISOString(),
    traits: { email },
    context: { userAgent: BROWSER_USER_AGENT },
  });
  const collect = await request.post(`${new URL(appUrl()).origin}/collect`, {
    headers: { 'content-type': 'text/plain', 'user-agent': BROWSER_USER_AGENT },
    data: JSON.stringify({ siteId: site.id, sentAt: new Date().toISOString(), batch: events }),
  });
  expect(collect.status()).toBe(200);

  await expect(page.getByText('Store up to date')).toBeVisible({ timeout: 20_000 });
  await openProfile(page, name);
  const list = page.getByRole('list', { name: 'Timeline events' });
  await expect(list.getByRole('listitem').filter({ hasText: '/p/349' })).toBeVisible({ timeout: 20_000 });
  // Windowed: far fewer rows in the page than events on the timeline.
  expect(await list.getByRole('listitem').count()).toBeLessThan(80);
  await expect(list.getByText('/p/0', { exact: true })).toHaveCount(0);

  // Scrolling to the end brings older pages, down to the first one.
  await expect
    .poll(
      async () => {
        await list.evaluate((ul) => {
          const scroller = ul.parentElement;
          if (scroller) scroller.scrollTop = scroller.scrollHeight;
        });
        return list.getByText('/p/0', { exact: true }).count();
      },
      { timeout: 30_000 },
    )
    .toBe(1);
});
