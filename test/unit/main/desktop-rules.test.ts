// The desktop shell's rules, as plain functions: which file app:// serves (never one outside
// out/renderer), which links open in the browser, the login item, crash reloads, updates, the page loaded.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkExternalLink, type ExternalLinkSources } from '../../../src-main/desktop/external-links';
import {
  HIDDEN_ARG,
  linuxAutostartEntry,
  noteCampaignSent,
  startedAtLogin,
} from '../../../src-main/desktop/login-item';
import { appMenuTemplate, type MenuActions } from '../../../src-main/desktop/menu-template';
import { createReloadGuard } from '../../../src-main/desktop/reload-guard';
import { rendererUrl } from '../../../src-main/desktop/renderer-url';
import { updateFeed } from '../../../src-main/desktop/updates';
import { LinkRegistry } from '../../../src-main/links/registry';
import { SettingsStore } from '../../../src-main/settings/store';
import type { Settings } from '../../../src-main/shared/settings';
import {
  APP_CSP,
  APP_INDEX_URL,
  appRequestFile,
  rendererFileHeaders,
  resolveRendererFile,
} from '../../../src-main/util/renderer-files';

const rendererDir = resolve('/opt/stitchdesk/out/renderer');

describe('app:// and /app/ path handling', () => {
  it('serves files inside the renderer folder, index.html for the root', () => {
    expect(resolveRendererFile(rendererDir, '')).toBe(join(rendererDir, 'index.html'));
    expect(appRequestFile(rendererDir, 'app://stitchdesk/')).toBe(join(rendererDir, 'index.html'));
    expect(resolveRendererFile(rendererDir, 'assets/index-abc.js')).toBe(
      join(rendererDir, 'assets', 'index-abc.js'),
    );
    expect(appRequestFile(rendererDir, 'app://stitchdesk/index.html')).toBe(join(rendererDir, 'index.html'));
    expect(
      appRequestFile(rendererDir, 'app://stitchdesk/assets/import.worker-x.js?worker_file&type=module'),
    ).toBe(join(rendererDir, 'assets', 'import.worker-x.js'));
    expect(appRequestFile(rendererDir, 'app://stitchdesk/assets/a%20b.png')).toBe(
      join(rendererDir, 'assets', 'a b.png'),
    );
  });

  it('refuses every way out of the folder: .., encoded .., encoded slashes, backslashes, absolute and drive paths, NUL', () => {
    for (const path of [
      '../package.json',
      'assets/../../main/index.js',
      '..',
      './index.html',
      '/etc/passwd',
      '//etc/passwd',
      'C:/Windows/win.ini',
      'c:\\Windows\\win.ini',
      'assets\\..\\..\\main.js',
      'index.html\0.png',
    ]) {
      expect(resolveRendererFile(rendererDir, path), path).toBeNull();
    }
    for (const url of [
      'app://stitchdesk/%2E%2E%2Fmain%2Findex.js',
      'app://stitchdesk/assets/..%2f..%2fmain%2findex.js',
      'app://stitchdesk/..%5c..%5cmain.js',
      'app://stitchdesk/%2fetc%2fpasswd',
      'app://stitchdesk/index.html%00.png',
      'app://stitchdesk/%E0%A4%A', // does not decode
      'app://elsewhere/index.html',
      'file:///etc/passwd',
      'https://stitchdesk/index.html',
      'not a url',
    ]) {
      expect(appRequestFile(rendererDir, url), url).toBeNull();
    }
  });

  it('an encoded .. segment is a .. to the URL parser, which stops it at the root', () => {
    expect(appRequestFile(rendererDir, 'app://stitchdesk/%2e%2e/main/index.js')).toBe(
      join(rendererDir, 'main', 'index.js'),
    );
    expect(appRequestFile(rendererDir, 'app://stitchdesk/assets/%2E%2e/%2e%2E/x.js')).toBe(
      join(rendererDir, 'x.js'),
    );
  });

  it('never returns a path outside the folder, whatever the input', () => {
    const pieces = ['..', '.', '%2e%2e', '%2f', '%5c', 'a', '/', '\\', '%00', '~', 'C:', '%252e'];
    for (const a of pieces)
      for (const b of pieces)
        for (const c of pieces) {
          const file = appRequestFile(rendererDir, `app://stitchdesk/${a}/${b}${c}`);
          if (file !== null) expect(file.startsWith(rendererDir + sep), file).toBe(true);
        }
  });

  it('answers with the CSP and nosniff as headers, the type by extension', () => {
    const headers = rendererFileHeaders(join(rendererDir, 'index.html'));
    expect(headers['content-security-policy']).toBe(APP_CSP);
    expect(APP_CSP).toContain("worker-src 'self'");
    expect(APP_CSP).toContain("script-src 'self';");
    expect(headers['content-type']).toBe('text/html; charset=utf-8');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(rendererFileHeaders('x/a.js')['content-type']).toBe('text/javascript; charset=utf-8');
    expect(rendererFileHeaders('x/a.bin')['content-type']).toBe('application/octet-stream');
  });
});

