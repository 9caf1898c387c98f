// Validation of incoming events against the event model in src-main/shared/events.ts (the types
// the tracking script is written against). Unknown top-level fields are dropped, hostile keys
// refused, and every failure names its field.
import type { EventContext, PageContext, TrackedEvent } from '../shared/events';

/** Keys that could reach an object's prototype if copied naively. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_DEPTH = 16;

export interface FieldProblem {
  field: string;
  detail: string;
}

interface HostileFind {
  /** Innermost step first: the path is only built once something is found. */
  steps: (string | number)[];
  detail: string;
}

/** Finds the first forbidden key or over-deep nesting in parsed JSON. */
export function findHostileKey(value: unknown): FieldProblem | null {
  const found = hostileIn(value, 0);
  if (!found) return null;
  let field = '';
  for (let i = found.steps.length - 1; i >= 0; i--) {
    const step = found.steps[i];
    field = typeof step === 'number' ? `${field}[${step}]` : field ? `${field}.${step}` : `${step}`;
  }
  return { field, detail: found.detail };
}

function hostileIn(value: unknown, depth: number): HostileFind | null {
  if (value === null || typeof value !== 'object') return null;
  if (depth > MAX_DEPTH) return { steps: [], detail: `nested deeper than ${MAX_DEPTH} levels` };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = hostileIn(value[i], depth + 1);
      if (found) {
        found.steps.push(i);
        return found;
      }
    }
    return null;
  }
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) return { steps: [key], detail: `the key "${key}" is not allowed` };
    const found = hostileIn((value as Record<string, unknown>)[key], depth + 1);
    if (found) {
      found.steps.push(key);
      return found;
    }
  }
  return null;
}

/** Types any client may send; link and message events are only ever made by the app itself. */
export const CLIENT_EVENT_TYPES = [
  'track',
  'identify',
  'page',
  'screen',
  'group',
  'alias',
  'form_submit',
] as const;
const clientTypes: ReadonlySet<string> = new Set(CLIENT_EVENT_TYPES);

export type EventValidation =
  | { ok: true; event: TrackedEvent }
  | { ok: false; field: string; detail: string };

/** Thrown inside the validator with the failing field's path relative to the event. */
class Invalid extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function text(value: unknown, path: string, max: number, min = 0): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new Invalid(path, 'must be a string');
  if (value.length < min) throw new Invalid(path, 'must not be empty');
  if (value.length > max) throw new Invalid(path, `must be at most ${max} characters`);
  return value;
}

/** Segment ids may be strings or numbers; they are kept as strings. */
function identifier(value: unknown, path: string): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return text(value, path, 200, 1);
}

function time(value: unknown, path: string): string | undefined {
  const checked = text(value, path, 64);
  if (checked !== undefined && Number.isNaN(Date.parse(checked))) {
    throw new Invalid(path, 'must be an ISO 8601 date-time');
  }
  return checked;
}

function record(value: unknown, path: string): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) throw new Invalid(path, 'must be an object');
  return value;
}

function page(value: unknown): PageContext | undefined {
  const raw = record(value, 'context.page');
  if (!raw) return undefined;
  const out: PageContext = {};
  const url = text(raw.url, 'context.page.url', 4096);
  const path = text(raw.path, 'context.page.path', 2048);
  const referrer = text(raw.referrer, 'context.page.referrer', 4096);
  const title = text(raw.title, 'context.page.title', 512);
  const search = text(raw.search, 'context.page.search', 2048);
  if (url !== undefined) out.url = url;
  if (path !== undefined) out.path = path;
  if (referrer !== undefined) out.referrer = referrer;
  if (title !== undefined) out.title = title;
  if (search !== undefined) out.search = search;
  return out;
}

/** Context fields this validator checks; the others (Segment clients send many) pass through. */
const CHECKED_CONTEXT_KEYS: ReadonlySet<string> = new Set([
  'page',
  'userAgent',
  'ip',
  'sessionId',
  'clickToken',
  'library',
  'campaign',
]);

