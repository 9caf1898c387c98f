// SMTP settings in the data dir (smtp.json, owner-only), like the Twilio token: the password is
// stored but never handed back; the renderer sees the server, the sender and whether one is stored.
import { join } from 'node:path';
import { z } from 'zod';
import type { EmailConfigInput, EmailStatus } from '../shared/messaging';
import { readSecretFile, writeFileAtomic } from '../util/fs';
import { MessagingConfigError } from './config';
import type { SmtpConfig } from './smtp';

const FILE = 'smtp.json';
export const DEFAULT_EMAIL_RATE_PER_SECOND = 10;

/** One address, as the composer and the import check it (`src-renderer/contacts-io/normalize.ts`). */
const address = z.email('must be an email address such as news@shop.example');

export const emailConfigSchema = z.strictObject({
  host: z
    .string()
    .min(1, 'is required')
    .max(253)
    .regex(/^[A-Za-z0-9.-]+$|^\[[0-9a-fA-F:.]+\]$/, 'must be a host name or IP address'),
  port: z.number().int().min(1).max(65535),
  security: z.enum(['tls', 'starttls', 'none']),
  user: z.string().max(256).optional(),
  password: z.string().min(1).max(1024).optional(),
  from: address,
  fromName: z.string().max(120).optional(),
  ratePerSecond: z.number().min(0.1).max(1000).optional(),
});

const storedSchema = z.object({
  host: z.string(),
  port: z.number(),
  security: z.enum(['tls', 'starttls', 'none']),
  user: z.string().optional(),
  password: z.string().optional(),
  from: z.string(),
  fromName: z.string().optional(),
  ratePerSecond: z.number(),
});
type Stored = z.infer<typeof storedSchema>;

export class EmailConfigStore {
  private readonly file: string;
  private stored: Stored | null = null;

  constructor(dataDir: string) {
    this.file = join(dataDir, FILE);
    this.stored = readSecretFile(this.file, (json) => storedSchema.safeParse(json));
  }

  configure(input: EmailConfigInput): EmailStatus {
    const user = input.user?.trim() || undefined;
    // A stored password only ever goes to the server and login it was typed for.
    const keepsPassword =
      this.stored?.host === input.host && this.stored.port === input.port && this.stored.user === user;
    if (user && input.password === undefined && this.stored?.password && !keepsPassword) {
      throw new MessagingConfigError(
        'password',
        'Enter the password again when changing the server or login',
      );
    }
    const password = input.password ?? (keepsPassword ? this.stored?.password : undefined);
    const next: Stored = {
      host: input.host,
      port: input.port,
      security: input.security,
      from: input.from.trim().toLowerCase(),
      ratePerSecond: input.ratePerSecond ?? this.stored?.ratePerSecond ?? DEFAULT_EMAIL_RATE_PER_SECOND,
    };
    if (user) next.user = user;
    if (user && password) next.password = password;
    if (input.fromName?.trim()) next.fromName = input.fromName.trim();
    writeFileAtomic(this.file, `${JSON.stringify(next, null, 2)}\n`, 0o600);
    this.stored = next;
    return this.status();
  }

  status(): EmailStatus {
    const s = this.stored;
    return {
      configured: !!s && (!s.user || !!s.password),
      host: s?.host ?? null,
      port: s?.port ?? null,
      security: s?.security ?? 'starttls',
      user: s?.user ?? null,
      hasPassword: !!s?.password,
      from: s?.from ?? null,
      fromName: s?.fromName ?? null,
      ratePerSecond: s?.ratePerSecond ?? DEFAULT_EMAIL_RATE_PER_SECOND,
    };
  }

  /** The full settings, for the adapter only (main process). */
  smtpConfig(): (SmtpConfig & { ratePerSecond: number }) | null {
    const s = this.stored;
    if (!s || (s.user && !s.password)) return null;
    const config: SmtpConfig & { ratePerSecond: number } = {
      host: s.host,
      port: s.port,
      security: s.security,
      from: s.from,
      ratePerSecond: s.ratePerSecond,
    };
    if (s.user) config.user = s.user;
    if (s.password) config.password = s.password;
    if (s.fromName) config.fromName = s.fromName;
    return config;
  }
}
