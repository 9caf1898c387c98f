// The store catching up with the main-process outbox: outcomes pulled after the fact become sent
// messages with timeline entries, delivery statuses and error codes; the report counts Delivered and
// Failed from them; an outcome older than the one applied changes nothing.
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { applyOutboxOutcomes, pullOutboxOutcomes } from '../../../src-renderer/campaigns/outbox-sync';
import type { StitchDb } from '../../../src-renderer/db';
import type { MessageRow } from '../../../src-renderer/db/types';
import { campaignReport } from '../../../src-renderer/queries/reports';
import { mergeContacts } from '../../../src-renderer/stitching/manual';
import { messageSentEventId } from '../../../src-renderer/stitching/messages';
import { addContact, freshDb, type InProcessMain, settingsWith, startMain } from './support';

// The Twilio stand-in is Node code outside the renderer's typecheck: loaded by path, shape spelled out.
const FAKE_TWILIO = '../../support/fake-twilio';
interface FakeTwilio {
  baseUrl: string;
  close(): Promise<void>;
}
const { startFakeTwilio } = (await import(FAKE_TWILIO)) as { startFakeTwilio: () => Promise<FakeTwilio> };

let main: InProcessMain | undefined;
let fake: FakeTwilio | undefined;
afterEach(async () => {
  await main?.close();
  await fake?.close();
  main = undefined;
  fake = undefined;
});

async function campaignOf(
  db: StitchDb,
  recipients: { contactId: string; to: string }[],
): Promise<MessageRow[]> {
  await db.campaigns.add({
    id: 'sp',
    name: 'Spring',
    channel: 'sms',
    createdAt: Date.now(),
    status: 'prepared',
  });
  const rows = recipients.map(
    (r, i): MessageRow => ({
      id: `sp:${i}`,
      campaignId: 'sp',
      contactId: r.contactId,
      channel: 'sms',
      to: r.to,
      text: `Spring sale ${i}`,
      status: 'prepared',
    }),
  );
  await db.messages.bulkAdd(rows);
  return rows;
}

