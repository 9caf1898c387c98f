// The bridge's request handlers: one map, keyed by channel, each with the schema its input must
// pass. Both transports (Electron IPC and the headless HTTP bridge) dispatch through `callBridge`.
import { z } from 'zod';
import { backupHandlers } from '../backup/bridge-handlers';
import { BackupFileError, BackupRequestError, BackupScheduleError } from '../backup/service';
import { demoSetup, removeDemoSite } from '../collector/demo-site';
import { SiteNotFoundError, siteInputSchema, siteUpdateSchema } from '../collector/sites';
import { noteCampaignSent } from '../desktop/login-item';
import { redactJournal } from '../erasure/redaction';
import { FileDialogError, type FileDialogs, MAX_CONTACTS_FILE_BYTES } from '../files/file-dialogs';
import { linkBaseReach } from '../links/reach';
import { LinkInputError, UnknownLinkError } from '../links/registry';
import { assertLinksReachable, type SendGuardDeps, UnreachableLinkError } from '../links/send-guard';
import { MessagingConfigError, messagingConfigSchema } from '../messaging/config';
import { emailConfigSchema } from '../messaging/email-config';
import { MessagingNotConfiguredError } from '../messaging/providers';
import { SmtpConnectError } from '../messaging/smtp';
import { OutboxRequestError } from '../scheduling/outbox';
import type { CoreServices } from '../services';
import { settingsPatchSchema } from '../settings/store';
import type { ApiError, BridgeArgs, BridgeChannel, BridgeResult } from '../shared/bridge';
import { isBridgeChannel } from './channels';

