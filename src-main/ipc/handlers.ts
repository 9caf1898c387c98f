// The bridge's request handlers: one map, keyed by channel, each with the schema its input must
// pass. Both transports (Electron IPC and the headless HTTP bridge) dispatch through `callBridge`.
import { z } from 'zod';
import type { Services } from '../services';
import { settingsPatchSchema } from '../settings/store';
import type { ApiError, BridgeArgs, BridgeChannel, BridgeResult } from '../shared/bridge';
import { isBridgeChannel } from './channels';

interface HandlerDef<K extends BridgeChannel> {
  input: z.ZodType<BridgeArgs<K>>;
  run: (args: BridgeArgs<K>) => BridgeResult<K> | Promise<BridgeResult<K>>;
}

export type BridgeHandlerMap = { [K in BridgeChannel]: HandlerDef<K> };

/** A failure the caller caused: reported as a 4xx with a JSON error naming the problem. */
export class BridgeError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiError,
  ) {
    super(body.detail);
  }
}

const noArgs = z.undefined();

export function createBridgeHandlers(
  services: Omit<Services, 'handlers' | 'close' | 'start'>,
): BridgeHandlerMap {
  return {
    'app.info': {
      input: noArgs,
      run: () => ({ version: services.version, platform: services.platform, dataDir: services.dataDir }),
    },
    'collector.status': { input: noArgs, run: () => services.collector.status() },
    'collector.feed': {
      input: z.strictObject({ limit: z.number().int().min(1).max(500).optional() }),
      run: ({ limit }) => services.collector.feed(limit ?? 100),
    },
    'settings.get': { input: noArgs, run: () => services.settings.get() },
    'settings.update': {
      input: settingsPatchSchema,
      run: (patch) => services.settings.update(patch),
    },
  };
}

/** Validates the channel and its input, then runs the handler. Throws BridgeError on bad input. */
export async function callBridge(
  map: BridgeHandlerMap,
  channel: unknown,
  rawArgs: unknown,
): Promise<unknown> {
  if (!isBridgeChannel(channel)) {
    throw new BridgeError(404, {
      error: 'unknown_channel',
      detail: `No bridge channel named ${JSON.stringify(String(channel)).slice(0, 80)}`,
    });
  }
  const def = map[channel] as HandlerDef<BridgeChannel>;
  const parsed = def.input.safeParse(rawArgs);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || undefined;
    throw new BridgeError(400, {
      error: 'invalid_input',
      ...(field ? { field } : {}),
      detail: `${channel}: ${issue ? `${field ? `${field}: ` : ''}${issue.message}` : 'invalid input'}`,
    });
  }
  return def.run(parsed.data);
}
