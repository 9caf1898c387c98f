// Builds the tracking script (/t.js) from its own TypeScript entry: browser-only, no deps, minified.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const entry = resolve(root, 'src-main/collector/tracker/tracker.ts');
if (!existsSync(entry)) {
  console.log('tracker: no entry yet, skipped');
} else {
  mkdirSync(resolve(root, 'out/tracker'), { recursive: true });
  await build({
    entryPoints: [entry],
    outfile: resolve(root, 'out/tracker/t.js'),
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2019'],
    platform: 'browser',
    legalComments: 'none',
  });
  console.log('tracker: built out/tracker/t.js');
}
