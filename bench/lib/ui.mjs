// Drives the real app UI in Chromium for the UI benchmarks: opening the app, timing a UI change
// inside the page, and importing a contacts file through the Import wizard.
import { BROWSER_UA } from './headless.mjs';

/** A desktop-sized window with a normal browser user agent: the options of the browser a bench opens. */
export const APP_WINDOW = { userAgent: BROWSER_UA, locale: 'en-US', viewport: { width: 1440, height: 900 } };

/**
 * The app's own page (its own IndexedDB) in `browser`: one launched by `launchPersistentChromium`
 * (its store on disk, as the installed app's is) or, given a plain browser, an off-the-record context.
 */
export async function openApp(browser, appUrl) {
  const context = 'context' in browser ? browser.context : await browser.newContext(APP_WINDOW);
  const page = await context.newPage();
  await page.goto(appUrl);
  await page.waitForURL(/#\/contacts$/);
  await page.getByRole('heading', { level: 1, name: 'Contacts' }).waitFor();
  return { context, page };
}

/** A same-document navigation: the page, its store and its ingest loop stay as they are. */
export async function goTo(page, hash) {
  await page.evaluate((h) => {
    location.hash = h;
  }, hash);
}

/**
 * Runs in the page: performs `action`, then waits until `until` holds in the DOM (checked on every
 * DOM mutation, and every 50 ms) and for the frame showing it to be painted (requestAnimationFrame,
 * then a task). Times are `performance.now()` deltas from just before the action.
 *
 * action: { kind: 'hash', hash } | { kind: 'input', label, value } | { kind: 'click', text }
 * until:  { kind: 'present', selector, min } | { kind: 'text', selector, text }
 *       | { kind: 'names', selector, names } (the links' texts are exactly `names`, in any order)
 * phases: optional { selector, prefixes }: when each text first appeared in `selector`'s text.
 */
function measureInPage({ action, until, phases, timeoutMs }) {
  const textOf = (el) => (el?.textContent ?? '').trim();
  const holds = () => {
    switch (until.kind) {
      case 'present':
        return document.querySelectorAll(until.selector).length >= (until.min ?? 1);
      case 'text':
        return textOf(document.querySelector(until.selector)) === until.text;
      case 'names': {
        const shown = [...document.querySelectorAll(until.selector)].map(textOf).sort();
        return shown.length === until.names.length && shown.every((name, i) => name === until.names[i]);
      }
      default:
        throw new Error(`unknown condition ${until.kind}`);
    }
  };
  const act = () => {
    if (action.kind === 'hash') {
      location.hash = action.hash;
    } else if (action.kind === 'input') {
      const input = document.querySelector(`input[aria-label="${action.label}"]`);
      if (!input) throw new Error(`no input labelled ${action.label}`);
      // React tracks the value it last rendered: set it the way a keystroke does, then fire `input`.
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(input, action.value);
      input.dispatchEvent(new Event('input', { bubbles: true }));
    } else if (action.kind === 'click') {
      const button = [...document.querySelectorAll('button')].find((b) => textOf(b) === action.text);
      if (!button) throw new Error(`no button ${action.text}`);
      button.click();
    }
  };

  return new Promise((resolve, reject) => {
    const seenPhases = {};
    const longTasks = [];
    let longTaskObserver;
    try {
      longTaskObserver = new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) longTasks.push(entry.duration);
      });
      longTaskObserver.observe({ type: 'longtask' });
    } catch {
      longTaskObserver = undefined;
    }
    let finished = false;
    let observer;
    let poll;
    let timer;
    const stop = () => {
      finished = true;
      observer?.disconnect();
      clearInterval(poll);
      clearTimeout(timer);
    };
    const report = (domMs) => {
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => {
          const paintedMs = performance.now() - t0;
          longTaskObserver?.disconnect();
          longTasks.sort((a, b) => b - a);
          resolve({
            domMs,
            paintedMs,
            phases: seenPhases,
            longTasks: {
              count: longTasks.length,
              longestMs: longTasks[0] ?? 0,
              totalMs: longTasks.reduce((a, b) => a + b, 0),
            },
          });
        };
        channel.port2.postMessage(null);
      });
    };
    const check = () => {
      if (finished) return;
      if (phases) {
        const text = textOf(document.querySelector(phases.selector));
        for (const prefix of phases.prefixes) {
          if (seenPhases[prefix] === undefined && text.includes(prefix))
            seenPhases[prefix] = performance.now() - t0;
        }
      }
      let ok;
      try {
        ok = holds();
      } catch (error) {
        stop();
        reject(error);
        return;
      }
      if (ok) {
        const domMs = performance.now() - t0;
        stop();
        report(domMs);
      }
    };
    observer = new MutationObserver(check);
    observer.observe(document.body, { childList: true, subtree: true, characterData: true });
    poll = setInterval(check, 50);
    timer = setTimeout(() => {
      stop();
      // What the page showed instead: a timeout that names it can be diagnosed from the log alone.
      const shown = until.selector ? textOf(document.querySelector(until.selector)).slice(0, 300) : '';
      reject(
        new Error(
          `timed out after ${timeoutMs} ms waiting for ${JSON.stringify(until).slice(0, 300)}; it showed ${JSON.stringify(shown)}`,
        ),
      );
    }, timeoutMs);
    const t0 = performance.now();
    try {
      act();
    } catch (error) {
      stop();
      reject(error);
      return;
    }
    check();
  });
}

/** Times one UI change in the page (see measureInPage); returns { domMs, paintedMs, phases, longTasks }. */
export function timeInPage(page, spec) {
  return page.evaluate(measureInPage, { timeoutMs: 30_000, ...spec });
}

export const CONTACT_LINKS = 'table[aria-label="Contacts"] tbody a[href^="#/contacts/"]';

/**
 * Imports `file` through the Import page: file input, detected columns, default options (country from
 * Settings, duplicates skipped), then "Start import", timed until the result says `expected` imported.
 */
export async function importThroughUi(page, file, expected, expectedMapping) {
  await goTo(page, '#/import');
  await page.getByRole('heading', { level: 1, name: 'Import contacts' }).waitFor();
  const chooseStart = Date.now();
  await page.getByLabel('Contacts file').setInputFiles(file);
  await page.getByRole('table', { name: 'Column mapping' }).waitFor({ timeout: 60_000 });
  const chooseMs = Date.now() - chooseStart;
  for (const [column, target] of Object.entries(expectedMapping)) {
    const value = await page.getByRole('combobox', { name: `Import column ${column} as` }).inputValue();
    if (value !== target) throw new Error(`column ${column} was mapped to ${value}, not ${target}`);
  }
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Start import' }).waitFor();
  const run = await timeInPage(page, {
    action: { kind: 'click', text: 'Start import' },
    until: { kind: 'text', selector: 'td[data-count="Imported"]', text: expected.toLocaleString('en-US') },
    phases: {
      selector: 'p[role="status"]',
      prefixes: ['Reading rows', 'Checking erased', 'Writing contacts'],
    },
    timeoutMs: 300_000,
  });
  const count = async (name) =>
    Number(((await page.locator(`td[data-count="${name}"]`).textContent()) ?? '').replace(/\D/g, ''));
  return {
    chooseFileToMappingMs: chooseMs,
    ...run,
    imported: await count('Imported'),
    updated: await count('Updated'),
    skipped: await count('Skipped'),
    rejected: await count('Rejected'),
  };
}

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

export const round = (x, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