export interface HandlerDef<K extends BridgeChannel> {
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

const E164 = /^\+[1-9]\d{6,14}$/;
const emailAddress = z.email('must be an email address');

/** One outgoing message: an E.164 number (SMS, WhatsApp) or an address and its email parts. */
const outgoingMessage = z.strictObject({
  messageId: z.string().min(1).max(200),
  to: z.string().min(3).max(320),
  body: z.string().max(1600).optional(),
  template: z
    .strictObject({
      contentSid: z.string().regex(/^HX[0-9a-fA-F]{32}$/, 'must be a Content SID (HX…)'),
      variables: z.record(z.string(), z.string().max(1000)),
    })
    .optional(),
  email: z
    .strictObject({
      subject: z.string().min(1, 'an email needs a subject').max(998),
      html: z.string().max(10_000_000),
      text: z.string().max(2_000_000),
      unsubscribeUrl: z.url({ protocol: /^https?$/ }),
    })
    .optional(),
});
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time as HH:MM');
const campaignSchedule = {
  sendAt: z.number().int().min(0),
  quietHours: z
    .strictObject({ start: hhmm, end: hhmm })
    .refine((q) => q.start !== q.end, 'quiet hours must start and end at different times')
    .nullable(),
};
const timeZone = z.string().min(1).max(64).optional();
const campaignRef = z.strictObject({ campaignId: z.string().min(1).max(64) });
const sendChannel = z.enum(['sms', 'whatsapp', 'email']);

/** Each message's address fits its channel (E.164, or an email address with its parts). */
function checkAddresses(
  request: { channel: z.infer<typeof sendChannel>; messages: z.infer<typeof outgoingMessage>[] },
  ctx: z.RefinementCtx,
): void {
  request.messages.forEach((message, i) => {
    if (request.channel !== 'email' && !E164.test(message.to)) {
      ctx.addIssue({ code: 'custom', path: ['messages', i, 'to'], message: 'must be E.164' });
    }
    if (request.channel === 'email' && !emailAddress.safeParse(message.to).success) {
      ctx.addIssue({
        code: 'custom',
        path: ['messages', i, 'to'],
        message: `"${message.to.slice(0, 80)}" is not a valid email address`,
      });
    }
    if (request.channel === 'email' && !message.email) {
      ctx.addIssue({ code: 'custom', path: ['messages', i, 'email'], message: 'an email needs its parts' });
    }
  });
}

const identifierKind = z.enum(['email', 'phone', 'userId', 'visitor', 'message']);
const identifierValue = z.string().min(1).max(2048);
const identifierList = z.array(identifierValue).max(10_000);

/** Headless mode has no native dialogs: the UI uses the browser's file picker and downloads. */
function dialogsOf(services: CoreServices): FileDialogs {
  if (services.dialogs) return services.dialogs;
  throw new BridgeError(400, {
    error: 'unsupported',
    detail: 'Use the browser file picker in headless mode',
  });
}

/** The link base in force: the setting, else the collector's own address (as links.mint uses). */
function linkBaseOf(services: CoreServices): string {
  return (services.settings.get().links.baseUrl ?? services.collector.baseUrl).replace(/\/+$/, '');
}

function sendGuardOf(services: CoreServices): SendGuardDeps {
  return {
    linkBase: linkBaseOf(services),
    campaignOfCode: (code) => services.links.resolve(code)?.campaignId ?? null,
  };
}

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
    'sites.activity': { input: noArgs, run: () => services.siteActivity.list() },
    'sites.allowOrigin': {
      input: z.strictObject({ id: z.string().min(1).max(64), origin: z.string().min(1).max(300) }),
      run: ({ id, origin }) => {
        const site = services.sites.allowOrigin(id, origin);
        services.siteActivity.allowed(id, origin);
        return site;
      },
    },
    'demo.setup': { input: noArgs, run: () => demoSetup(services) },
    'demo.remove': { input: noArgs, run: () => ({ removed: removeDemoSite(services) }) },
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
    'journal.contents': { input: noArgs, run: () => services.journal.contents() },
    'journal.redact': {
      input: z.strictObject({
        emails: identifierList,
        phones: identifierList,
        visitorIds: identifierList,
        userIds: identifierList,
        messageIds: identifierList,
        offsets: z.array(z.number().int().min(0)).max(5000).optional(),
      }),
      run: (request) => {
        // Scheduled sends hold her number and texts too: the same erasure reaches them.
        services.outbox.redact(request);
        return redactJournal(services.journal, request);
      },
    },
    'suppression.hash': {
      input: z.strictObject({
        items: z.array(z.strictObject({ kind: identifierKind, value: identifierValue })).max(20_000),
      }),
      run: ({ items }) => ({ hashes: services.hashIdentifiers(items) }),
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
      run: (request) => services.links.mint(request, linkBaseOf(services)),
    },
    'links.mintUnsubscribe': {
      input: z.strictObject({
        campaignId: z.string().min(1).max(64),
        recipients: z.array(z.number().int().min(0)).min(1).max(10_000),
      }),
      run: (request) => services.links.mintUnsubscribe(request, linkBaseOf(services)),
    },
    'links.checkBase': {
      input: z.strictObject({ baseUrl: z.string().min(1).max(2048) }),
      run: async ({ baseUrl }) => ({
        ...(await services.linkProbe.check(baseUrl)),
        reach: linkBaseReach(baseUrl.trim()),
      }),
    },
    'links.base': {
      input: noArgs,
      run: () => {
        const url = linkBaseOf(services);
        return { url, reach: linkBaseReach(url) };
      },
    },
    'messaging.configure': {
      input: messagingConfigSchema,
      run: (input) => {
        const status = services.messaging.config.configure(input);
        services.outbox.settingsChanged(['sms', 'whatsapp']);
        return status;
      },
    },
    'messaging.status': { input: noArgs, run: () => services.messaging.config.status() },
    'messaging.send': {
      input: z
        .strictObject({
          campaignId: z.string().min(1).max(64),
          channel: sendChannel,
          messages: z.array(outgoingMessage).min(1).max(1000),
        })
        .superRefine(checkAddresses),
      run: async (request) => {
        assertLinksReachable(request, sendGuardOf(services));
        const results = await services.messaging.send(request, (progress) =>
          services.bus.emit('messaging.progress', progress),
        );
        noteCampaignSent(services.settings, results);
        return results;
      },
    },
    'outbox.plan': {
      input: z.strictObject({
        ...campaignSchedule,
        messages: z
          .array(
            z.strictObject({
              messageId: z.string().min(1).max(200),
              to: z.string().min(3).max(320),
              regionPhone: z.string().regex(E164, 'must be E.164').optional(),
              timeZone,
            }),
          )
          .max(100_000),
      }),
      run: (request) => services.outbox.plan(request),
    },
    'outbox.submit': {
      input: z
        .strictObject({
          campaignId: z.string().min(1).max(64),
          channel: sendChannel,
          ...campaignSchedule,
          messages: z
            .array(
              outgoingMessage.extend({
                timeZone,
                regionPhone: z.string().regex(E164, 'must be E.164').optional(),
              }),
            )
            .min(1)
            .max(1000),
        })
        .superRefine(checkAddresses),
      run: (request) => {
        assertLinksReachable(request, sendGuardOf(services));
        return services.outbox.submit(request);
      },
    },
    'outbox.status': { input: campaignRef, run: ({ campaignId }) => services.outbox.status(campaignId) },
    'outbox.pause': { input: campaignRef, run: ({ campaignId }) => services.outbox.pause(campaignId) },
    'outbox.resume': { input: campaignRef, run: ({ campaignId }) => services.outbox.resume(campaignId) },
    'outbox.cancel': { input: campaignRef, run: ({ campaignId }) => services.outbox.cancel(campaignId) },
    'outbox.outcomes': {
      input: z.strictObject({
        since: z.number().int().min(0),
        limit: z.number().int().min(1).max(5000).optional(),
      }),
      run: ({ since, limit }) => services.outbox.outcomes(since, limit ?? 1000),
    },
    'email.configure': {
      input: emailConfigSchema,
      run: (input) => {
        const status = services.messaging.email.configure(input);
        services.outbox.settingsChanged(['email']);
        return status;
      },
    },
    'email.status': { input: noArgs, run: () => services.messaging.email.status() },
    'email.compose': {
      input: z.strictObject({ message: outgoingMessage }),
      run: async ({ message }) => ({ eml: await services.messaging.composeEmail(message) }),
    },
    'files.openContacts': { input: noArgs, run: () => dialogsOf(services).openContacts() },
    'files.saveExport': {
      input: z.strictObject({
        // A file name only: the dialog picks the folder, so no separators or parent references.
        suggestedName: z
          .string()
          .min(1)
          .max(120)
          .refine(
            (name) => ![...name].some((c) => '/\\:*?"<>|'.includes(c) || c.charCodeAt(0) < 0x20),
            'must be a file name without path separators',
          )
          .refine((name) => name !== '.' && name !== '..', 'must be a file name'),
        content: z.string().max(MAX_CONTACTS_FILE_BYTES),
      }),
      run: ({ suggestedName, content }) => dialogsOf(services).saveExport(suggestedName, content),
    },
    ...backupHandlers(services.backup),
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
  if (error instanceof OutboxRequestError) {
    return new BridgeError(error.status, {
      error: error.status === 404 ? 'not_found' : 'conflict',
      detail: `${channel}: ${error.message}`,
    });
  }
  if (error instanceof UnreachableLinkError) {
    return new BridgeError(409, { error: 'link_unreachable', detail: error.message });
  }
  if (error instanceof MessagingNotConfiguredError) {
    return new BridgeError(409, { error: 'not_configured', detail: `${channel}: ${error.message}` });
  }
  if (error instanceof SmtpConnectError) {
    return new BridgeError(error.problem === 'auth' ? 400 : 502, {
      error: error.problem === 'auth' ? 'smtp_auth_refused' : 'smtp_unreachable',
      detail: `${channel}: ${error.message}`,
    });
  }
  if (error instanceof FileDialogError) {
    return new BridgeError(400, { error: 'invalid_file', detail: `${channel}: ${error.message}` });
  }
  if (error instanceof LinkInputError || error instanceof MessagingConfigError) {
    return new BridgeError(400, {
      error: 'invalid_input',
      field: error.field,
      detail: `${channel}: ${error.message}`,
    });
  }
  if (error instanceof BackupFileError) {
    // The file or its passphrase is the problem; `error` names which, for the UI to explain.
    const field = error.problem === 'wrong_passphrase' ? 'passphrase' : 'file';
    return new BridgeError(400, { error: error.problem, field, detail: error.message });
  }
  if (error instanceof BackupRequestError) {
    return new BridgeError(error.status, {
      error: error.code,
      ...(error.field ? { field: error.field } : {}),
      detail: `${channel}: ${error.message}`,
    });
  }
  if (error instanceof BackupScheduleError) {
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
