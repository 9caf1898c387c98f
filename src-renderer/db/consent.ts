// Writing a consent answer: the yes/no campaigns check and, beside it, where and when it came from,
// so "why may we text this person?" has an answer on the profile. Every writer of consent uses this.
import type { ConsentChannel, ConsentRecord, ContactRow } from './types';

export const CONSENT_CHANNELS: readonly ConsentChannel[] = ['sms', 'whatsapp', 'email'];

export const CONSENT_CHANNEL_LABEL: Record<ConsentChannel, string> = {
  sms: 'SMS',
  whatsapp: 'WhatsApp',
  email: 'Email',
};

/**
 * The contact with `granted` recorded for `channel`. The record is kept when the answer does not
 * change and one exists already: re-importing a file must not rewrite when someone opted in.
 */
export function withConsent<T extends Pick<ContactRow, 'consent' | 'consentRecords'>>(
  contact: T,
  channel: ConsentChannel,
  granted: boolean,
  record: Omit<ConsentRecord, 'granted'>,
): T {
  const existing = contact.consentRecords?.[channel];
  if (contact.consent[channel] === granted && existing) return contact;
  return {
    ...contact,
    consent: { ...contact.consent, [channel]: granted },
    consentRecords: { ...contact.consentRecords, [channel]: { granted, ...record } },
  };
}
