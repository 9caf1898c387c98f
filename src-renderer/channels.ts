// What each channel needs and implies, in one table: its name, the link source its taps make, and
// the evidence the stitching engine weighs for it. Adding a channel is a new entry here.
import type { Channel, ClickSource } from '../src-main/shared/channels';
import type { DeviceType } from './db/types';

export interface ChannelSpec {
  name: string;
  clickSource: ClickSource;
  /** Devices its messages are normally read on: a tap from another kind is evidence against. */
  readOn: readonly DeviceType[];
  /**
   * Link-preview fetchers that mean the link was pasted into another app: a chat app's preview of
   * an SMS link is a forward. (WhatsApp's own preview of a WhatsApp message is not.)
   */
  foreignPreview: RegExp;
  /**
   * Apps its messages are read in, whose own in-app browser opens its links (device.ts names
   * them): a tap from another app's browser came through that app, not this message.
   */
  readIn: readonly string[];
}

const CHAT_PREVIEWS = /whatsapp|telegrambot|slackbot|discordbot|skypeuripreview|linkedinbot/i;

export const CHANNELS: Readonly<Record<Channel, ChannelSpec>> = {
  sms: {
    name: 'SMS',
    clickSource: 'sms_click',
    readOn: ['mobile', 'tablet'],
    foreignPreview: CHAT_PREVIEWS,
    readIn: [],
  },
  whatsapp: {
    name: 'WhatsApp',
    clickSource: 'whatsapp_click',
    // WhatsApp Web and the desktop app are common, so a desktop tap is no evidence either way.
    readOn: ['mobile', 'tablet', 'desktop'],
    foreignPreview: /telegrambot|slackbot|discordbot|skypeuripreview|linkedinbot/i,
    readIn: ['WhatsApp'],
  },
  email: {
    name: 'email',
    clickSource: 'email_click',
    // Email is read at a desk as much as on a phone: a desktop browser fits it.
    readOn: ['desktop', 'mobile', 'tablet'],
    // An email link pasted into a chat is a forward, as an SMS link is.
    foreignPreview: CHAT_PREVIEWS,
    // Mail apps open links in the system browser (or a tab of it): no app of their own to name.
    readIn: [],
  },
};

export const CHANNEL_LIST = Object.keys(CHANNELS) as Channel[];

/** The channel a click link source belongs to, if it is one. */
export function channelOfSource(source: string): Channel | undefined {
  return CHANNEL_LIST.find((channel) => CHANNELS[channel].clickSource === source);
}
