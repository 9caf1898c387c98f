// Stitching measured on simulated populations with ground truth (bench/browser/identity-sim.ts),
// through the real ingest path over fake-indexeddb.
import { describe, expect, it } from 'vitest';
import 'fake-indexeddb/auto';
import { decisionUnits, frontier } from '../../../bench/browser/identity-frontier';
import {
  ADVERSARIAL,
  explainErrors,
  generatePlan,
  HARD,
  ORDINARY,
  type Plan,
  runPlan,
  scoreFirstK,
  scoreNaive,
  scoreStore,
} from '../../../bench/browser/identity-sim';
import { computeContactStats } from '../../../src-renderer/db/stats';
import { freshDb, settingsWith } from './support';

describe('identity simulator', () => {
  it('gives the same plan for the same seed, and truth for every page view', () => {
    const a = generatePlan({ ...ADVERSARIAL, people: 50 }, 7);
    const b = generatePlan({ ...ADVERSARIAL, people: 50 }, 7);
    expect(a.records).toEqual(b.records);
    expect([...a.knowable]).toEqual([...b.knowable]);
    const views = a.records.filter((r) => r.event.type === 'page');
    expect(views.every((r) => a.truth.has(r.event.messageId))).toBe(true);
    // Strangers' visits are never counted as knowable for a contact.
    expect([...a.knowable].every((id) => !a.truth.get(id)?.startsWith('stranger:'))).toBe(true);
  });

  it("the first-three baseline gives a message's first three browsers to its recipient, and a later link takes over", () => {
    const at = (minutes: number) => new Date(Date.UTC(2026, 2, 1) + minutes * 60_000).toISOString();
    const records: Plan['records'] = [];
    const push = (event: Omit<Plan['records'][number]['event'], 'messageId'>, minutes: number) => {
      const id = `e${records.length}`;
      records.push({
        offset: records.length,
        receivedAt: at(minutes),
        source: event.type === 'link_click' ? 'redirect' : 'tracker',
        event: { ...event, messageId: id, timestamp: at(minutes) },
      });
      return id;
    };
    const tap = (visitor: string, minutes: number, message: string) => {
      const token = `${visitor}-${message}`;
      push({ type: 'link_click', properties: { recipientMessageId: message, clickToken: token } }, minutes);
      return push({ type: 'page', anonymousId: visitor, context: { clickToken: token } }, minutes);
    };
    const truth = new Map<string, string>();
    // Ana's text opened by four browsers; the fourth (a stranger) is past the cap.
    for (const [i, visitor] of ['ANA', 'S1', 'S2', 'S3'].entries()) {
      truth.set(tap(visitor, i, 'm-ana'), visitor === 'ANA' ? 'ana' : `stranger:${visitor}`);
    }
    // S1 later opens Ben's text: from then on its views are Ben's.
    truth.set(tap('S1', 10, 'm-ben'), 'stranger:S1');
    truth.set(push({ type: 'page', anonymousId: 'S1' }, 11), 'stranger:S1');
    const plan: Plan = {
      contacts: [
        { id: 'ana', email: 'ana@example.org', phone: '+14155552671', firstName: 'Ana' },
        { id: 'ben', email: 'ben@example.org', phone: '+14155550199', firstName: 'Ben' },
      ],
      campaigns: [],
      messages: [
        { id: 'm-ana', campaignId: 'c', contactId: 'ana', channel: 'sms', status: 'sent' },
        { id: 'm-ben', campaignId: 'c', contactId: 'ben', channel: 'sms', status: 'sent' },
      ],
      records,
      truth,
      knowable: new Set([...truth].filter(([, person]) => person === 'ana').map(([id]) => id)),
      views: new Map(),
      forwards: new Map(),
      ownerTapped: new Set(),
    };
    // Attributed: Ana's view, S1's and S2's first views on Ana, S1's last two on Ben; not S3.
    expect(scoreFirstK(plan)).toMatchObject({ attributed: 5, wrong: 4, found: 1, knowable: 1 });
    // With one browser per message S1 is only Ben's, its earlier view too (lookback "all").
    expect(scoreFirstK(plan, 1)).toMatchObject({ attributed: 4, wrong: 3, found: 1 });
  });

  for (const [name, shape] of [
    ['ordinary', ORDINARY],
    ['hard', HARD],
    ['adversarial', ADVERSARIAL],
  ] as const) {
    it(`scores the engine on ${name} plans`, async () => {
      const plan = generatePlan({ ...shape, people: 200 }, 11);
      const db = freshDb();
      await runPlan(db, plan, settingsWith());
      const engine = await scoreStore(db, plan);
      const naive = scoreNaive(plan);
      // Figures for the record are in `npm run bench` (identity.*); here: the scorer sees both
      // kinds of error, and the engine is never worse than last-click merge on precision.
      expect(engine.attributed).toBeGreaterThan(0);
      expect(engine.knowable).toBe(naive.knowable);
      expect(naive.wrong).toBeGreaterThan(0);
      expect(engine.precision).toBeGreaterThanOrEqual(naive.precision);
      // The error report accounts for every wrong and every missed page view, each by one cause.
      const report = await explainErrors(db, plan);
      expect(report.score).toEqual(engine);
      const total = (rows: { views: number }[]) => rows.reduce((sum, r) => sum + r.views, 0);
      expect(total(report.wrong)).toBe(engine.wrong);
      expect(total(report.missed)).toBe(engine.knowable - engine.found);
      // The frontier's account of the engine's own decisions is the engine's score, exactly; linking
      // every browser it weighed finds at least what it found, linking none at most that.
      const units = await decisionUnits(db, plan);
      const { engine: own, points } = frontier([units], [units], [0, 2]);
      expect(own.precision).toBeCloseTo(engine.precision, 12);
      expect(own.recall).toBeCloseTo(engine.recall, 12);
      expect(points[0]?.recall).toBeGreaterThanOrEqual(engine.recall);
      expect(points[1]?.recall).toBeLessThanOrEqual(engine.recall);
      // Every profile's figures, kept batch by batch through links made, promoted and demoted,
      // are what counting the contact's history afresh gives.
      for (const contact of await db.contacts.toArray()) {
        expect({ id: contact.id, ...contact.stats }).toEqual({
          id: contact.id,
          ...(await computeContactStats(db, contact.id)),
        });
      }
    }, 120_000);
  }
});
