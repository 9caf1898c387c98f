// Builds a benchmark page with Vite, serves it on loopback and opens it in Debian's Chromium
// (STITCHDESK_CHROMIUM overrides the path), never a downloaded browser.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import CHROMIUM_ARGS from '../../test/support/chromium-args.json' with { type: 'json' };

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

export { CHROMIUM_ARGS };

export async function buildPage(pageDir, outDir) {
  await build({
    root: join(root, pageDir),
    base: './',
    logLevel: 'warn',
    build: { outDir: join(root, outDir), emptyOutDir: true },
  });
  return join(root, outDir);
}

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

export async function serveDir(dir) {
  const server = http.createServer((req, res) => {
    const path = normalize(join(dir, decodeURIComponent(new URL(req.url, 'http://x').pathname)));
    const file = path.endsWith(sep) ? join(path, 'index.html') : path;
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    close: () => new Promise((r) => server.close(r)),
  };
}

const executablePath = () => process.env.STITCHDESK_CHROMIUM ?? '/usr/bin/chromium';

export async function launchChromium() {
  return chromium.launch({ executablePath: executablePath(), args: CHROMIUM_ARGS });
}

/**
 * Chromium with its profile on disk, as the app's store is. A plain `newPage()` context is
 * off the record, its IndexedDB held in memory, and there writes slow down as the store grows
 * (20,000 rows: 8 s, the next 20,000: 32 s here; on disk 3 s and 4 s), which a store of a
 * million events cannot afford. The profile is a fresh temporary folder, removed on close.
 */
export async function launchPersistentChromium(options = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'stitchdesk-bench-profile-'));
  const context = await chromium.launchPersistentContext(dir, {
    ...options,
    executablePath: executablePath(),
    args: CHROMIUM_ARGS,
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
