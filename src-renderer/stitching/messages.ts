// Sends are the app's own events (not journalled): recording one adds the contact's "SMS sent"
// timeline entry and counts it in the contact's stats.
import type { StitchDb } from '../db';
import type { EventRow, MessageRow } from '../db/types';
import { rootContactId } from './refresh';

export const messageSentEventId = (messageId: string): string => `message_sent:${messageId}`;

/** Marks a message sent at `at` and writes its `message_sent` event; repeating it changes nothing. */
export function recordMessageSent(db: StitchDb, message: MessageRow, at: number): Promise<void> {
  return recordMessagesSent(db, [{ message, at }]);
}

/**
 * `recordMessageSent` for many messages in a handful of bulk requests: a send's outcomes arrive a
 * hundred a second, and one message at a time (eight requests each, awaited in turn) fell behind.
 */
export async function recordMessagesSent(
  db: StitchDb,
  sent: readonly { message: MessageRow; at: number }[],
): Promise<void> {
  if (sent.length === 0) return;
  await db.transaction('rw', [db.messages, db.events, db.contacts], async () => {
    // The same message twice in one call counts once, with its last time.
    const byId = new Map(sent.map((s) => [s.message.id, s]));
    const all = [...byId.values()];
    const [recorded, stored] = await Promise.all([
      db.events.bulkGet(all.map((s) => messageSentEventId(s.message.id))),
      db.messages.bulkGet(all.map((s) => s.message.id)),
    ]);
    const fresh = all.flatMap((s, i) => (recorded[i] ? [] : [{ ...s, stored: stored[i] }]));
    if (fresh.length === 0) return;
    await db.messages.bulkPut(
      fresh.map(({ message, at, stored }) => ({
        ...stored,
        ...message,
        status: 'sent' as const,
        sentAt: at,
      })),
    );
    await db.events.bulkAdd(
      fresh.map(
        ({ message, at }): EventRow => ({
          id: messageSentEventId(message.id),
          type: 'message_sent',
          timestamp: at,
          receivedAt: at,
          source: 'app',
          contactId: message.contactId,
          campaignId: message.campaignId,
          recipientMessageId: message.id,
          channel: message.channel,
        }),
      ),
    );
    // One more message on each contact's stats, counted on the contact it was merged into, if any.
    const contactIds = [...new Set(fresh.map((f) => f.message.contactId))];
    const direct = await db.contacts.bulkGet(contactIds);
    const rootOf = new Map<string, string>();
    for (const [i, id] of contactIds.entries()) {
      rootOf.set(id, direct[i]?.mergedInto ? await rootContactId(db, id) : id);
    }
    const added = new Map<string, number>();
    for (const { message } of fresh) {
      const root = rootOf.get(message.contactId) ?? message.contactId;
      added.set(root, (added.get(root) ?? 0) + 1);
    }
    const roots = [...added.keys()];
    const rows = await db.contacts.bulkGet(roots);
    await db.contacts.bulkPut(
      rows.flatMap((contact) =>
        contact
          ? [
              {
                ...contact,
                stats: { ...contact.stats, messages: contact.stats.messages + (added.get(contact.id) ?? 0) },
              },
            ]
          : [],
      ),
    );
  });
}
