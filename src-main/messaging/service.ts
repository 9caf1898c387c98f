// Sending a campaign's messages through the configured provider, pushing progress as it goes.
import type { MessagingProgress, MessagingSendRequest, SendResult } from '../shared/messaging';
import { MessagingConfigStore } from './config';
import { sendAll } from './provider';
import { TwilioProvider } from './twilio';

/** Sending was asked for before credentials were set. */
export class MessagingNotConfiguredError extends Error {}

export class MessagingService {
  readonly config: MessagingConfigStore;

  constructor(
    dataDir: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {
    this.config = new MessagingConfigStore(dataDir);
  }

  async send(
    request: MessagingSendRequest,
    onProgress: (progress: MessagingProgress) => void = () => undefined,
  ): Promise<SendResult[]> {
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
    let failed = 0;
    return sendAll(provider, request.channel, request.messages, {
      ratePerSecond: config.ratePerSecond,
      onResult: (result, done) => {
        if (!result.ok) failed += 1;
        onProgress({ campaignId: request.campaignId, done, total: request.messages.length, failed });
      },
    });
  }
}
