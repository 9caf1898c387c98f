// A conversion goal: a page visit (path or URL pattern) or a custom event (name, property filter,
// optional value property for revenue), counted when it happens within a window after a click.
import type { EventRow } from '../db/types';
import { propertyHolds } from '../segments/evaluate';
import { compilePattern, DAY_MS, type PatternMatch } from '../segments/model';

export const DEFAULT_WINDOW_DAYS = 7;

export type GoalDefinition =
  | { kind: 'page'; on: 'path' | 'url'; match: PatternMatch; pattern: string; windowDays: number }
  | {
      kind: 'event';
      eventName: string;
      property?: { key: string; op: 'equals' | 'contains'; value: string };
      /** A numeric property holding the conversion's value (revenue). */
      valueProperty?: string;
      windowDays: number;
    };

export class GoalDefinitionError extends Error {}

export function validateGoal(goal: GoalDefinition): void {
  if (!(goal.windowDays > 0)) throw new GoalDefinitionError('The attribution window must be at least 1 day.');
  if (goal.kind === 'page') {
    if (!goal.pattern) throw new GoalDefinitionError('A page goal needs a path or URL pattern.');
    compilePattern(goal.pattern, goal.match);
  } else if (!goal.eventName) throw new GoalDefinitionError('An event goal needs the event name.');
}

export const windowMs = (goal: GoalDefinition): number => goal.windowDays * DAY_MS;

/** A test for events that reach the goal (bots never do). */
export function goalMatcher(goal: GoalDefinition): (event: EventRow) => boolean {
  if (goal.kind === 'page') {
    const test = compilePattern(goal.pattern, goal.match);
    return (e) => e.type === 'page' && !e.bot && test((goal.on === 'path' ? e.path : e.url) ?? '');
  }
  return (e) => e.type === 'track' && !e.bot && e.name === goal.eventName && propertyHolds(e, goal.property);
}

/** The conversion's value: the value property as a number, else null (text "12.50" counts). */
export function goalValue(goal: GoalDefinition, event: EventRow): number | null {
  if (goal.kind !== 'event' || !goal.valueProperty) return null;
  const raw = event.properties?.[goal.valueProperty];
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : Number.NaN;
  return Number.isFinite(value) ? value : null;
}

/** What the goal counts, in a line: "Visited a page whose path contains /thanks, within 7 days". */
export function describeGoal(goal: GoalDefinition): string {
  const within = `within ${goal.windowDays} day${goal.windowDays === 1 ? '' : 's'} of a click`;
  if (goal.kind === 'page') {
    return `Page ${goal.on === 'path' ? 'path' : 'URL'} ${goal.match === 'contains' ? 'contains' : 'matches'} “${goal.pattern}”, ${within}`;
  }
  const filter = goal.property
    ? ` with ${goal.property.key} ${goal.property.op} “${goal.property.value}”`
    : '';
  const value = goal.valueProperty ? `; value from ${goal.valueProperty}` : '';
  return `Event “${goal.eventName}”${filter}, ${within}${value}`;
}
