// How far any weighing of the engine's own evidence could go on the simulator's plans: every click
// link the engine considered (made, or kept tentative) is a decision "this browser is this
// contact's", described by the evidence it was weighed on. Grouping the decisions by that
// description and taking the groups in order of how often they were right (learned on some seeds,
// applied to others) traces the precision and recall a rule over the same facts could reach. If
// that frontier stays short of a target, the gap is in the facts the engine sees, not its weights.
//
// What each decision would show: a linked browser what the engine's spans show on the contact; an
// unlinked one its page views from its tap (from the start, when no one else's tap came before)
// to another contact's next tap on it. So the engine's own decisions are scored exactly as the
// profiles show them (a unit test holds the two equal), and a rule that links a handed-over phone
// for both people counts the views after the hand-over for both (the only double count; shared
// phones are a few per cent of browsers). Browsers with a form, identify or hand link stand as the
// engine has them: no weight decides those. The facts are the engine's at the end of the plan, so
// what linking one browser would change in another's evidence is not followed.
import type { StitchDb } from '../../src-renderer/db';
import { type Plan, scoreStore, shownOnProfiles } from './identity-sim';

/** One decision: a browser for a contact, the evidence it was weighed on, and what it would gain or cost. */
export interface DecisionUnit {
  /** The evidence kinds of its best-scored candidate link, with the weights that count things. */
  signature: string;
  /** Page views of the contact's own on this browser. */
  right: number;
  /** …of which knowable (recall counts these). */
  gain: number;
  /** Page views on this browser that are someone else's. */
  loss: number;
  /** The engine linked it. */
  linked: boolean;
}

export interface PlanUnits {
  units: DecisionUnit[];
  /** Page views shown, and of those wrong, through links no weight decides (forms, identify, hand). */
  fixed: { attributed: number; wrong: number; found: number };
  knowable: number;
  /** The engine's real score on the plan, to check the approximation against. */
  engine: { precision: number; recall: number };
}

interface Candidate {
  visitorId: string;
  contactId: string;
  /** When its tap was (a link's creation, a tentative link's tap). */
  at: number;
  confidence: number;
  evidence: readonly { kind: string; weight: number }[];
  linked: boolean;
}

const signatureOf = (evidence: Candidate['evidence']): string =>
  evidence
    .filter((e) => e.kind !== 'ownMessage')
    .map((e) => (e.kind === 'otherBrowsers' || e.kind === 'otherCampaigns' ? `${e.kind}${e.weight}` : e.kind))
    .sort()
    .join(' ');

