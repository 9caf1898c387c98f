// The sandboxed preload: exposes `window.desktop`, the Electron implementation of the Bridge,
// limited to the allowlisted channels and events. Bundled as one CommonJS file.
import { contextBridge, ipcRenderer } from 'electron';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_PREFIX, isBridgeChannel, isBridgeEvent } from '../ipc/channels';
import type { ApiError, Bridge, BridgeEventName } from '../shared/bridge';

type Reply = { ok: true; result: unknown } | { ok: false; error: ApiError };

const listeners = new Map<BridgeEventName, Set<(payload: unknown) => void>>();
ipcRenderer.on(IPC_EVENT_CHANNEL, (_event, name: unknown, payload: unknown) => {
  if (!isBridgeEvent(name)) return;
  for (const listener of listeners.get(name) ?? []) listener(payload);
});

const desktop: Bridge = {
  platform: 'electron',
  async invoke(channel, args) {
    if (!isBridgeChannel(channel)) throw new Error(`Unknown bridge channel ${String(channel)}`);
    const reply = (await ipcRenderer.invoke(`${IPC_INVOKE_PREFIX}${channel}`, args)) as Reply;
    if (!reply.ok) throw Object.assign(new Error(reply.error.detail), reply.error);
    return reply.result as never;
  },
  on(event, listener) {
    if (!isBridgeEvent(event)) throw new Error(`Unknown bridge event ${String(event)}`);
    const set = listeners.get(event) ?? new Set();
    listeners.set(event, set);
    const wrapped = listener as (payload: unknown) => void;
    set.add(wrapped);
    return () => set.delete(wrapped);
  },
};

contextBridge.exposeInMainWorld('desktop', desktop);
