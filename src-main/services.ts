// The main-process services, plain Node: settings, sites, the journal, tracked links, the
// collector and the bridge handlers. Electron's shell and headless mode both start them here.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BackupService } from './backup/service';
import { registerCollectorRoutes } from './collector/routes';
import { Collector, type ListenOptions } from './collector/server';
import { SiteActivityStore } from './collector/site-activity';
import { SiteStore } from './collector/sites';
import {
  createIdentifierHasher,
  type IdentifierHasher,
  loadOrCreateSuppressionKey,
} from './erasure/identifier-hash';
import type { FileDialogs } from './files/file-dialogs';
import { BridgeEventBus } from './ipc/event-bus';
import { type BridgeHandlerMap, createBridgeHandlers } from './ipc/handlers';
import { openJournal } from './journal/journal';
import type { OpenedJournal } from './journal/types';
import { loadOrCreateLinkSecret } from './links/codes';
import { LinkBaseProbe } from './links/reachability';
import { LinkRegistry } from './links/registry';
import { MessagingService } from './messaging/service';
import { OutboxService } from './scheduling/outbox';
import { SettingsStore } from './settings/store';
import type { Settings } from './shared/settings';
import { createBatcher } from './util/batcher';
import { lockDataDir } from './util/data-dir-lock';
import type { Logger } from './util/log';
import { swappable } from './util/swappable';
import { APP_VERSION } from './version';

export interface ServicesOptions {
  dataDir: string;
  platform: 'electron' | 'headless';
  log: Logger;
  /** The built tracking script, served as /t.js. */
  trackerFile: string;
  /** Native open/save dialogs (desktop app only); headless mode uses the browser's own. */
  dialogs?: FileDialogs;
  /** Hears every settings update, and the settings a restore brings (desktop: the login item). */
  onSettingsChange?: (settings: Settings) => void;
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
  readonly siteActivity: SiteActivityStore;
  readonly journal: OpenedJournal;
  readonly links: LinkRegistry;
  readonly linkProbe: LinkBaseProbe;
  readonly messaging: MessagingService;
  /** Scheduled sends: held, sent at most once each, and polled for delivery, in this process. */
  readonly outbox: OutboxService;
  readonly backup: BackupService;
  /** Keyed hashes of erased identifiers; the key never leaves this process. */
  readonly hashIdentifiers: IdentifierHasher;
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
  // Everything read from the data folder sits behind a swappable reference, so a workspace
  // restore can reload it in place: routes and handlers keep the references they were given.
  const settingsRef = swappable(new SettingsStore(opts.dataDir, opts.onSettingsChange));
  const settings = settingsRef.ref;
  const bus = new BridgeEventBus();
  const collector = new Collector({ settings, bus, log: opts.log });
  const sitesRef = swappable(new SiteStore(opts.dataDir));
  const sites = sitesRef.ref;
  const activityRef = swappable(new SiteActivityStore(opts.dataDir));
  const siteActivity = activityRef.ref;
  const openDataJournal = () =>
    openJournal({
      dir: join(opts.dataDir, 'journal'),
      retentionHours: () => settings.get().journal.retentionHours,
      archiveExpiryDays: () => settings.get().journal.archiveExpiryDays,
      log: opts.log,
    });
  const journalRef = swappable(await openDataJournal());
  const journal = journalRef.ref;
  // The store's ingest loop needs the latest offset, not every one: at most one push per 50 ms.
  const appended = createBatcher<number>(50, (offsets) =>
    bus.emit('journal.appended', { lastOffset: offsets.at(-1) ?? -1 }),
  );
  const followAppends = () => journalRef.current().onAppend((lastOffset) => appended.add(lastOffset));
  followAppends();
  collector.journalStats = () => journal.stats();
  collector.journalHealth = () => journal.health();
  const linksRef = swappable(new LinkRegistry(opts.dataDir, loadOrCreateLinkSecret(opts.dataDir)));
  const links = linksRef.ref;
  const messagingRef = swappable(new MessagingService(opts.dataDir));
  const openOutbox = () =>
    new OutboxService({
      dataDir: opts.dataDir,
      providers: () => messagingRef.current().providers,
      log: opts.log,
      onOutcomes: (outcomes) => bus.emit('outbox.outcomes', outcomes),
      onStatus: (status) => bus.emit('outbox.status', status),
    });
  const outboxRef = swappable(openOutbox());

  let hasher = createIdentifierHasher(loadOrCreateSuppressionKey(opts.dataDir));
  const backup = new BackupService(
    opts.dataDir,
    {
      appVersion: APP_VERSION,
      isEmpty: () => sites.list().length === 0 && links.isEmpty() && journal.stats().lastOffset < 0,
      suspend: () => {
        outboxRef.current().close();
        return journalRef.current().close();
      },
      async resume() {
        // Each store re-reads its file; the journal recovers the restored segments and position.
        settingsRef.swap(new SettingsStore(opts.dataDir, opts.onSettingsChange));
        opts.onSettingsChange?.(settings.get());
        sitesRef.swap(new SiteStore(opts.dataDir));
        activityRef.swap(new SiteActivityStore(opts.dataDir));
        linksRef.swap(new LinkRegistry(opts.dataDir, loadOrCreateLinkSecret(opts.dataDir)));
        messagingRef.current().close();
        messagingRef.swap(new MessagingService(opts.dataDir));
        outboxRef.swap(openOutbox());
        outboxRef.current().start();
        // A restored workspace brings its own suppression key: its erasures must keep matching.
        hasher = createIdentifierHasher(loadOrCreateSuppressionKey(opts.dataDir));
        journalRef.swap(await openDataJournal());
        followAppends();
        bus.emit('journal.appended', { lastOffset: journal.stats().lastOffset });
      },
      ...(opts.dialogs
        ? { saveDialog: (name: string) => opts.dialogs?.saveBackup(name) ?? Promise.resolve(null) }
        : {}),
    },
    opts.log,
  );

  await registerCollectorRoutes(collector.app, {
    collector,
    sites,
    activity: siteActivity,
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
    siteActivity,
    journal,
    links,
    linkProbe,
    messaging: messagingRef.ref,
    outbox: outboxRef.ref,
    backup,
    hashIdentifiers: (items) => hasher(items),
    ...(opts.dialogs ? { dialogs: opts.dialogs } : {}),
  };
  const handlers = createBridgeHandlers(core);
  let statusTimer: NodeJS.Timeout | undefined;
  return {
    ...core,
    handlers,
    async start(listen) {
      await collector.listen(listen);
      outboxRef.current().start();
      statusTimer = setInterval(() => bus.emit('collector.status', collector.status()), 2000);
      statusTimer.unref();
    },
    async close() {
      if (statusTimer) clearInterval(statusTimer);
      backup.close();
      outboxRef.current().close();
      messagingRef.current().close();
      await collector.close();
      siteActivity.flush();
      await journal.close();
      appended.close();
      unlock();
    },
  };
}