describe('which page the window loads', () => {
  it('the dev server only in an unpackaged run; app://stitchdesk otherwise', () => {
    expect(APP_INDEX_URL).toBe('app://stitchdesk/index.html');
    expect(rendererUrl(false, 'http://localhost:5173')).toBe('http://localhost:5173');
    expect(rendererUrl(true, 'http://localhost:5173')).toBe(APP_INDEX_URL);
    expect(rendererUrl(true, 'https://attacker.example')).toBe(APP_INDEX_URL);
    expect(rendererUrl(false, undefined)).toBe(APP_INDEX_URL);
    expect(rendererUrl(false, '')).toBe(APP_INDEX_URL);
  });
});

describe('openExternal filter', () => {
  const sources: ExternalLinkSources = {
    knowsSiteOrigin: (origin) => origin === 'https://shop.example',
    knowsDestinationOrigin: (origin) => origin === 'https://offers.example:8443',
  };

  it('opens http(s) pages of tracked sites and of campaign link destinations', () => {
    expect(checkExternalLink('https://shop.example/cart?x=1', sources)).toEqual({
      ok: true,
      url: 'https://shop.example/cart?x=1',
    });
    expect(checkExternalLink('https://offers.example:8443/spring', sources).ok).toBe(true);
  });

  it('refuses other schemes, other origins, look-alikes and links with credentials, saying why', () => {
    const refused: [string, RegExp][] = [
      ['javascript:alert(1)', /javascript: links/],
      ['file:///etc/passwd', /file: links/],
      ['app://stitchdesk/index.html', /app: links/],
      ['mailto:a@b.example', /mailto: links/],
      ['https://evil.example/', /neither a tracked site/],
      ['http://shop.example/', /neither a tracked site/], // another scheme is another origin
      ['https://shop.example.evil.example/', /neither a tracked site/],
      ['https://offers.example/spring', /neither a tracked site/], // the port differs
      ['https://user:pw@shop.example/', /credentials/],
      ['not a url', /not a URL/],
    ];
    for (const [url, reason] of refused) {
      const check = checkExternalLink(url, sources);
      expect(check.ok, url).toBe(false);
      if (!check.ok) expect(check.reason, url).toMatch(reason);
    }
  });

  it('knows a campaign link destination’s origin from the link registry', () => {
    const registry = new LinkRegistry(mkdtempSync(join(tmpdir(), 'stitchdesk-links-')));
    expect(registry.knowsDestinationOrigin('https://offers.example')).toBe(false);
    registry.register({
      campaignId: 'c1',
      links: [{ linkId: 'l1', destination: 'https://offers.example/spring?a=1' }],
    });
    expect(registry.knowsDestinationOrigin('https://offers.example')).toBe(true);
    expect(registry.knowsDestinationOrigin('http://offers.example')).toBe(false);
  });
});

