// Validation of incoming events against the event model in src-main/shared/events.ts (the types
// the tracking script is written against). Unknown top-level fields are dropped, hostile keys
// refused, and every failure names its field.
import { z } from 'zod';
import type { EventContext, TrackedEvent } from '../shared/events';

/** Keys that could reach an object's prototype if copied naively. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_DEPTH = 16;

export interface FieldProblem {
  field: string;
  detail: string;
}

/** Finds the first forbidden key or over-deep nesting in parsed JSON. */
export function findHostileKey(value: unknown, path = '', depth = 0): FieldProblem | null {
  if (value === null || typeof value !== 'object') return null;
  if (depth > MAX_DEPTH) return { field: path, detail: `nested deeper than ${MAX_DEPTH} levels` };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findHostileKey(value[i], `${path}[${i}]`, depth + 1);
      if (found) return found;
    }
    return null;
  }
  for (const key of Object.keys(value)) {
    const field = path ? `${path}.${key}` : key;
    if (FORBIDDEN_KEYS.has(key)) return { field, detail: `the key "${key}" is not allowed` };
    const found = findHostileKey((value as Record<string, unknown>)[key], field, depth + 1);
    if (found) return found;
  }
  return null;
}

const isoTime = z
  .string()
  .max(64)
  .refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO 8601 date-time');
const shortText = z.string().max(512);
const id = z.union([z.string().min(1).max(200), z.number().transform(String)]);
const jsonObject = z.record(z.string(), z.unknown());

const pageSchema = z.object({
  url: z.string().max(4096).optional(),
  path: z.string().max(2048).optional(),
  referrer: z.string().max(4096).optional(),
  title: shortText.optional(),
  search: z.string().max(2048).optional(),
});

const contextSchema = z
  .looseObject({
    page: pageSchema.optional(),
    userAgent: z.string().max(1024).optional(),
    ip: z.string().max(64).optional(),
    sessionId: z.string().max(200).optional(),
    clickToken: z.string().max(128).optional(),
    library: z.object({ name: shortText, version: shortText }).optional(),
    campaign: z.record(z.string(), z.string().max(512)).optional(),
  })
  .transform((context) => context as EventContext);

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

export const trackedEventSchema = z
  .object({
    messageId: z.string().min(1, 'messageId is required').max(200),
    type: z.enum(CLIENT_EVENT_TYPES, { message: `type must be one of ${CLIENT_EVENT_TYPES.join(', ')}` }),
    anonymousId: id.optional(),
    userId: id.optional(),
    previousId: id.optional(),
    event: shortText.optional(),
    properties: jsonObject.optional(),
    traits: jsonObject.optional(),
    context: contextSchema.optional(),
    timestamp: isoTime.optional(),
    sentAt: isoTime.optional(),
  })
  .superRefine((event, ctx) => {
    if (event.anonymousId === undefined && event.userId === undefined) {
      ctx.addIssue({ code: 'custom', path: ['anonymousId'], message: 'anonymousId or userId is required' });
    }
    if (event.type === 'track' && !event.event) {
      ctx.addIssue({ code: 'custom', path: ['event'], message: 'a track event needs an event name' });
    }
    if (event.type === 'alias' && event.previousId === undefined) {
      ctx.addIssue({ code: 'custom', path: ['previousId'], message: 'an alias needs previousId' });
    }
  });

// The schema's output must be a TrackedEvent: the compiler checks the two stay in step.
type SchemaOutput = z.output<typeof trackedEventSchema>;
export const schemaMatchesEventModel: SchemaOutput extends TrackedEvent ? true : never = true;

export type EventValidation =
  | { ok: true; event: TrackedEvent }
  | { ok: false; field: string; detail: string };

/** Validates one event; `prefix` locates it in the request for the error's field name. */
export function validateEvent(raw: unknown, prefix: string): EventValidation {
  const parsed = trackedEventSchema.safeParse(raw);
  if (parsed.success) return { ok: true, event: parsed.data };
  const issue = parsed.error.issues[0];
  const path = issue?.path.map(String).join('.') ?? '';
  return {
    ok: false,
    field: path ? `${prefix}.${path}` : prefix,
    detail: issue?.message ?? 'invalid event',
  };
}
