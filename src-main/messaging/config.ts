// Provider credentials in the data dir (messaging.json, owner-only): the auth token is stored but
// never handed back; the renderer sees only whether sending is configured and a masked account SID.
import { join } from 'node:path';
import { z } from 'zod';
import type { MessagingConfigInput, MessagingStatus } from '../shared/messaging';
import { readSecretFile, writeFileAtomic } from '../util/fs';
import { TWILIO_DEFAULT_BASE_URL, type TwilioConfig } from './twilio';

const FILE = 'messaging.json';
export const DEFAULT_RATE_PER_SECOND = 1;

const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number such as +14155550100');

export const messagingConfigSchema = z.strictObject({
  accountSid: z
    .string()
    .regex(/^AC[0-9a-fA-F]{32}$/, 'must be an Account SID (AC followed by 32 hex digits)'),
  authToken: z.string().min(16).max(128).optional(),
  smsFrom: z.union([e164, z.literal('')]).optional(),
  whatsappFrom: z.union([e164, z.literal('')]).optional(),
  messagingServiceSid: z
    .union([z.string().regex(/^MG[0-9a-fA-F]{32}$/, 'must be MG followed by 32 hex digits'), z.literal('')])
    .optional(),
  baseUrl: z.url({ protocol: /^https?$/ }).optional(),
  ratePerSecond: z.number().min(0.1).max(1000).optional(),
});

const storedSchema = z.object({
  accountSid: z.string(),
  authToken: z.string(),
  smsFrom: z.string().optional(),
  whatsappFrom: z.string().optional(),
  messagingServiceSid: z.string().optional(),
  baseUrl: z.string(),
  ratePerSecond: z.number(),
});
type Stored = z.infer<typeof storedSchema>;

/** A configuration the user must correct; the bridge answers it as a 400 naming the field. */
export class MessagingConfigError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export class MessagingConfigStore {
  private readonly file: string;
  private stored: Stored | null = null;

  constructor(dataDir: string) {
    this.file = join(dataDir, FILE);
    this.stored = readSecretFile(this.file, (json) => storedSchema.safeParse(json));
  }

  configure(input: MessagingConfigInput): MessagingStatus {
    const baseUrl = (input.baseUrl ?? this.stored?.baseUrl ?? TWILIO_DEFAULT_BASE_URL).replace(/\/+$/, '');
    // A stored token is only ever sent to the address it was entered for: a new account or a new
    // API address needs the token typed again.
    const keepsToken = this.stored?.accountSid === input.accountSid && this.stored.baseUrl === baseUrl;
    if (input.authToken === undefined && this.stored?.authToken && !keepsToken) {
      throw new MessagingConfigError(
        'authToken',
        'Enter the auth token again when changing the account or API address',
      );
    }
    const token = input.authToken ?? (keepsToken && this.stored ? this.stored.authToken : '');
    const next: Stored = {
      accountSid: input.accountSid,
      authToken: token,
      baseUrl,
      ratePerSecond: input.ratePerSecond ?? this.stored?.ratePerSecond ?? DEFAULT_RATE_PER_SECOND,
    };
    if (input.smsFrom) next.smsFrom = input.smsFrom;
    if (input.whatsappFrom) next.whatsappFrom = input.whatsappFrom;
    if (input.messagingServiceSid) next.messagingServiceSid = input.messagingServiceSid;
    writeFileAtomic(this.file, `${JSON.stringify(next, null, 2)}\n`, 0o600);
    this.stored = next;
    return this.status();
  }

  status(): MessagingStatus {
    const s = this.stored;
    return {
      configured: !!s && s.authToken !== '' && !!(s.smsFrom || s.whatsappFrom || s.messagingServiceSid),
      accountSid: s ? maskSid(s.accountSid) : null,
      from: {
        sms: s?.smsFrom ?? null,
        whatsapp: s?.whatsappFrom ?? null,
        messagingServiceSid: s?.messagingServiceSid ? maskSid(s.messagingServiceSid) : null,
      },
      baseUrl: s?.baseUrl ?? TWILIO_DEFAULT_BASE_URL,
      ratePerSecond: s?.ratePerSecond ?? DEFAULT_RATE_PER_SECOND,
    };
  }

  /** The full credentials, for the adapter only (main process). */
  twilioConfig(): (TwilioConfig & { ratePerSecond: number }) | null {
    const s = this.stored;
    if (!s?.authToken) return null;
    const config: TwilioConfig & { ratePerSecond: number } = {
      accountSid: s.accountSid,
      authToken: s.authToken,
      baseUrl: s.baseUrl,
      ratePerSecond: s.ratePerSecond,
    };
    if (s.smsFrom) config.smsFrom = s.smsFrom;
    if (s.whatsappFrom) config.whatsappFrom = s.whatsappFrom;
    if (s.messagingServiceSid) config.messagingServiceSid = s.messagingServiceSid;
    return config;
  }
}

export function maskSid(sid: string): string {
  return sid.length <= 6 ? '••••' : `${sid.slice(0, 2)}${'•'.repeat(sid.length - 6)}${sid.slice(-4)}`;
}
