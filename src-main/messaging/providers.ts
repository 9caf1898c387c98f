// Which provider sends each channel: a lookup the outbox and the direct send share, so another
// provider (an SMTP sender for email) plugs in by registering its channels.
import type { MessagingChannel } from '../shared/messaging';
import type { MessagingProvider } from './provider';

/** Sending was asked for before credentials were set. */
export class MessagingNotConfiguredError extends Error {}

export interface ChannelProvider {
  provider: MessagingProvider;
  /** Requests started per second the account allows. */
  ratePerSecond: number;
  /** Requests in flight at once (an SMTP pool's connections); left out, the sending loop's default. */
  concurrency?: number;
}

/** Builds the channel's provider from the current configuration, or throws MessagingNotConfiguredError. */
export type ProviderFactory = (channel: MessagingChannel) => ChannelProvider;

export class ProviderRegistry {
  private readonly factories = new Map<MessagingChannel, ProviderFactory>();

  register(channels: readonly MessagingChannel[], factory: ProviderFactory): void {
    for (const channel of channels) this.factories.set(channel, factory);
  }

  resolve(channel: MessagingChannel): ChannelProvider {
    const factory = this.factories.get(channel);
    if (!factory) throw new MessagingNotConfiguredError(`No provider sends ${channel} messages`);
    return factory(channel);
  }
}
