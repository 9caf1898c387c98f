// Stitching measured on simulated populations with ground truth (bench/browser/identity-sim.ts),
// through the real ingest path over fake-indexeddb.
import { describe, expect, it } from 'vitest';
import 'fake-indexeddb/auto';
import {
  ADVERSARIAL,
  explainErrors,
  generatePlan,
  ORDINARY,
  runPlan,
  scoreNaive,
  scoreStore,
} from '../../../bench/browser/identity-sim';
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

  for (const [name, shape] of [
    ['ordinary', ORDINARY],
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
    }, 120_000);
  }
});
