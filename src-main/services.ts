// The main-process services, plain Node: settings, sites, the journal, tracked links, the
// collector and the bridge handlers. Electron's shell and headless mode both start them here.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { registerCollectorRoutes } from './collector/routes';
import { Collector, type ListenOptions } from './collector/server';
import { SiteStore } from './collector/sites';
import type { FileDialogs } from './files/file-dialogs';
import { BridgeEventBus } from './ipc/event-bus';
import { type BridgeHandlerMap, createBridgeHandlers } from './ipc/handlers';
import { openJournal } from './journal/journal';
import type { EventJournal } from './journal/types';
import { loadOrCreateLinkSecret } from './links/codes';
import { LinkBaseProbe } from './links/reachability';
import { LinkRegistry } from './links/registry';
import { MessagingService } from './messaging/service';
import { SettingsStore } from './settings/store';
import { createBatcher } from './util/batcher';
import { lockDataDir } from './util/data-dir-lock';
import type { Logger } from './util/log';
import { APP_VERSION } from './version';

export interface ServicesOptions {
  dataDir: string;
  platform: 'electron' | 'headless';
  log: Logger;
  /** The built tracking script, served as /t.js. */
  trackerFile: string;
  /** Native open/save dialogs (desktop app only); headless mode uses the browser's own. */
  dialogs?: FileDialogs;
}

export interface CoreServices {
  readonly version: string;
  readonly platform: 'electron' | 'headless';
  readonly dataDir: string;
  readonly log: Logger;
  readonly settings: SettingsStore;
  readonly bus: BridgeEventBus;
  readonly collector: Collector;
  readonly sites: SiteStore;
  readonly journal: EventJournal;
  readonly links: LinkRegistry;
  readonly linkProbe: LinkBaseProbe;
  readonly messaging: MessagingService;
  readonly dialogs?: FileDialogs;
}

export interface Services extends CoreServices {
  readonly handlers: BridgeHandlerMap;
  /** Starts listening; extra routes must be registered on `collector.app` before this. */
  start(listen?: ListenOptions): Promise<void>;
  close(): Promise<void>;
}

export async function createServices(opts: ServicesOptions): Promise<Services> {
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const unlock = lockDataDir(opts.dataDir);
  const settings = new SettingsStore(opts.dataDir);
  const bus = new BridgeEventBus();
  const collector = new Collector({ settings, bus, log: opts.log });
  const sites = new SiteStore(opts.dataDir);
  const journal = await openJournal({
    dir: join(opts.dataDir, 'journal'),
    retentionHours: () => settings.get().journal.retentionHours,
    log: opts.log,
  });
  // The store's ingest loop needs the latest offset, not every one: at most one push per 50 ms.
  const appended = createBatcher<number>(50, (offsets) =>
    bus.emit('journal.appended', { lastOffset: offsets.at(-1) ?? -1 }),
  );
  journal.onAppend((lastOffset) => appended.add(lastOffset));
  collector.journalStats = () => journal.stats();
  const links = new LinkRegistry(opts.dataDir, loadOrCreateLinkSecret(opts.dataDir));

  await registerCollectorRoutes(collector.app, {
    collector,
    sites,
    journal,
    settings,
    links,
    trackerFile: opts.trackerFile,
    log: opts.log,
  });

  const linkProbe = new LinkBaseProbe();
  linkProbe.register(collector.app);

  const core: CoreServices = {
    version: APP_VERSION,
    platform: opts.platform,
    dataDir: opts.dataDir,
    log: opts.log,
    settings,
    bus,
    collector,
    sites,
    journal,
    links,
    linkProbe,
    messaging: new MessagingService(opts.dataDir),
    ...(opts.dialogs ? { dialogs: opts.dialogs } : {}),
  };
  const handlers = createBridgeHandlers(core);
  let statusTimer: NodeJS.Timeout | undefined;
  return {
    ...core,
    handlers,
    async start(listen) {
      await collector.listen(listen);
      statusTimer = setInterval(() => bus.emit('collector.status', collector.status()), 2000);
      statusTimer.unref();
    },
    async close() {
      if (statusTimer) clearInterval(statusTimer);
      await collector.close();
      await journal.close();
      appended.close();
      unlock();
    },
  };
}