/** Known context fields are checked; other fields pass through as sent. */
function context(value: unknown): EventContext | undefined {
  const raw = record(value, 'context');
  if (!raw) return undefined;
  // Built field by field: copying and then deleting would leave a slow dictionary-mode object.
  const out: EventContext = {};
  for (const key of Object.keys(raw)) {
    if (!CHECKED_CONTEXT_KEYS.has(key) && !FORBIDDEN_KEYS.has(key)) out[key] = raw[key];
  }
  const pageContext = page(raw.page);
  if (pageContext !== undefined) out.page = pageContext;
  const userAgent = text(raw.userAgent, 'context.userAgent', 1024);
  if (userAgent !== undefined) out.userAgent = userAgent;
  const ip = text(raw.ip, 'context.ip', 64);
  if (ip !== undefined) out.ip = ip;
  const sessionId = text(raw.sessionId, 'context.sessionId', 200);
  if (sessionId !== undefined) out.sessionId = sessionId;
  const clickToken = text(raw.clickToken, 'context.clickToken', 128);
  if (clickToken !== undefined) out.clickToken = clickToken;
  if (raw.library !== undefined) {
    const library = record(raw.library, 'context.library') ?? {};
    out.library = {
      name: text(library.name, 'context.library.name', 512) ?? '',
      version: text(library.version, 'context.library.version', 512) ?? '',
    };
  }
  if (raw.campaign !== undefined) {
    const campaign = record(raw.campaign, 'context.campaign') ?? {};
    for (const [key, v] of Object.entries(campaign)) text(v, `context.campaign.${key}`, 512);
    out.campaign = campaign as Record<string, string>;
  }
  return out;
}

function trackedEvent(raw: unknown): TrackedEvent {
  if (!isRecord(raw)) throw new Invalid('', 'an event must be an object');
  const messageId = text(raw.messageId, 'messageId', 200, 1);
  if (messageId === undefined) throw new Invalid('messageId', 'messageId is required');
  if (typeof raw.type !== 'string' || !clientTypes.has(raw.type)) {
    throw new Invalid('type', `type must be one of ${CLIENT_EVENT_TYPES.join(', ')}`);
  }
  const event: TrackedEvent = { messageId, type: raw.type as TrackedEvent['type'] };
  const anonymousId = identifier(raw.anonymousId, 'anonymousId');
  if (anonymousId !== undefined) event.anonymousId = anonymousId;
  const userId = identifier(raw.userId, 'userId');
  if (userId !== undefined) event.userId = userId;
  const previousId = identifier(raw.previousId, 'previousId');
  if (previousId !== undefined) event.previousId = previousId;
  const name = text(raw.event, 'event', 512);
  if (name !== undefined) event.event = name;
  const properties = record(raw.properties, 'properties');
  if (properties !== undefined) event.properties = properties;
  const traits = record(raw.traits, 'traits');
  if (traits !== undefined) event.traits = traits;
  const eventContext = context(raw.context);
  if (eventContext !== undefined) event.context = eventContext;
  const timestamp = time(raw.timestamp, 'timestamp');
  if (timestamp !== undefined) event.timestamp = timestamp;
  const sentAt = time(raw.sentAt, 'sentAt');
  if (sentAt !== undefined) event.sentAt = sentAt;
  if (event.anonymousId === undefined && event.userId === undefined) {
    throw new Invalid('anonymousId', 'anonymousId or userId is required');
  }
  if (event.type === 'track' && !event.event) throw new Invalid('event', 'a track event needs an event name');
  if (event.type === 'alias' && event.previousId === undefined) {
    throw new Invalid('previousId', 'an alias needs previousId');
  }
  return event;
}

/**
 * Validates one event against the event model; unknown top-level fields are dropped. Written by
 * hand rather than with a schema library: it runs for every event on the collector's hot path.
 * `prefix` locates the event in the request for the error's field name.
 */
export function validateEvent(raw: unknown, prefix: string): EventValidation {
  try {
    return { ok: true, event: trackedEvent(raw) };
  } catch (error) {
    if (!(error instanceof Invalid)) throw error;
    return { ok: false, field: error.path ? `${prefix}.${error.path}` : prefix, detail: error.message };
  }
}
