// Sending a campaign's messages through the configured provider, pushing progress as it goes.
import type {
  MessagingChannel,
  MessagingProgress,
  MessagingSendRequest,
  SendResult,
} from '../shared/messaging';
import { MessagingConfigStore } from './config';
import { sendAll } from './provider';
import { type ChannelProvider, MessagingNotConfiguredError, ProviderRegistry } from './providers';
import { TwilioProvider } from './twilio';

export { MessagingNotConfiguredError };

export class MessagingService {
  readonly config: MessagingConfigStore;
  readonly providers = new ProviderRegistry();

  constructor(
    dataDir: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {
    this.config = new MessagingConfigStore(dataDir);
    this.providers.register(['sms', 'whatsapp'], (channel) => this.twilioFor(channel));
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

  async send(
    request: MessagingSendRequest,
    onProgress: (progress: MessagingProgress) => void = () => undefined,
  ): Promise<SendResult[]> {
    const { provider, ratePerSecond } = this.providers.resolve(request.channel);
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
