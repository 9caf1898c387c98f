// Sends are the app's own events (not journalled): recording one adds the contact's "SMS sent"
// timeline entry and counts it in the contact's stats.
import type { StitchDb } from '../db';
import type { EventRow, MessageRow } from '../db/types';
import { rootContactId } from './refresh';

export const messageSentEventId = (messageId: string): string => `message_sent:${messageId}`;

/** Marks a message sent at `at` and writes its `message_sent` event; repeating it changes nothing. */
export async function recordMessageSent(db: StitchDb, message: MessageRow, at: number): Promise<void> {
  await db.transaction('rw', [db.messages, db.events, db.contacts], async () => {
    const id = messageSentEventId(message.id);
    if (await db.events.get(id)) return;
    const stored = await db.messages.get(message.id);
    await db.messages.put({ ...stored, ...message, status: 'sent', sentAt: at });
    const event: EventRow = {
      id,
      type: 'message_sent',
      timestamp: at,
      receivedAt: at,
      source: 'app',
      contactId: message.contactId,
      campaignId: message.campaignId,
      recipientMessageId: message.id,
      channel: message.channel,
    };
    await db.events.add(event);
    const root = await rootContactId(db, message.contactId);
    const contact = await db.contacts.get(root);
    if (contact) {
      await db.contacts.update(root, { stats: { ...contact.stats, messages: contact.stats.messages + 1 } });
    }
  });
}
