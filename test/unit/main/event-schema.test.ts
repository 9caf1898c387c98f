// The event validator the collector runs on every event: what it keeps, what it refuses, and how
// it names the field at fault.
import { describe, expect, it } from 'vitest';
import { validateEvent } from '../../../src-main/collector/schema';

const base = { messageId: 'm1', type: 'page', anonymousId: 'v1' };

describe('validateEvent', () => {
  it('keeps a page view and drops unknown top-level fields', () => {
    const result = validateEvent(
      { ...base, integrations: { All: true }, context: { page: { path: '/x', title: 'X' }, locale: 'en' } },
      'batch[0]',
    );
    expect(result).toEqual({
      ok: true,
      event: { ...base, context: { page: { path: '/x', title: 'X' }, locale: 'en' } },
    });
  });

  it('turns numeric Segment ids into strings', () => {
    const result = validateEvent({ messageId: 'm2', type: 'identify', userId: 42 }, 'event');
    expect(result).toMatchObject({ ok: true, event: { userId: '42' } });
  });

  it.each([
    [{ ...base, type: 'link_click' }, 'batch[0].type', /type must be one of/],
    [{ ...base, messageId: '' }, 'batch[0].messageId', /empty/],
    [{ messageId: 'm', type: 'page' }, 'batch[0].anonymousId', /anonymousId or userId/],
    [{ ...base, type: 'track' }, 'batch[0].event', /event name/],
    [{ ...base, type: 'alias' }, 'batch[0].previousId', /previousId/],
    [{ ...base, timestamp: 'yesterday' }, 'batch[0].timestamp', /ISO 8601/],
    [{ ...base, context: { page: { title: 7 } } }, 'batch[0].context.page.title', /string/],
    [{ ...base, context: { userAgent: 'x'.repeat(1025) } }, 'batch[0].context.userAgent', /at most 1024/],
    [{ ...base, context: { campaign: { source: 3 } } }, 'batch[0].context.campaign.source', /string/],
    [{ ...base, properties: [1, 2] }, 'batch[0].properties', /object/],
    ['not an event', 'batch[0]', /object/],
  ])('refuses %j naming %s', (raw, field, detail) => {
    const result = validateEvent(raw, 'batch[0]');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.field).toBe(field);
      expect(result.detail).toMatch(detail);
    }
  });
});
