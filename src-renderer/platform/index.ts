// Picks the bridge once at start: Electron's preload (`window.desktop`) or the HTTP bridge.
// The rest of the UI imports `bridge` and never knows which one it got.
import type { Bridge } from '../../src-main/shared/bridge';
import { createHttpBridge, takeBridgeToken } from './http';

declare global {
  interface Window {
    desktop?: Bridge;
  }
}

function pickBridge(): Bridge | null {
  if (window.desktop) return window.desktop;
  const token = takeBridgeToken(window.location, window.sessionStorage);
  return token ? createHttpBridge(token) : null;
}

const picked = pickBridge();

/** True when the page was opened without the Electron preload or a bridge token. */
export const bridgeMissing = picked === null;

export const bridge: Bridge =
  picked ??
  ({
    platform: 'headless',
    invoke: () =>
      Promise.reject(
        new Error('Open the app with the URL printed by "npm run serve" (it carries the token).'),
      ),
    on: () => () => undefined,
  } satisfies Bridge);
