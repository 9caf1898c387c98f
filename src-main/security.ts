// App-wide Electron hardening: no new windows, no navigation away, no webviews, no permissions, and
// only links to the app's own tracked pages open in the user's browser.
import { app, session, shell } from 'electron';
import { checkExternalLink, type ExternalLinkSources } from './desktop/external-links';
import type { Logger } from './util/log';

export function applySecurityBaseline(opts: { links: ExternalLinkSources; log: Logger }): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(({ url }) => {
      const check = checkExternalLink(url, opts.links);
      if (check.ok) void shell.openExternal(check.url);
      else opts.log.warn(`refused to open ${url.slice(0, 200)}: ${check.reason}`);
      return { action: 'deny' };
    });
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
}
