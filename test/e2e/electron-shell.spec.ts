// The few checks that need the real Electron binary: the window's security baseline and the
// preload bridge. Skipped, with the reason, where the binary could not be installed.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';

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
