// Electron entry: app lifecycle only. The services are plain Node (see services.ts).
import { dirname, join } from 'node:path';
import { app, type BrowserWindow, shell, type Tray } from 'electron';
import electronLog from 'electron-log/main';
import { handleAppProtocol, registerAppScheme } from './app-protocol';
import { startedAtLogin } from './desktop/login-item';
import { applyLoginItem, createUpdateChecks } from './desktop-settings';
import { createElectronFileDialogs } from './files/dialogs';
import { registerIpcBridge } from './ipc/electron';
import { buildAppMenu, createTray, type MenuActions, TRAY_RUNNING } from './menu';
import { applySecurityBaseline } from './security';
import { createServices, type Services } from './services';
import type { Settings } from './shared/settings';
import { fromElectronLog } from './util/log';
import { createMainWindow } from './window';

let mainWindow: BrowserWindow | undefined;
let tray: Tray | undefined;
let services: Services | undefined;
let quitting = false;

// Rotating files in the OS logs folder, app.getPath('logs'): ~/Library/Logs/<app> on macOS,
// <userData>/logs elsewhere.
const log = fromElectronLog(electronLog);
electronLog.errorHandler.startCatching({ showDialog: false });

// Before ready: app:// must be privileged (standard, secure) for IndexedDB, fetch and workers.
registerAppScheme();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  // A second launch (a shortcut, the login item) brings the running window forward instead.
  app.on('second-instance', () => showWindow());
  app.whenReady().then(start, (error: unknown) => {
    log.error(`failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    app.exit(1);
  });
}

function showWindow(): void {
  if (!mainWindow) return;
  if (mainWindow.isMinimized()) mainWindow.restore();
  // A renderer the crash guard gave up on gets a fresh start when the user asks for the window.
  if (mainWindow.webContents.isCrashed()) mainWindow.webContents.reload();
  mainWindow.show();
  mainWindow.focus();
}

async function start(): Promise<void> {
  handleAppProtocol(join(__dirname, '../renderer'), log);
  const updateChecks = createUpdateChecks(log);
  const applyDesktopSettings = (settings: Settings) => {
    applyLoginItem(settings.desktop.openAtLogin, log);
    updateChecks(settings);
  };
  const started = await createServices({
    dataDir: join(app.getPath('userData'), 'data'),
    platform: 'electron',
    log,
    trackerFile: join(__dirname, '../tracker/t.js'),
    dialogs: createElectronFileDialogs(() => mainWindow),
    onSettingsChange: applyDesktopSettings,
  });
  services = started;
  applySecurityBaseline({
    log,
    links: {
      knowsSiteOrigin: (origin) => started.sites.knowsOrigin(origin),
      knowsDestinationOrigin: (origin) => started.links.knowsDestinationOrigin(origin),
    },
  });
  registerIpcBridge(started, () => mainWindow);
  await started.start();
  applyDesktopSettings(started.settings.get());
  log.info(`started ${app.getVersion()}: collector ${started.collector.baseUrl}, logs in ${log.file}`);

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
    showLogs: () => void shell.openPath(dirname(log.file)),
    openDataFolder: () => void shell.openPath(app.getPath('userData')),
  };
  buildAppMenu(actions);
  mainWindow = createMainWindow({
    isQuitting: () => quitting,
    log,
    startHidden: startedAtLogin(process.argv, app.getLoginItemSettings().wasOpenedAtLogin),
    onGaveUp: () => tray?.setToolTip('Stitchdesk — the window stopped working; collector still running'),
  });
  mainWindow.webContents.on('did-finish-load', () => tray?.setToolTip(TRAY_RUNNING));
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
