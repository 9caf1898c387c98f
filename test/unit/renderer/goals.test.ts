// Goals: conversions within the attribution window after a click (edges included), once per
// recipient, with revenue, the median click-to-conversion time, and own versus tentative browsers.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { GoalRow } from '../../../src-renderer/db/types';
import { GoalDefinitionError, validateGoal } from '../../../src-renderer/goals/model';
import { campaignGoals, goalComparison } from '../../../src-renderer/goals/report';
import { DAY_MS } from '../../../src-renderer/segments/model';
import { recordMessageSent } from '../../../src-renderer/stitching/messages';
import { addCampaign, addContact, at, FakeJournal, freshDb, ingestNew, UA } from './support';

const DAY = 24 * 60;

const thanks = (windowDays = 7): Extract<GoalRow, { kind: 'page' }> => ({
  id: 'thanks',
  name: 'Reached /thanks',
  kind: 'page',
  on: 'path',
  match: 'contains',
  pattern: '/thanks',
  windowDays,
  createdAt: 1,
});

const purchase: GoalRow = {
  id: 'purchase',
  name: 'Purchase',
  kind: 'event',
  eventName: 'purchase',
  property: { key: 'plan', op: 'equals', value: 'pro' },
  valueProperty: 'amount',
  windowDays: 7,
  createdAt: 1,
};

/**
 * Ana taps on her phone (her own browser); Ben taps on his phone, then his link is opened on a
 * desktop too (a second browser: tentative); Cara never taps.
 */
async function campaign() {
  const db = freshDb();
  for (const [id, phone] of [
    ['ana', '+12015550101'],
    ['ben', '+12015550102'],
    ['cara', '+12015550103'],
  ] as const) {
    await addContact(db, { id, firstName: id, phone });
  }
  const messages = await addCampaign(db, { id: 'spring', name: 'Spring SMS', channel: 'sms' }, [
    'ana',
    'ben',
    'cara',
  ]);
  for (const m of messages) await recordMessageSent(db, m, at(-30));
  const [ana, ben] = messages;
  if (!ana || !ben) throw new Error('campaign not created');
  const journal = new FakeJournal();
  journal.click(ana, 0, 'tok-ana');
  journal.page('A', 0.1, '/spring', { clickToken: 'tok-ana' });
  journal.click(ben, 10, 'tok-ben');
  journal.page('B', 10.1, '/spring', { clickToken: 'tok-ben' });
  journal.click(ben, 300, 'tok-ben-2', UA.desktopFirefox);
  journal.page('D', 300.1, '/spring', { clickToken: 'tok-ben-2', ua: UA.desktopFirefox });
  await ingestNew(db, journal);
  return { db, journal };
}

