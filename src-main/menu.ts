// The application menu (its contents in desktop/menu-template.ts) and the tray icon.
import { join } from 'node:path';
import { app, type BrowserWindow, Menu, nativeImage, Tray } from 'electron';
import { appMenuTemplate, type MenuActions } from './desktop/menu-template';

export type { MenuActions };

export function buildAppMenu(actions: MenuActions): void {
  const template = appMenuTemplate(actions, {
    packaged: app.isPackaged,
    platform: process.platform,
    version: app.getVersion(),
  });
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