describe('outbox sync', () => {
  it('records a burst of sent outcomes in bulk: one timeline entry each, stats on the merged-into contact', async () => {
    const db = freshDb();
    await addContact(db, { id: 'ana', phone: '+14155550100' });
    await addContact(db, { id: 'ana-old', phone: '+14155550101' });
    await addContact(db, { id: 'ben', phone: '+14155550102' });
    await mergeContacts(db, { targetId: 'ana', sourceId: 'ana-old', settings: settingsWith() });
    const recipients = ['ana', 'ana-old', 'ben'].map((contactId, i) => ({
      contactId,
      to: `+1415555010${i}`,
    }));
    const rows = await campaignOf(db, recipients);
    const sentAt = Date.now();
    const outcome = (m: MessageRow, seq: number, providerStatus: string) => ({
      seq,
      messageId: m.id,
      campaignId: 'sp',
      state: 'sent' as const,
      sendAt: sentAt,
      sentAt,
      providerId: `SM${seq}`,
      providerStatus,
    });
    // ben's message twice in one pull (queued, then sent): recorded once, with the later status.
    const [first, second, third] = rows as [MessageRow, MessageRow, MessageRow];
    await applyOutboxOutcomes(db, [
      outcome(first, 1, 'queued'),
      outcome(second, 2, 'queued'),
      outcome(third, 3, 'queued'),
      outcome(third, 4, 'sent'),
    ]);
    // Pulled again (a restart before the applied seq was saved): nothing counts twice.
    await applyOutboxOutcomes(db, [outcome(first, 1, 'queued')]);
    const events = await db.events.where('[campaignId+type]').equals(['sp', 'message_sent']).toArray();
    expect(events.map((e) => e.id).sort()).toEqual(rows.map((m) => messageSentEventId(m.id)).sort());
    expect((await db.contacts.get('ana'))?.stats.messages).toBe(2);
    expect((await db.contacts.get('ana-old'))?.stats.messages).toBe(0);
    expect((await db.contacts.get('ben'))?.stats.messages).toBe(1);
    const ben = await db.messages.get(third.id);
    expect(ben).toMatchObject({ status: 'sent', providerStatus: 'sent', outboxSeq: 4 });
    expect((await db.campaigns.get('sp'))?.status).toBe('sent');
  });

  it('applies pulled outcomes: sent with a timeline entry, then Delivered or Failed with the error code', async () => {
    fake = await startFakeTwilio();
    main = await startMain();
    await main.bridge.invoke('messaging.configure', {
      accountSid: `AC${'0123456789abcdef'.repeat(2)}`,
      authToken: 'token-0123456789abcdef',
      smsFrom: '+12015550100',
      baseUrl: fake.baseUrl,
      ratePerSecond: 20,
    });
    const db = freshDb();
    await addContact(db, { id: 'ana', phone: '+12015551000' });
    await addContact(db, { id: 'bo', phone: '+12015550199' });
    const rows = await campaignOf(db, [
      { contactId: 'ana', to: '+12015551000' },
      { contactId: 'bo', to: '+12015550199' },
    ]);
    await main.bridge.invoke('outbox.submit', {
      campaignId: 'sp',
      channel: 'sms',
      sendAt: Date.now(),
      quietHours: null,
      messages: rows.map((m) => ({ messageId: m.id, to: m.to ?? '', body: m.text ?? '' })),
    });
    // The window was "closed" while it all happened: one pull after the fact catches up.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const { outcomes } = await main.bridge.invoke('outbox.outcomes', { since: 0 });
      if (outcomes.length === 2 && outcomes.every((o) => o.deliveryFinal)) break;
      if (Date.now() > deadline) throw new Error(`not final: ${JSON.stringify(outcomes)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(await pullOutboxOutcomes(db, main.bridge)).toBe(2);
    const [ana, bo] = await db.messages.bulkGet(['sp:0', 'sp:1']);
    expect(ana).toMatchObject({ status: 'sent', providerStatus: 'delivered' });
    expect(ana?.providerId).toMatch(/^SM/);
    expect(bo).toMatchObject({ status: 'sent', providerStatus: 'undelivered', providerErrorCode: 30003 });
    expect(await db.events.get(messageSentEventId('sp:0'))).toMatchObject({
      type: 'message_sent',
      contactId: 'ana',
    });
    expect((await db.contacts.get('ana'))?.stats.messages).toBe(1);
    expect((await db.campaigns.get('sp'))?.status).toBe('sent');
    const report = await campaignReport(db, 'sp');
    expect(report).toMatchObject({ sent: 2, delivered: 1, failed: 1 });
    // Nothing new to pull; an older outcome replayed does not undo the newer state.
    expect(await pullOutboxOutcomes(db, main.bridge)).toBe(0);
    await applyOutboxOutcomes(db, [
      { seq: 1, messageId: 'sp:0', campaignId: 'sp', state: 'scheduled', sendAt: 0 },
    ]);
    expect((await db.messages.get('sp:0'))?.providerStatus).toBe('delivered');
    expect((await db.contacts.get('ana'))?.stats.messages).toBe(1);
  }, 30_000);

  it('marks scheduled, cancelled (back to prepared) and unknown messages', async () => {
    const db = freshDb();
    await addContact(db, { id: 'ana', phone: '+12015551000' });
    await campaignOf(db, [
      { contactId: 'ana', to: '+12015551000' },
      { contactId: 'ana', to: '+12015551000' },
    ]);
    await applyOutboxOutcomes(db, [
      { seq: 1, messageId: 'sp:0', campaignId: 'sp', state: 'scheduled', sendAt: 5_000 },
      {
        seq: 2,
        messageId: 'sp:1',
        campaignId: 'sp',
        state: 'unknown',
        sendAt: 5_000,
        error: 'may have gone',
      },
    ]);
    expect(await db.messages.get('sp:0')).toMatchObject({ status: 'scheduled', scheduledAt: 5_000 });
    expect(await db.messages.get('sp:1')).toMatchObject({ status: 'unknown', error: 'may have gone' });
    expect((await db.campaigns.get('sp'))?.status).toBe('sending');
    await applyOutboxOutcomes(db, [
      { seq: 3, messageId: 'sp:0', campaignId: 'sp', state: 'cancelled', sendAt: 5_000 },
    ]);
    expect((await db.messages.get('sp:0'))?.status).toBe('prepared');
    expect((await db.campaigns.get('sp'))?.status).toBe('prepared');
  });
});
