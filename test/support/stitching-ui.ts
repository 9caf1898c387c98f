// Page objects for the stitching scenarios: an SMS campaign made and prepared in the app (its send
// file read from the download), and a "device" — a browser context visiting the test website whose
// tracker traffic is watched, so a test knows what reached the collector before reading the app.
import { readFileSync } from 'node:fs';
import { type Browser, type BrowserContext, expect, type Page } from '@playwright/test';
import Papa from 'papaparse';
import type { CollectPayload, TrackedEvent } from '../../src-main/shared/events';
import { BROWSER_USER_AGENT } from './browser';
import { goToSection } from './contacts-ui';

export interface SendFileRow {
  message_id: string;
  phone: string;
  channel: string;
  text: string;
  link: string;
}

/** Creates an SMS campaign to everyone with SMS consent, with `text` as its message. */
export async function createSmsCampaign(page: Page, name: string, text: string): Promise<void> {
  await goToSection(page, 'Campaigns');
  await page.getByRole('button', { name: 'New campaign' }).click();
  const modal = page.getByRole('dialog', { name: 'New campaign' });
  await modal.getByLabel('Campaign name').fill(name);
  await modal.getByText('SMS', { exact: true }).click();
  await modal.getByRole('button', { name: 'Create campaign' }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await page.getByLabel('Message text').fill(text);
}

/** Prepare, export the send file (read from the download) and mark the messages sent. */
export async function prepareAndExport(page: Page, recipients: number): Promise<SendFileRow[]> {
  await expect(page.getByTestId('recipient-count')).toContainText(
    `${recipients} ${recipients === 1 ? 'recipient' : 'recipients'}`,
  );
  await page.getByRole('tab', { name: 'Prepare & send' }).click();
  await page.getByRole('button', { name: 'Prepare', exact: true }).click();
  await expect(page.getByTestId('prepared-count')).toContainText(`${recipients} prepared`);
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export send file' }).click();
  const file = await (await download).path();
  const parsed = Papa.parse<SendFileRow>(readFileSync(file, 'utf8'), { header: true, skipEmptyLines: true });
  expect(parsed.data).toHaveLength(recipients);
  await page.getByRole('button', { name: 'Mark as sent' }).click();
  // The confirmation names the count before anything is recorded.
  const confirm = page.getByRole('dialog', {
    name: `Mark ${recipients} ${recipients === 1 ? 'message' : 'messages'} as sent?`,
  });
  await confirm.getByRole('button', { name: `Mark ${recipients} as sent` }).click();
  await expect(confirm).toBeHidden();
  await expect(page.getByTestId('prepared-count')).toContainText(`0 prepared · ${recipients} sent`);
  return parsed.data;
}

/** The tracked link the send file holds for the recipient at `phone` (E.164). */
export function linkFor(rows: readonly SendFileRow[], phone: string): string {
  const link = rows.find((row) => row.phone === phone)?.link;
  if (!link) throw new Error(`no message to ${phone} in the send file`);
  return link;
}

/** Waits until the app has applied everything the journal announced. */
export async function storeUpToDate(page: Page): Promise<void> {
  await expect(page.getByLabel('Store status')).toHaveText('Store up to date', { timeout: 20_000 });
}

/**
 * One device: a browser context with its own cookies and storage, on the test website. Every
 * `/collect` body it sends is kept (to prove what never leaves the page) and every batch the
 * collector accepted is counted, so a test can wait for a page view to be journalled.
 */
export class Device {
  /** Raw bodies of every `/collect` request, sent or not yet answered. */
  readonly bodies: string[] = [];
  /** Events in batches the collector answered with a 2xx. */
  readonly delivered: TrackedEvent[] = [];

  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
    readonly origin: string,
  ) {}

  static async open(browser: Browser, origin: string, userAgent = BROWSER_USER_AGENT): Promise<Device> {
    const context = await browser.newContext({ userAgent });
    const device = new Device(context, await context.newPage(), origin);
    const isCollect = (url: string, method: string) =>
      method === 'POST' && new URL(url).pathname === '/collect';
    context.on('request', (request) => {
      if (isCollect(request.url(), request.method())) device.bodies.push(request.postData() ?? '');
    });
    context.on('requestfinished', async (request) => {
      if (!isCollect(request.url(), request.method())) return;
      const response = await request.response().catch(() => null);
      if (!response?.ok()) return;
      try {
        const payload = JSON.parse(request.postData() ?? '{}') as Partial<CollectPayload>;
        device.delivered.push(...(payload.batch ?? []));
      } catch {
        // Not a batch this device can have sent; the waits then time out and say which event is missing.
      }
    });
    return device;
  }

  /**
   * Opens a page of the site by its address, as typed or bookmarked, and stays until its page view
   * reached the collector: a view queued on a page that is left goes out by beacon, whose answer
   * Playwright does not report, so a reader here waits on each page for the tracker's timed batch.
   */
  async visit(path: string): Promise<void> {
    const before = this.delivered.length;
    await this.page.goto(`${this.origin}${path}`);
    await this.pageViewDelivered(new URL(this.page.url()).pathname, { since: before });
  }

  /** Opens a tracked link; waits for the landing page with the click token gone from the address bar. */
  async openLink(link: string, landingPath = '/pricing'): Promise<void> {
    const before = this.delivered.length;
    await this.page.goto(link);
    await expect(this.page).toHaveURL(new RegExp(`^${this.origin}${landingPath}`));
    await expect.poll(() => new URL(this.page.url()).searchParams.has('ps_ct')).toBe(false);
    await this.pageViewDelivered(landingPath, { since: before, clickToken: true });
  }

  /** Follows a link of the site's navigation, as a reader does, and stays until the page view is sent. */
  async follow(linkName: string, title: string): Promise<void> {
    const before = this.delivered.length;
    await this.page.getByRole('navigation').getByRole('link', { name: linkName, exact: true }).click();
    await expect(this.page).toHaveTitle(title);
    await this.pageViewDelivered(new URL(this.page.url()).pathname, { since: before });
  }

  /**
   * Waits until the collector accepted a page view of `path` (the tracker batches for a second);
   * `since` (a count of delivered events) skips earlier views of the same page.
   */
  async pageViewDelivered(path: string, opts: { since?: number; clickToken?: boolean } = {}): Promise<void> {
    await expect
      .poll(
        () =>
          this.delivered
            .slice(opts.since ?? 0)
            .some(
              (event) =>
                event.type === 'page' &&
                event.context?.page?.path === path &&
                (!opts.clickToken || typeof event.context?.clickToken === 'string'),
            ),
        { timeout: 15_000, message: `page view of ${path} delivered` },
      )
      .toBe(true);
  }

  /**
   * Waits until an event of `type` was sent. An event sent as the page unloads (a form submit) goes
   * by beacon, whose answer Playwright may not report: the app's own screens then prove its arrival.
   */
  async eventSent(type: TrackedEvent['type']): Promise<void> {
    await expect
      .poll(() => this.bodies.some((body) => body.includes(`"type":"${type}"`)), {
        timeout: 15_000,
        message: `${type} sent`,
      })
      .toBe(true);
  }

  /** The browser's visitor id: the tracker's first-party cookie on the site. */
  async visitorId(): Promise<string> {
    const cookie = (await this.context.cookies(this.origin)).find((c) => c.name === 'ps_vid');
    if (!cookie) throw new Error('no visitor cookie on the site');
    return cookie.value;
  }

  /** Forgets the site: cookies and storage cleared, as a user wiping browsing data does. */
  async clearCookiesAndStorage(): Promise<void> {
    await this.context.clearCookies();
    await this.page.evaluate('localStorage.clear()');
  }

  close(): Promise<void> {
    return this.context.close();
  }
}

/** How the Visitors page names a browser: "Visitor" and the first 8 characters of its id. */
export const visitorLabel = (visitorId: string): string => `Visitor ${visitorId.slice(0, 8)}`;
