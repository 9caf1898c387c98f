// The app:// scheme the window loads from: a privileged, standard, secure origin (so IndexedDB, the
// CSP and the import worker have a real origin, unlike file://) serving out/renderer and nothing else.
import { readFile } from 'node:fs/promises';
import { protocol } from 'electron';
import type { Logger } from './util/log';
import { APP_SCHEME, appRequestFile, rendererFileHeaders } from './util/renderer-files';

/** Must run before `app` is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
    },
  ]);
}

export function handleAppProtocol(rendererDir: string, log: Logger): void {
  protocol.handle(APP_SCHEME, async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response('Method not allowed', { status: 405 });
    }
    const file = appRequestFile(rendererDir, request.url);
    if (!file) {
      log.warn(`app:// refused ${request.url.slice(0, 200)}`);
      return new Response('Not found', { status: 404 });
    }
    try {
      return new Response(new Uint8Array(await readFile(file)), { headers: rendererFileHeaders(file) });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });
}
