// The one main window, with the security baseline: loads app://stitchdesk (the dev server only in
// an unpackaged run), hides instead of closing, and reloads a crashed or hung renderer.
import { join } from 'node:path';
import { app, BrowserWindow } from 'electron';
import { createReloadGuard } from './desktop/reload-guard';
import { rendererUrl } from './desktop/renderer-url';
import type { Logger } from './util/log';

export interface MainWindowOptions {
  isQuitting: () => boolean;
  log: Logger;
  /** Started at login: stay in the tray until the user opens the window. */
  startHidden: boolean;
  /** Called when the renderer keeps failing and reloads stop (the tray says so). */
  onGaveUp: (reason: string) => void;
}

const HANG_GRACE_MS = 30_000;

export function createMainWindow(opts: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Stitchdesk',
    webPreferences: {
      preload: join(__dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      spellcheck: false,
      devTools: !app.isPackaged,
    },
  });
  window.once('ready-to-show', () => {
    if (!opts.startHidden) window.show();
  });
  window.on('close', (event) => {
    if (opts.isQuitting()) return;
    // The collector keeps running in the tray while the window is closed.
    event.preventDefault();
    window.hide();
  });

  // Events keep arriving in the journal while the renderer is down; a reload catches up from it.
  const guard = createReloadGuard();
  const recover = (what: string) => {
    if (window.isDestroyed()) return;
    if (!guard.allow()) {
      opts.log.error(`renderer ${what} again; stopped reloading (3 reloads within a minute)`);
      opts.onGaveUp(what);
      return;
    }
    opts.log.warn(`renderer ${what}; reloading the window`);
    window.webContents.reload();
  };
  window.webContents.on('render-process-gone', (_event, details) => {
    // A clean exit happens when the window is destroyed at quit: nothing to recover.
    if (details.reason === 'clean-exit') return;
    recover(`process gone (${details.reason}, exit code ${details.exitCode})`);
  });
  // A long rebuild may hold the renderer a while: only one still hung after HANG_GRACE_MS is ended.
  let hung: NodeJS.Timeout | undefined;
  window.on('unresponsive', () => {
    if (hung) return;
    opts.log.warn('renderer unresponsive');
    hung = setTimeout(() => {
      hung = undefined;
      if (window.isDestroyed()) return;
      opts.log.warn(`renderer still unresponsive after ${HANG_GRACE_MS / 1000} s; ending it to reload`);
      // A hung renderer cannot run a reload itself: end its process, and render-process-gone reloads.
      window.webContents.forcefullyCrashRenderer();
    }, HANG_GRACE_MS);
  });
  window.on('responsive', () => {
    if (!hung) return;
    clearTimeout(hung);
    hung = undefined;
    opts.log.info('renderer responsive again');
  });
  window.webContents.on('preload-error', (_event, path, error) =>
    opts.log.error(`preload ${path} failed: ${error.message}`),
  );

  void window.loadURL(rendererUrl(app.isPackaged, process.env.ELECTRON_RENDERER_URL));
  return window;
}
