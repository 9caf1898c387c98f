// The tracking script stays what site owners were promised: one small, self-contained browser file.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(__dirname, '../../..');
let script = '';

beforeAll(() => {
  // Built here so the assertions never look at a stale file.
  execFileSync(process.execPath, ['scripts/build-tracker.mjs'], { cwd: root, stdio: 'pipe' });
  script = readFileSync(join(root, 'out/tracker/t.js'), 'utf8');
});

describe('tracking script (/t.js)', () => {
  it('is under 5 KB gzipped', () => {
    expect(script.length).toBeGreaterThan(0);
    expect(gzipSync(script).length).toBeLessThan(5 * 1024);
  });

  it('is one browser script: no require() and no import statements', () => {
    expect(script).not.toContain('require(');
    expect(script).not.toMatch(/(^|[;\s}])import[\s{*"']/);
    expect(script).not.toContain('import(');
  });
});
