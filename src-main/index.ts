// Electron entry: app lifecycle only. The services are plain Node (see services.ts).
import { join } from 'node:path';
import { app, type BrowserWindow, type Tray } from 'electron';
import { createElectronFileDialogs } from './files/dialogs';
import { registerIpcBridge } from './ipc/electron';
import { buildAppMenu, createTray, type MenuActions } from './menu';
import { applySecurityBaseline } from './security';
import { createServices, type Services } from './services';
import { stderrLogger } from './util/log';
import { createMainWindow } from './window';

let mainWindow: BrowserWindow | undefined;
let tray: Tray | undefined;
let services: Services | undefined;
let quitting = false;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => showWindow());
  app.whenReady().then(start, (error: unknown) => {
    stderrLogger.error(`failed to start: ${String(error)}`);
    app.exit(1);
  });
}

function showWindow(): void {
  if (!mainWindow) return;
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.show();
  mainWindow.focus();
}

async function start(): Promise<void> {
  applySecurityBaseline();
  const started = await createServices({
    dataDir: join(app.getPath('userData'), 'data'),
    platform: 'electron',
    log: stderrLogger,
    trackerFile: join(__dirname, '../tracker/t.js'),
    dialogs: createElectronFileDialogs(() => mainWindow),
  });
  services = started;
  registerIpcBridge(started, () => mainWindow);
  await started.start();

  const actions: MenuActions = {
    show: showWindow,
    quit: () => {
      quitting = true;
      app.quit();
    },
    command: (command) => {
      showWindow();
      services?.bus.emit('menu.command', { command });
    },
  };
  buildAppMenu(actions);
  mainWindow = createMainWindow({ isQuitting: () => quitting });
  tray = createTray(mainWindow, actions);
}

// Closing the window keeps the app (and its collector) in the tray; only Quit ends it.
app.on('window-all-closed', () => {});
app.on('activate', () => showWindow());
app.on('before-quit', () => {
  quitting = true;
});
app.on('will-quit', (event) => {
  if (!services) return;
  event.preventDefault();
  const closing = services;
  services = undefined;
  tray?.destroy();
  closing.close().finally(() => app.quit());
});
