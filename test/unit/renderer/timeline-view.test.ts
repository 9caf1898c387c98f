// The profile timeline as a reader sees it: one session is one group even with a click inside it;
// a page view shows its query, UTM tags and outside referrer; a form its name and captured fields;
// a custom event its properties.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { EventRow } from '../../../src-renderer/db/types';
import {
  formSummary,
  pageAddress,
  propertyPairs,
  timelineView,
} from '../../../src-renderer/features/profile/profile-data';
import { addCampaign, addContact, FakeJournal, freshDb, ingestNew } from './support';

const event = (fields: Partial<EventRow>): EventRow => ({
  id: 'e1',
  type: 'page',
  timestamp: 0,
  receivedAt: 0,
  source: 'tracker',
  ...fields,
});

describe('timelineView', () => {
  it('keeps a click that falls inside a session in that session: one group, one header', async () => {
    const db = freshDb();
    await addContact(db, { id: 'ana', firstName: 'Ana' });
    const [message] = await addCampaign(db, { id: 'c1', name: 'Sale', channel: 'sms' }, ['ana']);
    if (!message) throw new Error('no message');
    const journal = new FakeJournal();
    journal.click(message, 0, 'tok');
    journal.page('A', 0.1, '/landing', { clickToken: 'tok' });
    journal.page('A', 1, '/pricing');
    // The same link tapped again mid-session: an own event with no session of its own.
    journal.click(message, 2, 'tok2');
    journal.page('A', 3, '/checkout');
    await ingestNew(db, journal);

    const view = await timelineView(db, 'ana', 100);
    const shape = view.groups.map((g) => ({
      session: g.session?.id ?? null,
      events: g.items.map((i) => i.event.path ?? i.event.type),
    }));
    expect(shape).toEqual([
      {
        session: expect.stringMatching(/^session:A:/),
        events: ['/checkout', 'link_click', '/pricing', '/landing'],
      },
      // The first click came before the session began: it stands on its own.
      { session: null, events: ['link_click'] },
    ]);
  });
});

describe('timeline details', () => {
  it('a page view: path with query, UTM tags as pairs, the referrer only when it is another site', () => {
    const landing = pageAddress(
      event({
        url: 'https://shop.test/spring?utm_source=sms&utm_campaign=spring&ref=x',
        path: '/spring',
        referrer: 'https://l.instagram.com/some/path',
      }),
    );
    expect(landing).toEqual({
      text: '/spring?utm_source=sms&utm_campaign=spring&ref=x',
      href: 'https://shop.test/spring?utm_source=sms&utm_campaign=spring&ref=x',
      utm: [
        ['source', 'sms'],
        ['campaign', 'spring'],
      ],
      referrer: 'l.instagram.com',
    });
    const internal = pageAddress(event({ url: 'https://shop.test/b', referrer: 'https://shop.test/a' }));
    expect(internal?.referrer).toBeNull();
    // Never a link for another scheme; the text is still shown.
    expect(pageAddress(event({ url: 'javascript:alert(1)' }))?.href).toBeNull();
    expect(pageAddress(event({ path: '/only-a-path' }))).toMatchObject({ text: '/only-a-path', href: null });
    expect(pageAddress(event({}))).toBeNull();
  });

  it('a form: its name (or id, or the path it posts to) and only the captured email and phone', () => {
    expect(
      formSummary(
        event({
          type: 'form_submit',
          properties: { formName: 'newsletter', formId: 'f1', formAction: 'https://shop.test/subscribe' },
          traits: { email: 'ana@example.org', phone: '+1 415 555 2671', company: 'ignored' },
        }),
      ),
    ).toEqual({
      name: 'newsletter',
      fields: [
        ['Email', 'ana@example.org'],
        ['Phone', '+1 415 555 2671'],
      ],
    });
    expect(
      formSummary(event({ type: 'form_submit', properties: { formAction: 'https://shop.test/signup' } })),
    ).toEqual({ name: '/signup', fields: [] });
  });

  it('a custom event: its properties as short pairs, objects as JSON, the rest counted', () => {
    const { pairs, more } = propertyPairs(
      event({
        type: 'track',
        name: 'Order Completed',
        properties: {
          revenue: 42.5,
          currency: 'EUR',
          items: [{ sku: 'a' }],
          note: 'x'.repeat(120),
          gone: null,
        },
      }),
      3,
    );
    expect(pairs).toEqual([
      ['revenue', '42.5'],
      ['currency', 'EUR'],
      ['items', '[{"sku":"a"}]'],
    ]);
    expect(more).toBe(1);
    const long = propertyPairs(event({ properties: { note: 'x'.repeat(120) } })).pairs[0]?.[1] ?? '';
    expect(long).toHaveLength(80);
    expect(long.endsWith('…')).toBe(true);
  });
});
