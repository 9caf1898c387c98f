// The meaning of a segment, condition by condition, for one contact and its stitched activity: a
// pure function. The set-wise counter (count.ts) must agree with it; the profile uses it directly.
import type { ContactRow, EventRow } from '../db/types';
import { compilePattern, type SegmentCondition, type SegmentNode, windowStart } from './model';

/** What a condition may look at: the contact row, and every event on its stitched timeline. */
export interface ContactFacts {
  contact: ContactRow;
  /** Own events (sends, clicks) of the contact and those merged into it, plus its linked browsers' events. */
  events: readonly EventRow[];
}

export function evaluateSegment(node: SegmentNode, facts: ContactFacts, now: number): boolean {
  const value =
    node.kind === 'group' ? evaluateGroup(node.op, node.children, facts, now) : holds(node, facts, now);
  return node.not ? !value : value;
}

function evaluateGroup(
  op: 'and' | 'or',
  children: readonly SegmentNode[],
  facts: ContactFacts,
  now: number,
): boolean {
  // An empty group constrains nothing: everyone (so a new segment starts at "all contacts").
  if (children.length === 0) return true;
  return op === 'and'
    ? children.every((child) => evaluateSegment(child, facts, now))
    : children.some((child) => evaluateSegment(child, facts, now));
}

/** The contact's value of a field condition's field ('' when absent). */
export function fieldValue(contact: ContactRow, field: string): string {
  if (field.startsWith('custom.')) return contact.custom[field.slice('custom.'.length)] ?? '';
  switch (field) {
    case 'firstName':
      return contact.firstName;
    case 'lastName':
      return contact.lastName;
    case 'email':
      return contact.email ?? '';
    case 'phone':
      return contact.phone ?? '';
    case 'whatsapp':
      return contact.whatsapp ?? '';
    case 'userId':
      return contact.userId ?? '';
    default:
      return '';
  }
}

/** Whether a row-level condition (field, consent, tag, list, last seen) holds for a contact row. */
export function rowHolds(condition: SegmentCondition, contact: ContactRow): boolean {
  switch (condition.kind) {
    case 'field': {
      const value = fieldValue(contact, condition.field).toLowerCase();
      const wanted = condition.value.toLowerCase();
      if (condition.op === 'isSet') return value !== '';
      if (condition.op === 'equals') return value === wanted;
      if (condition.op === 'startsWith') return value.startsWith(wanted);
      return value.includes(wanted);
    }
    case 'consent':
      return contact.consent[condition.channel] === true;
    case 'tag':
      return contact.tags.includes(condition.tag);
    case 'list':
      return contact.lists.includes(condition.list);
    case 'lastSeen':
      // Never seen (0) is before any moment and after none.
      return condition.op === 'before'
        ? contact.stats.lastSeen < condition.at
        : contact.stats.lastSeen > 0 && contact.stats.lastSeen >= condition.at;
    default:
      throw new Error(`${condition.kind} is not a row condition`);
  }
}

/** A `track` event's property test: equal (as text, case-insensitive) or containing. */
export function propertyHolds(
  event: Pick<EventRow, 'properties'>,
  property: { key: string; op: 'equals' | 'contains'; value: string } | undefined,
): boolean {
  if (!property) return true;
  const raw = event.properties?.[property.key];
  if (raw === undefined || raw === null || typeof raw === 'object') return false;
  const text = String(raw).toLowerCase();
  const wanted = property.value.toLowerCase();
  return property.op === 'equals' ? text === wanted : text.includes(wanted);
}

function holds(condition: SegmentCondition, facts: ContactFacts, now: number): boolean {
  const { events } = facts;
  switch (condition.kind) {
    case 'message': {
      const type = condition.action === 'clicked' ? 'link_click' : 'message_sent';
      return events.some(
        (e) =>
          e.type === type &&
          !e.bot &&
          (condition.campaignId === undefined || e.campaignId === condition.campaignId) &&
          (condition.channel === undefined || e.channel === condition.channel),
      );
    }
    case 'visited': {
      const from = windowStart(condition.withinDays, now);
      const test = compilePattern(condition.pattern, condition.match);
      let count = 0;
      for (const e of events) {
        if (e.type !== 'page' || e.bot || e.timestamp < from) continue;
        if (test((condition.on === 'path' ? e.path : e.url) ?? '')) count += 1;
      }
      return count >= condition.minCount;
    }
    case 'form': {
      const from = windowStart(condition.withinDays, now);
      return events.some((e) => e.type === 'form_submit' && !e.bot && e.timestamp >= from);
    }
    case 'event': {
      const from = windowStart(condition.withinDays, now);
      return events.some(
        (e) =>
          e.type === 'track' &&
          !e.bot &&
          e.name === condition.name &&
          e.timestamp >= from &&
          propertyHolds(e, condition.property),
      );
    }
    default:
      return rowHolds(condition, facts.contact);
  }
}
