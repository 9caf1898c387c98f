// A segment's definition: a plain serialisable tree of AND/OR groups and conditions, each of which
// may be negated. Stored as-is in the `segments` table; evaluated by evaluate.ts, counted by count.ts.
import type { Channel, ConsentChannel } from '../db/types';

export const DAY_MS = 24 * 3600_000;

/** Contact fields a condition can test; `custom.<name>` reaches an imported custom field. */
export type ContactField =
  | 'firstName'
  | 'lastName'
  | 'email'
  | 'phone'
  | 'whatsapp'
  | 'userId'
  | `custom.${string}`;

export type TextOp = 'equals' | 'contains' | 'startsWith' | 'isSet';

/** How a page's path or URL is tested: a substring, or a regular expression. */
export type PatternMatch = 'contains' | 'matches';

export type SegmentCondition =
  | { kind: 'field'; field: ContactField; op: TextOp; value: string; not?: boolean }
  | { kind: 'consent'; channel: ConsentChannel; not?: boolean }
  | { kind: 'tag'; tag: string; not?: boolean }
  | { kind: 'list'; list: string; not?: boolean }
  /** Got (`received`) or clicked a message: of one campaign, or of any campaign on a channel (or any). */
  | {
      kind: 'message';
      action: 'received' | 'clicked';
      campaignId?: string;
      channel?: Channel;
      not?: boolean;
    }
  /** Page views whose path (or URL) matches, at least `minCount` times, within the last N days. */
  | {
      kind: 'visited';
      on: 'path' | 'url';
      match: PatternMatch;
      pattern: string;
      minCount: number;
      withinDays?: number;
      not?: boolean;
    }
  | { kind: 'form'; withinDays?: number; not?: boolean }
  /** A custom (`track`) event by name, optionally with one property equal to / containing a value. */
  | {
      kind: 'event';
      name: string;
      property?: { key: string; op: 'equals' | 'contains'; value: string };
      withinDays?: number;
      not?: boolean;
    }
  /** Last seen before / after a moment (epoch ms; the builder picks a day). */
  | { kind: 'lastSeen'; op: 'before' | 'after'; at: number; not?: boolean };

export interface SegmentGroup {
  kind: 'group';
  op: 'and' | 'or';
  children: SegmentNode[];
  not?: boolean;
}

export type SegmentNode = SegmentGroup | SegmentCondition;

export type ConditionKind = SegmentCondition['kind'];

/** Conditions answered from the contact row alone; the rest need stitched activity. */
export const ROW_KINDS: ReadonlySet<ConditionKind> = new Set(['field', 'consent', 'tag', 'list', 'lastSeen']);

export const emptyGroup = (op: 'and' | 'or' = 'and'): SegmentGroup => ({ kind: 'group', op, children: [] });

/** A fresh condition of a kind, with defaults the builder shows. */
export function defaultCondition(kind: ConditionKind): SegmentCondition {
  switch (kind) {
    case 'field':
      return { kind, field: 'email', op: 'isSet', value: '' };
    case 'consent':
      return { kind, channel: 'sms' };
    case 'tag':
      return { kind, tag: '' };
    case 'list':
      return { kind, list: '' };
    case 'message':
      return { kind, action: 'clicked' };
    case 'visited':
      return { kind, on: 'path', match: 'contains', pattern: '', minCount: 1, withinDays: 30 };
    case 'form':
      return { kind };
    case 'event':
      return { kind, name: '' };
    case 'lastSeen':
      return { kind, op: 'after', at: Date.now() - 30 * DAY_MS };
  }
}

/** The earliest event time a `withinDays` window admits: inclusive, exactly N days before `now`. */
export const windowStart = (withinDays: number | undefined, now: number): number =>
  withinDays === undefined ? Number.NEGATIVE_INFINITY : now - withinDays * DAY_MS;

export class SegmentDefinitionError extends Error {}

/** Throws a SegmentDefinitionError naming the first condition that cannot be evaluated. */
export function validateSegment(node: SegmentNode): void {
  if (node.kind === 'group') {
    for (const child of node.children) validateSegment(child);
    return;
  }
  if (node.kind === 'visited') {
    if (!node.pattern) throw new SegmentDefinitionError('A page condition needs a path or URL pattern.');
    if (node.match === 'matches') compilePattern(node.pattern);
    if (!(node.minCount >= 1)) throw new SegmentDefinitionError('"At least" must be 1 or more.');
  }
  if (node.kind === 'event' && !node.name)
    throw new SegmentDefinitionError('A custom event condition needs a name.');
  if ('withinDays' in node && node.withinDays !== undefined && !(node.withinDays > 0)) {
    throw new SegmentDefinitionError('"Within the last" must be at least 1 day.');
  }
}

/** A pattern as a test on a string: a substring (case-insensitive) or a regular expression. */
export function compilePattern(pattern: string, match: PatternMatch = 'matches'): (text: string) => boolean {
  if (match === 'contains') {
    const needle = pattern.toLowerCase();
    return (text) => text.toLowerCase().includes(needle);
  }
  try {
    const re = new RegExp(pattern, 'i');
    return (text) => re.test(text);
  } catch (error) {
    throw new SegmentDefinitionError(`"${pattern}" is not a valid pattern: ${(error as Error).message}`);
  }
}
