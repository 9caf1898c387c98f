// The packaged app as electron-builder would build it, read with electron-builder's own config
// loader, schema and file matcher: fuses, targets, the update feed, what goes into app.asar, and
// which libraries ship (only what the main process loads; electron-vite bundles the renderer's).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { FileMatcher } from 'app-builder-lib/out/fileMatcher';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { DebugLogger } from 'builder-util';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '../../..');

interface PackageJson {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson;

async function builderConfig() {
  return getConfig(root, null, null);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

/** Package names a file imports at run time (type-only imports and relative paths left out). */
function runtimePackages(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(
    /(?:^|\n)\s*(?:import|export)\s+(type\s+)?(?:[^'"]*?\s+from\s+)?['"]([^'"]+)['"]/g,
  )) {
    if (!m[1] && m[2]) found.push(m[2]);
  }
  for (const m of text.matchAll(/(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/g)) if (m[1]) found.push(m[1]);
  return found
    .filter((spec) => !spec.startsWith('.') && !spec.startsWith('node:') && !builtinModules.includes(spec))
    .map((spec) =>
      spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] ?? spec),
    );
}

/**
 * What the main process loads from node_modules when it runs. The preload and the tracking script
 * are bundled whole (electron-vite, esbuild), so their imports never reach node_modules at run time.
 */
function mainRuntimePackages(): Set<string> {
  const bundledApart = [join(root, 'src-main/preload'), join(root, 'src-main/collector/tracker')];
  return new Set(
    sourceFiles(join(root, 'src-main'))
      .filter((file) => !bundledApart.some((dir) => file.startsWith(dir)))
      .flatMap(runtimePackages),
  );
}

function rendererPackages(): Set<string> {
  return new Set(sourceFiles(join(root, 'src-renderer')).flatMap(runtimePackages));
}

describe('electron-builder config', () => {
  it('loads and passes electron-builder’s own schema', async () => {
    const config = await builderConfig();
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    expect(config.appId).toBe('app.stitchdesk.desktop');
  });

  it('flips the fuses: no run-as-node, NODE_OPTIONS or --inspect; cookie encryption and asar integrity on', async () => {
    const { electronFuses, asar } = await builderConfig();
    expect(electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
    // Asar integrity and only-load-from-asar mean nothing without an asar.
    expect(asar).not.toBe(false);
  });

  it('builds AppImage and deb, dmg and nsis, each with an icon of at least 512 px that exists', async () => {
    const config = await builderConfig();
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    // electron-updater updates a Mac app from a zip, so the zip ships beside the dmg.
    expect(config.mac?.target).toEqual(['dmg', 'zip']);
    expect(config.win?.target).toEqual(['nsis']);
    for (const platform of [config.linux, config.mac, config.win]) {
      const icon = platform?.icon;
      expect(icon).toBeTypeOf('string');
      const png = readFileSync(join(root, icon ?? ''));
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      // IHDR width and height, big-endian, right after the signature and chunk header.
      expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(512);
      expect(png.readUInt32BE(20)).toBeGreaterThanOrEqual(512);
    }
  });

  it('publishes to a generic update feed whose URL is given at packaging time', async () => {
    const { publish } = await builderConfig();
    // electron-builder's own macro, expanded when packaging: the literal text, not a JS template.
    const url = ['$', '{env.STITCHDESK_UPDATE_URL}'].join('');
    expect(publish).toEqual([{ provider: 'generic', url }]);
  });
});

describe('what goes into app.asar', () => {
  // A project tree with one file of each kind, run through electron-builder's own file matcher.
  const tree = [
    'package.json',
    'README.md',
    'electron-builder.yml',
    'out/main/index.js',
    'out/main/chunks/services-abc.js',
    'out/main/index.js.map',
    'out/main/headless.js',
    'out/preload/index.cjs',
    'out/renderer/index.html',
    'out/renderer/assets/index-abc.js',
    'out/renderer/assets/import.worker-abc.js',
    'out/renderer/assets/index-abc.js.map',
    'out/tracker/t.js',
    'resources/tray.png',
    'resources/icon.png',
    'src-main/index.ts',
    'src-renderer/main.tsx',
    'test/unit/main/x.test.ts',
    'bench/run.mjs',
    'scripts/build-tracker.mjs',
  ];

  async function shipped(): Promise<string[]> {
    const dir = mkdtempSync(join(tmpdir(), 'stitchdesk-files-'));
    for (const file of tree) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), '');
    }
    const config = await builderConfig();
    const patterns = (config.files as { filter: string[] }[]).flatMap((set) => set.filter);
    const filter = new FileMatcher(dir, '', (p) => p, patterns).createFilter();
    return tree.filter((file) => filter(join(dir, file), statSync(join(dir, file))));
  }

