// The page the window loads: app://stitchdesk, or electron-vite's dev server in an unpackaged run.
import { APP_INDEX_URL } from '../util/renderer-files';

/**
 * `ELECTRON_RENDERER_URL` only counts when not packaged: a packaged app must never hand the full
 * bridge (messaging.send included) to a page served from elsewhere.
 */
export function rendererUrl(packaged: boolean, devUrl: string | undefined): string {
  return !packaged && devUrl ? devUrl : APP_INDEX_URL;
}
