// The main-process services, plain Node: settings, the collector and the bridge handlers.
// Electron's shell and headless mode both start them through `createServices`.
import { mkdirSync } from 'node:fs';
import { Collector, type ListenOptions } from './collector/server';
import { BridgeEventBus } from './ipc/event-bus';
import { type BridgeHandlerMap, createBridgeHandlers } from './ipc/handlers';
import { SettingsStore } from './settings/store';
import type { Logger } from './util/log';
import { APP_VERSION } from './version';

export interface ServicesOptions {
  dataDir: string;
  platform: 'electron' | 'headless';
  log: Logger;
}

export interface Services {
  readonly version: string;
  readonly platform: 'electron' | 'headless';
  readonly dataDir: string;
  readonly log: Logger;
  readonly settings: SettingsStore;
  readonly bus: BridgeEventBus;
  readonly collector: Collector;
  readonly handlers: BridgeHandlerMap;
  /** Starts listening; routes must be registered on `collector.app` before this. */
  start(listen?: ListenOptions): Promise<void>;
  close(): Promise<void>;
}

export function createServices(opts: ServicesOptions): Services {
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const settings = new SettingsStore(opts.dataDir);
  const bus = new BridgeEventBus();
  const collector = new Collector({ settings, bus, log: opts.log });
  const core = {
    version: APP_VERSION,
    platform: opts.platform,
    dataDir: opts.dataDir,
    log: opts.log,
    settings,
    bus,
    collector,
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
    },
  };
}
