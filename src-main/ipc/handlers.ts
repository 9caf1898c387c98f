// The bridge's request handlers: one map, keyed by channel, each with the schema its input must
// pass. Both transports (Electron IPC and the headless HTTP bridge) dispatch through `callBridge`.
import { z } from 'zod';
import { SiteNotFoundError, siteInputSchema, siteUpdateSchema } from '../collector/sites';
import { LinkInputError, UnknownLinkError } from '../links/registry';
import type { CoreServices } from '../services';
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

export function createBridgeHandlers(services: CoreServices): BridgeHandlerMap {
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
    'sites.list': { input: noArgs, run: () => services.sites.list() },
    'sites.create': { input: siteInputSchema, run: (input) => services.sites.create(input) },
    'sites.update': { input: siteUpdateSchema, run: (input) => services.sites.update(input) },
    'journal.read': {
      input: z.strictObject({
        fromOffset: z.number().int().min(0),
        limit: z.number().int().min(1).max(5000),
      }),
      run: ({ fromOffset, limit }) => services.journal.read(fromOffset, limit),
    },
    'journal.ack': {
      input: z.strictObject({ offset: z.number().int().min(-1) }),
      run: async ({ offset }) => ({ ackedOffset: await services.journal.ack(offset) }),
    },
    'links.register': {
      input: z.strictObject({
        campaignId: z.string().min(1).max(64),
        links: z
          .array(z.strictObject({ linkId: z.string().min(1).max(64), destination: z.string().max(2048) }))
          .min(1)
          .max(100),
      }),
      run: (input) => services.links.register(input),
    },
    'links.mint': {
      input: z.strictObject({
        campaignId: z.string().min(1).max(64),
        linkId: z.string().min(1).max(64),
        recipients: z.array(z.number().int().min(0)).min(1).max(10_000),
      }),
      run: (request) =>
        services.links.mint(request, services.settings.get().links.baseUrl ?? services.collector.baseUrl),
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
  try {
    return await def.run(parsed.data);
  } catch (error) {
    throw asBridgeError(channel, error);
  }
}

/** Errors that describe the caller's input become 4xx answers; anything else stays a failure. */
function asBridgeError(channel: string, error: unknown): unknown {
  if (error instanceof UnknownLinkError || error instanceof SiteNotFoundError) {
    return new BridgeError(404, {
      error: 'not_found',
      ...(error instanceof UnknownLinkError ? { field: error.field } : {}),
      detail: `${channel}: ${error.message}`,
    });
  }
  if (error instanceof LinkInputError) {
    return new BridgeError(400, {
      error: 'invalid_input',
      field: error.field,
      detail: `${channel}: ${error.message}`,
    });
  }
  if (error instanceof z.ZodError) {
    const issue = error.issues[0];
    const field = issue?.path.join('.') || undefined;
    return new BridgeError(400, {
      error: 'invalid_input',
      ...(field ? { field } : {}),
      detail: `${channel}: ${issue?.message ?? 'invalid input'}`,
    });
  }
  return error;
}