export async function decisionUnits(db: StitchDb, plan: Plan): Promise<PlanUnits> {
  const links = await db.identities.where('kind').equals('visitor').toArray();
  const tentative = await db.tentativeLinks.toArray();
  // Browsers some link other than a click's decides: their views stand as the engine shows them.
  const decidedElsewhere = new Set(
    links.filter((l) => l.revokedAt === null && l.messageId === undefined).map((l) => l.value),
  );
  const candidates: Candidate[] = [
    ...links
      .filter((l) => l.messageId !== undefined && l.evidence && l.confidence !== undefined)
      .map((l) => ({
        visitorId: l.value,
        contactId: l.contactId,
        at: l.createdAt,
        confidence: l.confidence as number,
        evidence: l.evidence ?? [],
        linked: l.revokedAt === null,
      })),
    ...tentative
      .filter((t) => t.status === 'tentative')
      .map((t) => ({
        visitorId: t.visitorId,
        contactId: t.contactId,
        at: t.at,
        confidence: t.confidence,
        evidence: t.evidence,
        linked: false,
      })),
  ].filter((c) => !decidedElsewhere.has(c.visitorId));
  // The best-scored candidate of each browser and contact stands for the pair.
  const pairs = new Map<string, Candidate & { first: number; linkedAny: boolean }>();
  for (const c of candidates) {
    const key = `${c.visitorId}\u0000${c.contactId}`;
    const seen = pairs.get(key);
    const first = Math.min(seen?.first ?? c.at, c.at);
    const linkedAny = (seen?.linkedAny ?? false) || c.linked;
    if (!seen || c.confidence > seen.confidence) pairs.set(key, { ...c, first, linkedAny });
    else Object.assign(seen, { first, linkedAny });
  }
  const byVisitor = new Map<string, { contactId: string; first: number }[]>();
  for (const pair of pairs.values()) {
    const list = byVisitor.get(pair.visitorId) ?? [];
    list.push(pair);
    byVisitor.set(pair.visitorId, list);
  }
  const viewsOf = new Map<string, string[]>();
  for (const [id, view] of plan.views) {
    const list = viewsOf.get(view.visitorId) ?? [];
    list.push(id);
    viewsOf.set(view.visitorId, list);
  }
  const shown = await shownOnProfiles(db, plan);
  const units: DecisionUnit[] = [...pairs.values()].map((pair) => {
    // A linked pair shows what its spans show; an unlinked one would show the browser's views from
    // its tap (from the start, if no one else's tap came before) to another contact's next tap.
    const others = (byVisitor.get(pair.visitorId) ?? []).filter((o) => o.contactId !== pair.contactId);
    const from = others.some((o) => o.first < pair.first) ? pair.first : Number.NEGATIVE_INFINITY;
    const to = Math.min(
      ...others.map((o) => o.first).filter((t) => t > pair.first),
      Number.POSITIVE_INFINITY,
    );
    const covers = (id: string) => {
      if (pair.linkedAny) return shown.get(id) === pair.contactId;
      const at = plan.views.get(id)?.at ?? 0;
      return at >= from && at < to;
    };
    const unit = {
      signature: signatureOf(pair.evidence),
      right: 0,
      gain: 0,
      loss: 0,
      linked: pair.linkedAny,
    };
    for (const id of viewsOf.get(pair.visitorId) ?? []) {
      if (!covers(id)) continue;
      if (plan.truth.get(id) !== pair.contactId) unit.loss++;
      else {
        unit.right++;
        if (plan.knowable.has(id)) unit.gain++;
      }
    }
    return unit;
  });

  // What the engine shows through the browsers decided elsewhere.
  const fixed = { attributed: 0, wrong: 0, found: 0 };
  for (const [id, view] of plan.views) {
    if (!decidedElsewhere.has(view.visitorId)) continue;
    const on = shown.get(id);
    if (on === undefined) continue;
    fixed.attributed++;
    if (on !== plan.truth.get(id)) fixed.wrong++;
    else if (plan.knowable.has(id)) fixed.found++;
  }
  const engine = await scoreStore(db, plan);
  return {
    units,
    fixed,
    knowable: plan.knowable.size,
    engine: { precision: engine.precision, recall: engine.recall },
  };
}

export interface FrontierPoint {
  /** Groups taken: those right at least this share of the time on the seeds learned from. */
  cut: number;
  precision: number;
  recall: number;
}

interface Tally {
  right: number;
  loss: number;
}

const scoreOf = (fixed: PlanUnits['fixed'], knowable: number, t: Tally & { gain: number }) => {
  const { right, gain, loss } = t;
  const attributed = fixed.attributed + right + loss;
  return {
    precision: attributed === 0 ? 1 : (attributed - fixed.wrong - loss) / attributed,
    recall: knowable === 0 ? 1 : (fixed.found + gain) / knowable,
  };
};

/**
 * The frontier on `test` of rules learned on `learn`: a group of decisions (one description of
 * evidence) is linked when it was right at least `cut` of the time on `learn`; a description
 * `learn` never saw keeps the engine's decision. Also the engine's own point on `test`, both
 * computed the same way.
 */
export function frontier(
  learn: readonly PlanUnits[],
  test: readonly PlanUnits[],
  cuts: readonly number[],
): { engine: { precision: number; recall: number }; points: FrontierPoint[]; groups: number } {
  const groups = new Map<string, Tally>();
  for (const unit of learn.flatMap((p) => p.units)) {
    const t = groups.get(unit.signature) ?? { right: 0, loss: 0 };
    t.right += unit.right;
    t.loss += unit.loss;
    groups.set(unit.signature, t);
  }
  const fixed = { attributed: 0, wrong: 0, found: 0 };
  for (const p of test) {
    fixed.attributed += p.fixed.attributed;
    fixed.wrong += p.fixed.wrong;
    fixed.found += p.fixed.found;
  }
  const knowable = test.reduce((sum, p) => sum + p.knowable, 0);
  const units = test.flatMap((p) => p.units);
  const taken = (take: (unit: DecisionUnit) => boolean) => {
    const sum = { right: 0, gain: 0, loss: 0 };
    for (const unit of units) {
      if (!take(unit)) continue;
      sum.right += unit.right;
      sum.gain += unit.gain;
      sum.loss += unit.loss;
    }
    return scoreOf(fixed, knowable, sum);
  };
  const points = cuts.map((cut) => ({
    cut,
    ...taken((unit) => {
      const g = groups.get(unit.signature);
      if (!g || g.right + g.loss === 0) return unit.linked;
      return g.right / (g.right + g.loss) >= cut;
    }),
  }));
  return { engine: taken((unit) => unit.linked), points, groups: groups.size };
}
