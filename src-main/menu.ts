// The application menu and the tray icon. DevTools appear only in an unpackaged (development) run.
import { join } from 'node:path';
import { app, type BrowserWindow, Menu, nativeImage, shell, Tray } from 'electron';
import type { MenuCommand } from './shared/bridge';

export interface MenuActions {
  show: () => void;
  quit: () => void;
  command: (command: MenuCommand) => void;
  /** Opens the folder holding the log files. */
  showLogs: () => void;
}

export function buildAppMenu(actions: MenuActions): void {
  const template: Electron.MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        {
          label: 'Import contacts…',
          accelerator: 'CmdOrCtrl+I',
          click: () => actions.command('import-contacts'),
        },
        {
          label: 'Export contacts…',
          accelerator: 'CmdOrCtrl+E',
          click: () => actions.command('export-contacts'),
        },
        { type: 'separator' },
        { label: 'Quit', accelerator: 'CmdOrCtrl+Q', click: actions.quit },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' as const }]),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    {
      label: 'Help',
      submenu: [
        {
          label: 'Open data folder',
          click: () => void shell.openPath(app.getPath('userData')),
        },
        { label: 'Show logs', click: actions.showLogs },
        { label: `About Stitchdesk ${app.getVersion()}`, role: 'about' },
      ],
    },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

export const TRAY_RUNNING = 'Stitchdesk — collector running';

export function createTray(window: BrowserWindow, actions: MenuActions): Tray {
  const icon = nativeImage.createFromPath(join(__dirname, '../../resources/tray.png'));
  const tray = new Tray(icon.isEmpty() ? nativeImage.createEmpty() : icon.resize({ width: 16, height: 16 }));
  tray.setToolTip(TRAY_RUNNING);
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: 'Open Stitchdesk', click: actions.show },
      { label: 'Show logs', click: actions.showLogs },
      { type: 'separator' },
      { label: 'Quit', click: actions.quit },
    ]),
  );
  tray.on('click', () => (window.isVisible() ? window.focus() : actions.show()));
  return tray;
}
