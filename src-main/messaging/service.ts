// Sending a campaign's messages through the configured provider (Twilio for SMS/WhatsApp, SMTP for
// email), pushing progress as it goes.
import type {
  MessagingProgress,
  MessagingSendRequest,
  OutgoingMessage,
  SendResult,
} from '../shared/messaging';
import { MessagingConfigStore } from './config';
import { EmailConfigStore } from './email-config';
import { type MessagingProvider, sendAll } from './provider';
import { composeEml, SmtpProvider } from './smtp';
import { TwilioProvider } from './twilio';

/** Sending was asked for before credentials were set. */
export class MessagingNotConfiguredError extends Error {}

export class MessagingService {
  readonly config: MessagingConfigStore;
  readonly email: EmailConfigStore;

  constructor(
    dataDir: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {
    this.config = new MessagingConfigStore(dataDir);
    this.email = new EmailConfigStore(dataDir);
  }

  async send(
    request: MessagingSendRequest,
    onProgress: (progress: MessagingProgress) => void = () => undefined,
  ): Promise<SendResult[]> {
    if (request.channel === 'email') return this.sendEmail(request, onProgress);
    const config = this.config.twilioConfig();
    if (!config)
      throw new MessagingNotConfiguredError('Set the Twilio account SID, auth token and sender first');
    const from = request.channel === 'whatsapp' ? config.whatsappFrom : config.smsFrom;
    if (!from && !config.messagingServiceSid) {
      throw new MessagingNotConfiguredError(
        `No ${request.channel === 'whatsapp' ? 'WhatsApp' : 'SMS'} sender is set`,
      );
    }
    const provider = new TwilioProvider(config, this.fetchImpl);
    return this.run(provider, request, config.ratePerSecond, onProgress);
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
    const provider = new SmtpProvider(config);
    try {
      // One login check first: a refused password is one clear error, not a failure per recipient.
      await provider.verify();
      return await this.run(provider, request, config.ratePerSecond, onProgress);
    } finally {
      provider.close();
    }
  }

  private run(
    provider: MessagingProvider,
    request: MessagingSendRequest,
    ratePerSecond: number,
    onProgress: (progress: MessagingProgress) => void,
  ): Promise<SendResult[]> {
    let failed = 0;
    return sendAll(provider, request.channel, request.messages, {
      ratePerSecond,
      onResult: (result, done) => {
        if (!result.ok) failed += 1;
        onProgress({ campaignId: request.campaignId, done, total: request.messages.length, failed });
      },
    });
  }
}