describe('goal conversions of a campaign', () => {
  it('counts a page goal once per recipient, own browser apart from a tentative one, with the median time', async () => {
    const { db, journal } = await campaign();
    expect((await db.tentativeLinks.toArray()).map((t) => [t.visitorId, t.status])).toEqual([
      ['D', 'tentative'],
    ]);
    journal.page('A', 2 * DAY, '/thanks');
    journal.page('A', 3 * DAY, '/thanks');
    journal.page('D', 300 + DAY, '/thanks/order-2');
    // Someone who never tapped a link converts for no campaign.
    journal.page('X', DAY, '/thanks');
    await ingestNew(db, journal);

    const { sent, goals } = await campaignGoals(db, 'spring', [thanks()]);
    expect(sent).toBe(3);
    expect(goals[0]).toMatchObject({
      goalId: 'thanks',
      conversions: 2,
      rate: 2 / 3,
      revenue: null,
      by: { owner: 1, tentative: 1, forwarded: 0 },
    });
    // From each browser's click: Ana 2 days, Ben's desktop 1 day.
    expect(goals[0]?.medianMs).toBe((2 * DAY_MS + DAY_MS) / 2);
    // The same goal on the URL (no index: the tapping browsers' events are read) counts the same.
    const byUrl = await campaignGoals(db, 'spring', [
      { ...thanks(), id: 'url', on: 'url', pattern: 'shop.test/thanks' },
    ]);
    expect(byUrl.goals[0]).toMatchObject({ conversions: 2, by: { owner: 1, tentative: 1, forwarded: 0 } });
    expect(byUrl.goals[0]?.medianMs).toBe(goals[0]?.medianMs);

    // A date range keeps the conversions made in it. From day 2 on: Ana's /thanks at exactly day 2
    // counts, Ben's desktop (day 1 and a bit) does not; up to day 2, excluded: only Ben's desktop.
    const fromDay2 = await campaignGoals(db, 'spring', [thanks()], { from: at(2 * DAY), to: null });
    expect(fromDay2.goals[0]).toMatchObject({ conversions: 1, by: { owner: 1, tentative: 0 } });
    const untilDay2 = await campaignGoals(db, 'spring', [thanks()], { from: null, to: at(2 * DAY) });
    expect(untilDay2.goals[0]).toMatchObject({ conversions: 1, by: { owner: 0, tentative: 1 } });
  });

  it('the window is inclusive: a conversion exactly N days after the tap counts, a millisecond later does not', async () => {
    const { db, journal } = await campaign();
    // The window runs from the click the browser's token came from.
    const tapAt = at(0);
    journal.page('A', 3 * DAY, '/thanks');
    await ingestNew(db, journal);
    expect((await campaignGoals(db, 'spring', [thanks(3)])).goals[0]?.conversions).toBe(1);
    // The same visit, one millisecond past a shorter window: a 3-day window minus 1 ms.
    const justShort: GoalRow = { ...thanks(3 - 1 / DAY_MS) };
    expect((await campaignGoals(db, 'spring', [justShort])).goals[0]?.conversions).toBe(0);
    expect(at(3 * DAY) - tapAt).toBe(3 * DAY_MS);
    // Outside a 1-day window, the same visit is not the campaign's.
    expect((await campaignGoals(db, 'spring', [thanks(1)])).goals[0]?.conversions).toBe(0);
  });

  it('an event goal with a property filter sums revenue from its value property', async () => {
    const { db, journal } = await campaign();
    journal.track('A', DAY, 'purchase', { plan: 'pro', amount: 49.5 });
    journal.track('A', 2 * DAY, 'purchase', { plan: 'pro', amount: '10' });
    journal.track('A', 2 * DAY, 'purchase', { plan: 'basic', amount: 5 });
    journal.track('A', 9 * DAY, 'purchase', { plan: 'pro', amount: 100 });
    await ingestNew(db, journal);
    const { goals } = await campaignGoals(db, 'spring', [thanks(), purchase]);
    expect(goals.map((g) => [g.goalId, g.conversions, g.revenue])).toEqual([
      ['thanks', 0, null],
      ['purchase', 1, 59.5],
    ]);
  });

  it('a rejected (forwarded) browser converts as forwarded; the Reports comparison sums per channel', async () => {
    const { db, journal } = await campaign();
    await db.tentativeLinks.toCollection().modify({ status: 'rejected' });
    journal.page('D', DAY, '/thanks');
    await ingestNew(db, journal);
    expect((await campaignGoals(db, 'spring', [thanks()])).goals[0]?.by).toEqual({
      owner: 0,
      tentative: 0,
      forwarded: 1,
    });
    const comparison = await goalComparison(db, thanks());
    expect(comparison.campaigns.map((c) => [c.campaignId, c.sent, c.result.conversions])).toEqual([
      ['spring', 3, 1],
    ]);
    expect(comparison.totals.find((t) => t.channel === 'sms')).toMatchObject({
      campaigns: 1,
      sent: 3,
      conversions: 1,
    });
    expect(comparison.totals.find((t) => t.channel === 'whatsapp')).toMatchObject({
      campaigns: 0,
      conversions: 0,
    });
  });

  it('a goal without a pattern, a name or a window is refused with a reason', () => {
    expect(() => validateGoal({ ...thanks(), pattern: '' })).toThrow(GoalDefinitionError);
    expect(() => validateGoal({ ...purchase, eventName: '' })).toThrow('event name');
    expect(() => validateGoal({ ...thanks(0) })).toThrow('at least 1 day');
  });
});
