// The application menu's contents, without Electron: what a packaged app offers (no DevTools) and
// what a development run adds. menu.ts builds the real menu from it.
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../shared/bridge';

export interface MenuActions {
  show: () => void;
  quit: () => void;
  command: (command: MenuCommand) => void;
  /** Opens the folder holding the log files. */
  showLogs: () => void;
  openDataFolder: () => void;
}

export function appMenuTemplate(
  actions: MenuActions,
  opts: { packaged: boolean; platform: NodeJS.Platform; version: string },
): MenuItemConstructorOptions[] {
  return [
    ...(opts.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
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
        // DevTools only in development: in the installed app they would open the bridge to anyone at the keyboard.
        ...(opts.packaged ? [] : [{ role: 'toggleDevTools' as const }]),
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
        { label: 'Open data folder', click: actions.openDataFolder },
        { label: 'Show logs', click: actions.showLogs },
        { label: `About Stitchdesk ${opts.version}`, role: 'about' },
      ],
    },
  ];
}
