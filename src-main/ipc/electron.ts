// The Electron implementation of the bridge: ipcMain.handle per allowlisted channel, and pushed
// events to the window. Inputs are validated by the shared handler map.
import { type BrowserWindow, ipcMain } from 'electron';
import type { Services } from '../services';
import type { ApiError } from '../shared/bridge';
import { BRIDGE_CHANNELS, IPC_EVENT_CHANNEL, IPC_INVOKE_PREFIX } from './channels';
import { BridgeError, callBridge } from './handlers';

export function registerIpcBridge(services: Services, window: () => BrowserWindow | undefined): void {
  for (const channel of BRIDGE_CHANNELS) {
    ipcMain.handle(`${IPC_INVOKE_PREFIX}${channel}`, async (event, args: unknown) => {
      // Only our own window's top frame may call the bridge.
      if (event.sender !== window()?.webContents || event.senderFrame !== event.sender.mainFrame) {
        return { ok: false, error: { error: 'forbidden', detail: 'Unknown caller' } satisfies ApiError };
      }
      try {
        return { ok: true, result: await callBridge(services.handlers, channel, args) };
      } catch (error) {
        if (error instanceof BridgeError) return { ok: false, error: error.body };
        services.log.error(`bridge ${channel} failed: ${(error as Error).stack ?? error}`);
        return { ok: false, error: { error: 'bridge_failed', detail: (error as Error).message } };
      }
    });
  }
  services.bus.subscribe((event, payload) => {
    const target = window();
    if (target && !target.isDestroyed()) target.webContents.send(IPC_EVENT_CHANNEL, event, payload);
  });
}