  it('keeps only the built main, preload, renderer, tracker, the tray icon and package.json', async () => {
    expect(await shipped()).toEqual([
      'package.json',
      'out/main/index.js',
      'out/main/chunks/services-abc.js',
      'out/preload/index.cjs',
      'out/renderer/index.html',
      'out/renderer/assets/index-abc.js',
      'out/renderer/assets/import.worker-abc.js',
      'out/tracker/t.js',
      'resources/tray.png',
    ]);
  });

  it('the tray icon the main process loads is among them', async () => {
    const menu = readFileSync(join(root, 'src-main/menu.ts'), 'utf8');
    const trayPath = /join\(__dirname, '\.\.\/\.\.\/(resources\/[^']+)'\)/.exec(menu)?.[1];
    expect(trayPath).toBe('resources/tray.png');
    expect(await shipped()).toContain(trayPath);
  });
});

describe('dependencies', () => {
  const renderer = rendererPackages();
  const main = mainRuntimePackages();

  it('every package the main process loads at run time is a production dependency', () => {
    const missing = [...main].filter((name) => name !== 'electron' && !(name in pkg.dependencies));
    expect(missing).toEqual([]);
    // The scan sees the main process's own libraries (a broken scan would find nothing).
    expect(main).toContain('fastify');
    expect(main).toContain('electron-log');
  });

  it('no renderer-only library is a production dependency (electron-vite bundles them)', () => {
    const rendererOnly = Object.keys(pkg.dependencies).filter(
      (name) => renderer.has(name) && !main.has(name),
    );
    expect(rendererOnly).toEqual([]);
    for (const name of ['react', 'react-dom', '@mantine/core', '@tabler/icons-react', 'dexie', 'zustand']) {
      expect(pkg.dependencies).not.toHaveProperty(name);
      expect(pkg.devDependencies).toHaveProperty(name);
    }
  });

  it('electron itself is a devDependency (electron-builder refuses it in dependencies)', () => {
    expect(pkg.dependencies).not.toHaveProperty('electron');
    expect(pkg.devDependencies).toHaveProperty('electron');
  });

  it('package-lock.json agrees with package.json about what is a production dependency', () => {
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
      packages: Record<
        string,
        { dependencies?: Record<string, string>; devDependencies?: Record<string, string>; dev?: boolean }
      >;
    };
    const own = lock.packages[''];
    expect(own?.dependencies).toEqual(pkg.dependencies);
    expect(own?.devDependencies).toEqual(pkg.devDependencies);
    expect(lock.packages['node_modules/react']?.dev).toBe(true);
    expect(lock.packages['node_modules/fastify']?.dev).toBeUndefined();
  });
});

describe('desktop rules stay plain Node', () => {
  it('src-main/desktop never imports electron, so its rules are unit-tested here', () => {
    const offenders = sourceFiles(join(root, 'src-main/desktop'))
      .filter((file) => runtimePackages(file).includes('electron'))
      .map((file) => relative(root, file));
    expect(offenders).toEqual([]);
  });
});
