// The few checks that need the real Electron binary: the window's security baseline, the preload
// bridge, the app:// origin (CSP header, worker, no way out of out/renderer), the crash reload, the
// log file, the menu and the single-instance lock. Skipped, with the reason, where the binary
// could not be installed. Runs against the unpackaged app (`npm run build:app` first): the fuses
// of a packaged build turn off the --inspect switch Playwright drives Electron with.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type ElectronApplication, _electron as electron, expect, test } from '@playwright/test';

/** The installed Electron binary, found without `require('electron')` (which would try to download it). */
function electronBinary(): string | null {
  try {
    const pkgDir = dirname(createRequire(__filename).resolve('electron/package.json'));
    const pathFile = join(pkgDir, 'path.txt');
    if (!existsSync(pathFile)) return null;
    const binary = join(pkgDir, 'dist', readFileSync(pathFile, 'utf8').trim());
    return existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();

test.describe('electron shell', () => {
  test.skip(
    binary === null,
    'The Electron binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD, or no network to download it); the headless tests cover the same UI.',
  );

  test('the window is sandboxed and isolated, and the preload exposes only the bridge', async () => {
    const userData = mkdtempSync(join(tmpdir(), 'stitchdesk-electron-'));
    const app = await electron.launch({
      executablePath: binary ?? undefined,
      args: ['.', `--user-data-dir=${userData}`],
      cwd: join(__dirname, '../..'),
    });
    try {
      const page = await app.firstWindow();
      // Sandboxed and context-isolated: the page sees neither Node nor the preload's own scope.
      const globals = await page.evaluate(() => ({
        process: typeof (globalThis as { process?: unknown }).process,
        require: typeof (globalThis as { require?: unknown }).require,
        desktop: (globalThis as { desktop?: { platform: string } }).desktop?.platform,
      }));
      expect(globals).toEqual({ process: 'undefined', require: 'undefined', desktop: 'electron' });
      await expect(page.getByRole('status', { name: 'Collector status' })).toContainText(
        'Collector listening',
      );
      expect(
        await page.evaluate(
          () =>
            (globalThis as unknown as { open: (u: string) => unknown }).open('https://example.com') === null,
        ),
      ).toBe(true);
      expect(app.windows()).toHaveLength(1);
    } finally {
      await app.close();
    }
  });
});

test.describe('electron shell: the installed app', () => {
  test.skip(
    binary === null,
    'The Electron binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD, or no network to download it); the unit tests cover the rules these checks exercise.',
  );

  const projectDir = join(__dirname, '../..');
  let userData: string;
  let app: ElectronApplication;

  test.beforeEach(async () => {
    userData = mkdtempSync(join(tmpdir(), 'stitchdesk-electron-'));
    app = await electron.launch({
      executablePath: binary ?? undefined,
      args: ['.', `--user-data-dir=${userData}`],
      cwd: projectDir,
      env: { ...process.env, ELECTRON_RENDERER_URL: '' },
    });
  });
  test.afterEach(async () => {
    await app.close();
  });

  const logText = async () => {
    const logs = await app.evaluate(({ app: electronApp }) => electronApp.getPath('logs'));
    const file = join(logs, 'main.log');
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  };

  test('the UI comes from app://stitchdesk with the CSP as a header, and the import worker runs there', async () => {
    const page = await app.firstWindow();
    await expect(page.getByRole('status', { name: 'Collector status' })).toContainText('Collector listening');
    // Page code as strings: this file is type-checked without the DOM library.
    expect(await page.evaluate('location.origin')).toBe('app://stitchdesk');
    const answer = await page.evaluate(async () => {
      const response = await fetch('/index.html');
      return { status: response.status, csp: response.headers.get('content-security-policy') };
    });
    expect(answer.status).toBe(200);
    expect(answer.csp).toContain("script-src 'self'");
    expect(answer.csp).toContain("worker-src 'self'");

    // Nothing outside out/renderer answers, however the way out is spelled.
    const statuses = await page.evaluate(async () =>
      Promise.all(
        [
          '/..%2f..%2fpackage.json',
          '/%2e%2e/%2e%2e/package.json',
          '/..%5c..%5cpackage.json',
          '/%2fetc%2fpasswd',
        ].map(async (path) => (await fetch(path)).status),
      ),
    );
    expect(statuses).toEqual([404, 404, 404, 404]);

    // The import worker starts on this origin as a module worker and answers a (bad) request.
    const workerFile = readdirSync(join(projectDir, 'out/renderer/assets')).find((name) =>
      name.startsWith('import.worker'),
    );
    expect(workerFile).toBeDefined();
    const reply = await page.evaluate(`new Promise((resolve) => {
      const worker = new Worker(${JSON.stringify(`/assets/${workerFile}`)}, { type: 'module' });
      worker.onmessage = (event) => resolve(event.data.type);
      worker.onerror = (event) => resolve('error: ' + event.message);
      worker.postMessage({});
    })`);
    expect(reply).toBe('failed');
  });

  test('a crashed renderer is reloaded and the crash is logged', async () => {
    const page = await app.firstWindow();
    await expect(page.getByRole('status', { name: 'Collector status' })).toContainText('Collector listening');
    await app.evaluate(({ BrowserWindow }) =>
      BrowserWindow.getAllWindows()[0]?.webContents.forcefullyCrashRenderer(),
    );
    // Asked through the main process: the crashed page's own handle is gone.
    await expect
      .poll(
        () =>
          app.evaluate(async ({ BrowserWindow }) => {
            const contents = BrowserWindow.getAllWindows()[0]?.webContents;
            if (!contents || contents.isCrashed() || contents.isLoading()) return null;
            return contents.executeJavaScript('document.querySelector("h1")?.textContent ?? null');
          }),
        { timeout: 20_000 },
      )
      .not.toBeNull();
    await expect
      .poll(logText)
      .toMatch(/renderer process gone \(\w[\w-]*, exit code -?\d+\); reloading the window/);
  });

  test('a link to an unknown site is refused and logged; the menu has Show logs', async () => {
    const page = await app.firstWindow();
    await expect(page.getByRole('status', { name: 'Collector status' })).toContainText('Collector listening');
    await page.evaluate("window.open('https://unknown.example/')");
    await expect.poll(logText).toContain('refused to open https://unknown.example/');
    const help = await app.evaluate(({ Menu }) =>
      Menu.getApplicationMenu()
        ?.items.find((item) => item.label === 'Help')
        ?.submenu?.items.map((item) => item.label),
    );
    expect(help).toContain('Show logs');
  });

  test('a second launch on the same profile exits and leaves the first one running', async () => {
    const page = await app.firstWindow();
    await expect(page.getByRole('status', { name: 'Collector status' })).toContainText('Collector listening');
    const second = spawn(binary ?? '', ['.', `--user-data-dir=${userData}`], {
      cwd: projectDir,
      stdio: 'ignore',
    });
    const code = await new Promise<number | null>((resolve) => second.once('exit', resolve));
    expect(code).toBe(0);
    expect(app.windows()).toHaveLength(1);
    await expect(page.getByRole('status', { name: 'Collector status' })).toContainText('Collector listening');
  });
});
