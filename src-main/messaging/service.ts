// Sending a campaign's messages through the configured provider (Twilio for SMS/WhatsApp, SMTP for
// email), pushing progress as it goes.
import type {
  MessagingChannel,
  MessagingProgress,
  MessagingSendRequest,
  OutgoingMessage,
  SendResult,
} from '../shared/messaging';
import { MessagingConfigStore } from './config';
import { EmailConfigStore } from './email-config';
import { type MessagingProvider, type SendOptions, sendAll } from './provider';
import { type ChannelProvider, MessagingNotConfiguredError, ProviderRegistry } from './providers';
import { composeEml, SmtpProvider } from './smtp';
import { TwilioProvider } from './twilio';

export { MessagingNotConfiguredError };

/** An SMTP connection pool kept between the chunks of one send, and the rate's clock with it. */
interface EmailSession {
  key: string;
  provider: SmtpProvider;
  pacer: { nextStart: number };
  idle: NodeJS.Timeout | undefined;
}

/** A campaign arrives in chunks; the logged-in pool is closed once none came for this long. */
const EMAIL_SESSION_IDLE_MS = 15_000;

/**
 * SMTP connections (and messages in flight) for a rate: an SMTP transaction takes several round
 * trips, so one connection carries ~10 emails a second; servers commonly allow about 10 per client.
 */
export const smtpConnectionsFor = (ratePerSecond: number): number =>
  Math.min(10, Math.max(2, Math.ceil(ratePerSecond / 10)));

export class MessagingService {
  readonly config: MessagingConfigStore;
  readonly email: EmailConfigStore;
  /** Which provider sends each channel: the direct send and the outbox both resolve here. */
  readonly providers = new ProviderRegistry();
  private session: EmailSession | null = null;

  constructor(
    dataDir: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {
    this.config = new MessagingConfigStore(dataDir);
    this.email = new EmailConfigStore(dataDir);
    this.providers.register(['sms', 'whatsapp'], (channel) => this.twilioFor(channel));
    this.providers.register(['email'], () => this.smtpForOutbox());
  }

  async send(
    request: MessagingSendRequest,
    onProgress: (progress: MessagingProgress) => void = () => undefined,
  ): Promise<SendResult[]> {
    if (request.channel === 'email') return this.sendEmail(request, onProgress);
    const { provider, ratePerSecond } = this.providers.resolve(request.channel);
    return this.run(provider, request, ratePerSecond, onProgress);
  }

  private twilioFor(channel: MessagingChannel): ChannelProvider {
    const config = this.config.twilioConfig();
    if (!config)
      throw new MessagingNotConfiguredError('Set the Twilio account SID, auth token and sender first');
    const from = channel === 'whatsapp' ? config.whatsappFrom : config.smsFrom;
    if (!from && !config.messagingServiceSid) {
      throw new MessagingNotConfiguredError(
        `No ${channel === 'whatsapp' ? 'WhatsApp' : 'SMS'} sender is set`,
      );
    }
    return { provider: new TwilioProvider(config, this.fetchImpl), ratePerSecond: config.ratePerSecond };
  }

  /**
   * The outbox's email sender: the kept SMTP pool for the current settings, made on first use. The
   * outbox calls its `verify` before the first batch, so a refused login holds the campaign with
   * one clear reason instead of failing every recipient.
   */
  private smtpForOutbox(): ChannelProvider {
    const config = this.email.smtpConfig();
    if (!config) throw new MessagingNotConfiguredError('Set the SMTP server, sender and password first');
    const key = JSON.stringify(config);
    if (this.session?.key !== key) {
      if (this.session) this.closeEmailSession(this.session);
      const provider = new SmtpProvider(config, smtpConnectionsFor(config.ratePerSecond));
      this.session = { key, provider, pacer: { nextStart: Date.now() }, idle: undefined };
    }
    return {
      provider: this.session.provider,
      ratePerSecond: config.ratePerSecond,
      concurrency: smtpConnectionsFor(config.ratePerSecond),
    };
  }

  /** The message as a `.eml` file, composed as the SMTP sender would send it. */
  composeEmail(message: OutgoingMessage): Promise<string> {
    const status = this.email.status();
    const from = status.from ?? 'sender@example.invalid';
    return composeEml(status.fromName ? { from, fromName: status.fromName } : { from }, message);
  }

  private async sendEmail(
    request: MessagingSendRequest,
    onProgress: (progress: MessagingProgress) => void,
  ): Promise<SendResult[]> {
    const config = this.email.smtpConfig();
    if (!config) throw new MessagingNotConfiguredError('Set the SMTP server, sender and password first');
    const session = await this.emailSession(config);
    if (session.idle) clearTimeout(session.idle);
    try {
      return await this.run(session.provider, request, config.ratePerSecond, onProgress, {
        pacer: session.pacer,
        concurrency: smtpConnectionsFor(config.ratePerSecond),
      });
    } finally {
      session.idle = setTimeout(() => this.closeEmailSession(session), EMAIL_SESSION_IDLE_MS);
      session.idle.unref();
    }
  }

  /** The pool for these settings, logged in once: a refused password is one clear error, not one per recipient. */
  private async emailSession(
    config: NonNullable<ReturnType<EmailConfigStore['smtpConfig']>>,
  ): Promise<EmailSession> {
    const key = JSON.stringify(config);
    if (this.session?.key === key) return this.session;
    if (this.session) this.closeEmailSession(this.session);
    const provider = new SmtpProvider(config, smtpConnectionsFor(config.ratePerSecond));
    try {
      await provider.verify();
    } catch (error) {
      provider.close();
      throw error;
    }
    this.session = { key, provider, pacer: { nextStart: Date.now() }, idle: undefined };
    return this.session;
  }

  private closeEmailSession(session: EmailSession): void {
    if (session.idle) clearTimeout(session.idle);
    session.provider.close();
    if (this.session === session) this.session = null;
  }

  /** Closes a kept SMTP connection (the app is quitting, or the workspace was replaced). */
  close(): void {
    if (this.session) this.closeEmailSession(this.session);
  }

  private run(
    provider: MessagingProvider,
    request: MessagingSendRequest,
    ratePerSecond: number,
    onProgress: (progress: MessagingProgress) => void,
    extra: Pick<SendOptions, 'pacer' | 'concurrency'> = {},
  ): Promise<SendResult[]> {
    let failed = 0;
    return sendAll(provider, request.channel, request.messages, {
      ratePerSecond,
      ...extra,
      onResult: (result, done) => {
        if (!result.ok) failed += 1;
        onProgress({ campaignId: request.campaignId, done, total: request.messages.length, failed });
      },
    });
  }
}
