// The real main-process services in this process, reached through the same bridge handlers the app
// uses (validation included): for store tests that need the real journal, keyed hashing or redaction.
import { callBridge } from '../../src-main/ipc/handlers';
import type { Bridge, BridgeResult } from '../../src-main/shared/bridge';
import type { TrackedEvent } from '../../src-main/shared/events';
import { startTestServices } from './services';

export interface InProcessMain {
  bridge: Bridge;
  dataDir: string;
  /** The collector's address (tracked links, one-click unsubscribe). */
  url: string;
  /** Appends events to the journal as the collector does (source `tracker`, or `redirect` for links). */
  append(events: TrackedEvent[]): Promise<void>;
  close(): Promise<void>;
}

/** Pass the `dataDir` of an earlier, closed instance to restart on the same data folder. */
export async function startInProcessMain(opts: { dataDir?: string } = {}): Promise<InProcessMain> {
  const test = await startTestServices(opts.dataDir ? { dataDir: opts.dataDir } : {});
  const { services } = test;
  const bridge: Bridge = {
    platform: 'headless',
    invoke: async (channel, args) =>
      (await callBridge(services.handlers, channel, args)) as BridgeResult<typeof channel>,
    on: () => () => undefined,
  };
  return {
    bridge,
    dataDir: test.dataDir,
    url: test.url,
    append: async (events) => {
      await services.journal.append(
        events.map((event) =>
          event.type === 'link_click' || event.type === 'link_preview'
            ? { source: 'redirect', event }
            : { source: 'tracker', siteId: 'site1', event },
        ),
      );
    },
    close: test.close,
  };
}
