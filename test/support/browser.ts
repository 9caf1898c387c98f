// The browser the tests and benchmarks drive: Debian's Chromium unless STITCHDESK_CHROMIUM says
// otherwise, launched with flags that keep it off the (closed) network.
import { existsSync } from 'node:fs';
import type { Page } from '@playwright/test';
import chromiumArgs from './chromium-args.json';

/** Flags that keep Chromium off the (closed) network; shared with the benchmarks. */
export const CHROMIUM_ARGS: string[] = chromiumArgs;

/** A desktop Chrome user agent, so test traffic is not filtered as a bot. */
export const BROWSER_USER_AGENT =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

export function chromiumPath(): string {
  const path = process.env.STITCHDESK_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(path)) {
    throw new Error(
      `No Chromium at ${path}. Install Debian's chromium (apt-get install chromium) or set STITCHDESK_CHROMIUM to a Chromium/Chrome binary.`,
    );
  }
  return path;
}

/**
 * The whole page in one picture, as someone scrolling through it sees it. A full-page capture
 * paints the app's fixed header, sidebar and status bar where the viewport stood, across the
 * middle of a long profile; a viewport as tall as the page keeps them at its edges.
 */
export async function wholePageScreenshot(page: Page, path: string): Promise<void> {
  const viewport = page.viewportSize();
  // Expressions as strings: this module is compiled without the DOM's types.
  const height = Number(await page.evaluate('document.documentElement.scrollHeight'));
  if (viewport)
    await page.setViewportSize({ width: viewport.width, height: Math.max(height, viewport.height) });
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path });
  if (viewport) await page.setViewportSize(viewport);
}
