// What a provider's delivery status means for a sent message: Delivered, Failed, or not known yet.
import type { MessageRow } from '../db/types';

const DELIVERED = new Set(['delivered', 'read']);
const UNDELIVERED = new Set(['failed', 'undelivered', 'canceled']);

export type Delivery = 'Delivered' | 'Failed';

/** Delivered or Failed by the provider's last status, or a message it refused; null while unknown. */
export function deliveryOf(message: Pick<MessageRow, 'status' | 'providerStatus'>): Delivery | null {
  if (message.status === 'failed') return 'Failed';
  if (!message.providerStatus) return null;
  if (DELIVERED.has(message.providerStatus)) return 'Delivered';
  if (UNDELIVERED.has(message.providerStatus)) return 'Failed';
  return null;
}
