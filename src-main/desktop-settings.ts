// Applies the desktop settings to the OS: the login item (Electron's on macOS and Windows, an XDG
// autostart entry on Linux) and electron-updater's checks against the configured generic feed.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { app } from 'electron';
import { autoUpdater } from 'electron-updater';
import { HIDDEN_ARG, LINUX_AUTOSTART_FILE, linuxAutostartEntry } from './desktop/login-item';
import { UPDATE_CHECK_INTERVAL_MS, updateFeed } from './desktop/updates';
import type { Settings } from './shared/settings';
import type { Logger } from './util/log';

/** Unset (null) leaves the system's login items alone: nothing was chosen, by the user or the first send. */
export function applyLoginItem(openAtLogin: boolean | null, log: Logger): void {
  // An unpackaged run would register the bare Electron binary: only the installed app registers.
  if (openAtLogin === null || !app.isPackaged) return;
  const on = openAtLogin;
  try {
    if (process.platform === 'linux') {
      const dir = join(process.env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'autostart');
      const file = join(dir, LINUX_AUTOSTART_FILE);
      if (on) {
        mkdirSync(dir, { recursive: true });
        // An AppImage runs from a temporary mount: the login item must start the image itself.
        writeFileSync(file, linuxAutostartEntry(process.env.APPIMAGE || process.execPath));
      } else rmSync(file, { force: true });
    } else {
      app.setLoginItemSettings({ openAtLogin: on, args: [HIDDEN_ARG] });
    }
  } catch (error) {
    log.error(`could not ${on ? 'add' : 'remove'} the login item: ${String(error)}`);
  }
}

/** Checks for updates now and every few hours while a feed is set; a changed feed restarts them. */
export function createUpdateChecks(log: Logger): (settings: Settings) => void {
  let currentUrl: string | null = null;
  let timer: NodeJS.Timeout | undefined;
  autoUpdater.logger = log;
  return (settings) => {
    const feed = updateFeed(settings.desktop.updateFeedUrl, app.isPackaged);
    if ((feed?.url ?? null) === currentUrl) return;
    currentUrl = feed?.url ?? null;
    if (timer) clearInterval(timer);
    timer = undefined;
    if (!feed) return;
    autoUpdater.setFeedURL(feed);
    const check = () =>
      autoUpdater.checkForUpdatesAndNotify().catch((error: unknown) => {
        log.warn(`update check against ${feed.url} failed: ${String(error)}`);
      });
    void check();
    timer = setInterval(check, UPDATE_CHECK_INTERVAL_MS);
    timer.unref();
  };
}
