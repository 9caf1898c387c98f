// Where code may run is checked, not hoped for: the renderer never imports Electron or Node
// built-ins, and src-main/shared holds types only.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '../../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

const importPattern = /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'"]*?\s+from\s+)?['"]([^'"]+)['"]/g;
const dynamicImport = /(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file: string): { specifier: string; typeOnly: boolean }[] {
  const text = readFileSync(file, 'utf8');
  const found = [...text.matchAll(importPattern)].map((m) => ({ specifier: m[3] ?? '', typeOnly: !!m[2] }));
  for (const m of text.matchAll(dynamicImport)) found.push({ specifier: m[1] ?? '', typeOnly: false });
  return found;
}

describe('code boundaries', () => {
  it('the renderer never imports electron or node built-ins', () => {
    const offenders = sourceFiles(join(root, 'src-renderer')).flatMap((file) =>
      importsOf(file)
        .filter(({ specifier }) => specifier === 'electron' || specifier.startsWith('node:'))
        .map(({ specifier }) => `${relative(root, file)} imports ${specifier}`),
    );
    expect(offenders).toEqual([]);
  });

  it('the renderer reaches into src-main only for shared types', () => {
    const offenders = sourceFiles(join(root, 'src-renderer')).flatMap((file) =>
      importsOf(file)
        .filter(({ specifier }) => specifier.includes('src-main/') && !specifier.includes('src-main/shared/'))
        .map(({ specifier }) => `${relative(root, file)} imports ${specifier}`),
    );
    expect(offenders).toEqual([]);
  });

  it('src-main/shared holds types only', () => {
    const offenders = sourceFiles(join(root, 'src-main/shared')).flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      const problems = importsOf(file)
        .filter(({ typeOnly }) => !typeOnly)
        .map(({ specifier }) => `${relative(root, file)} has a runtime import of ${specifier}`);
      // Anything that emits JavaScript: values, functions, classes, enums.
      for (const m of text.matchAll(/^export\s+(const|let|var|function|class|enum|default)\b/gm)) {
        problems.push(`${relative(root, file)} exports a runtime ${m[1]}`);
      }
      return problems;
    });
    expect(offenders).toEqual([]);
  });

  it('the check itself sees a forbidden import when one is there', () => {
    const sample =
      "import { app } from 'electron';\nimport type { X } from './x';\nconst fs = require('node:fs');";
    const found = [...sample.matchAll(importPattern)].map((m) => m[3]);
    const dynamic = [...sample.matchAll(dynamicImport)].map((m) => m[1]);
    expect(found).toEqual(['electron', './x']);
    expect(dynamic).toEqual(['node:fs']);
  });
});
