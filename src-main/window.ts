// The one main window, with the security baseline. Closing it hides it; the tray brings it back.
import { join } from 'node:path';
import { BrowserWindow } from 'electron';

export function createMainWindow(opts: { isQuitting: () => boolean }): BrowserWindow {
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
    },
  });
  window.once('ready-to-show', () => window.show());
  window.on('close', (event) => {
    if (opts.isQuitting()) return;
    // The collector keeps running in the tray while the window is closed.
    event.preventDefault();
    window.hide();
  });
  const devUrl = process.env.ELECTRON_RENDERER_URL;
  if (devUrl) void window.loadURL(devUrl);
  else void window.loadFile(join(__dirname, '../renderer/index.html'));
  return window;
}