describe('start at login', () => {
  const freshSettings = (onChange?: (settings: Settings) => void) =>
    new SettingsStore(mkdtempSync(join(tmpdir(), 'stitchdesk-login-')), onChange);
  const sent = [{ messageId: 'm1', ok: true }];
  const failed = [{ messageId: 'm1', ok: false, error: 'rejected' }];

  it('is unset at first, and turns on with the first campaign that sends a message', () => {
    const heard: (boolean | null)[] = [];
    const settings = freshSettings((s) => heard.push(s.desktop.openAtLogin));
    expect(settings.get().desktop.openAtLogin).toBeNull();
    noteCampaignSent(settings, failed);
    expect(settings.get().desktop.openAtLogin).toBeNull();
    noteCampaignSent(settings, sent);
    expect(settings.get().desktop.openAtLogin).toBe(true);
    // The shell heard the change (and applies the login item from it).
    expect(heard).toEqual([true]);
  });

  it('never overrides the user’s own choice', () => {
    const settings = freshSettings();
    settings.update({ desktop: { openAtLogin: false } });
    noteCampaignSent(settings, sent);
    expect(settings.get().desktop.openAtLogin).toBe(false);
  });

  it('a start at login stays in the tray', () => {
    expect(startedAtLogin(['/opt/Stitchdesk/stitchdesk', HIDDEN_ARG], false)).toBe(true);
    expect(startedAtLogin(['/opt/Stitchdesk/stitchdesk'], true)).toBe(true);
    expect(startedAtLogin(['/opt/Stitchdesk/stitchdesk'], false)).toBe(false);
  });

  it('writes a Linux autostart entry that quotes the path', () => {
    const entry = linuxAutostartEntry('/home/ana/Apps/Stitch "desk" $1.AppImage');
    expect(entry).toContain('[Desktop Entry]\nType=Application\n');
    expect(entry).toContain('Exec="/home/ana/Apps/Stitch \\"desk\\" \\$1.AppImage" --hidden\n');
    expect(() => linuxAutostartEntry('/tmp/a\nExec=rm -rf ~')).toThrow(/line break/);
  });
});

describe('the application menu', () => {
  const actions: MenuActions = {
    show: () => undefined,
    quit: () => undefined,
    command: () => undefined,
    showLogs: () => undefined,
    openDataFolder: () => undefined,
  };
  const menu = (packaged: boolean) =>
    appMenuTemplate(actions, { packaged, platform: 'linux', version: '1.2.3' });
  const submenu = (packaged: boolean, label: string) => {
    const items = menu(packaged).find((item) => item.label === label)?.submenu;
    return Array.isArray(items) ? items : [];
  };

  it('offers DevTools only in an unpackaged (development) run', () => {
    const roles = (packaged: boolean) => submenu(packaged, 'View').map((item) => item.role);
    expect(roles(false)).toContain('toggleDevTools');
    expect(roles(true)).not.toContain('toggleDevTools');
    expect(roles(true)).toContain('reload');
  });

  it('Help → Show logs opens the logs folder', () => {
    const help = submenu(true, 'Help');
    expect(help.find((item) => item.label === 'Show logs')?.click).toBe(actions.showLogs);
    expect(help.find((item) => item.label === 'Open data folder')?.click).toBe(actions.openDataFolder);
  });
});

describe('renderer crash reloads', () => {
  it('reloads up to three times a minute, then stops until the minute has passed', () => {
    const guard = createReloadGuard(3, 60_000);
    expect([guard.allow(0), guard.allow(1000), guard.allow(2000)]).toEqual([true, true, true]);
    expect(guard.allow(3000)).toBe(false);
    expect(guard.allow(59_999)).toBe(false);
    expect(guard.allow(60_001)).toBe(true);
  });
});

describe('update feed', () => {
  it('checks only an installed app with a feed URL set, through the generic provider', () => {
    expect(updateFeed(null, true)).toBeNull();
    expect(updateFeed('https://updates.example/stitchdesk', false)).toBeNull();
    expect(updateFeed('https://updates.example/stitchdesk', true)).toEqual({
      provider: 'generic',
      url: 'https://updates.example/stitchdesk',
    });
  });

  it('the feed setting takes https URLs only, and the setting survives a restart', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stitchdesk-feed-'));
    const settings = new SettingsStore(dir);
    expect(() => settings.update({ desktop: { updateFeedUrl: 'http://updates.example/' } })).toThrow(/https/);
    expect(() => settings.update({ desktop: { updateFeedUrl: 'ftp://x' } })).toThrow(/updateFeedUrl/);
    settings.update({ desktop: { updateFeedUrl: 'https://updates.example/stitchdesk' } });
    expect(new SettingsStore(dir).get().desktop.updateFeedUrl).toBe('https://updates.example/stitchdesk');
  });
});

describe('a renderer folder on disk', () => {
  it('the resolver keeps to the real folder even when a sibling shares its name prefix', () => {
    const base = mkdtempSync(join(tmpdir(), 'stitchdesk-r-'));
    mkdirSync(join(base, 'renderer'));
    mkdirSync(join(base, 'renderer-secrets'));
    writeFileSync(join(base, 'renderer-secrets', 'key'), 'x');
    expect(resolveRendererFile(join(base, 'renderer'), '../renderer-secrets/key')).toBeNull();
    expect(appRequestFile(join(base, 'renderer'), 'app://stitchdesk/..%2frenderer-secrets%2fkey')).toBeNull();
  });
});
