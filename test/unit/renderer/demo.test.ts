// The guided demo's data against the real main process (demo site, link registry, redaction): what
// it creates, the stitch of its recipient's click, the home page leaving it out of the checklist and
// figures while counting the marketer's own campaign, and its removal in one call.
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCampaign } from '../../../src-renderer/campaigns/create';
import { syncCampaignLinks } from '../../../src-renderer/campaigns/links';
import { markCampaignSent, prepareCampaign } from '../../../src-renderer/campaigns/prepare';
import type { StitchDb } from '../../../src-renderer/db';
import type { MessageRow } from '../../../src-renderer/db/types';
import { DEMO_LIST, demoMessage, demoState, removeDemo, startDemo } from '../../../src-renderer/demo/demo';
import { checklistState, dayStarts, homeFigures } from '../../../src-renderer/queries/home';
import {
  addContact,
  at,
  expectSpansInLine,
  FakeJournal,
  freshDb,
  type InProcessMain,
  ingestNew,
  startMain,
} from './support';

let main: InProcessMain;
let db: StitchDb;
let linkBase: string;
const journal = new FakeJournal();

beforeAll(async () => {
  main = await startMain();
  db = freshDb();
  linkBase = (await main.bridge.invoke('collector.status', undefined)).address;
});
afterAll(() => main.close());

const visitorLinksOf = (contactId: string) =>
  db.identities
    .where('contactId')
    .equals(contactId)
    .filter((l) => l.kind === 'visitor' && l.revokedAt === null)
    .toArray();

describe('the guided demo', () => {
  it('creates sample contacts with SMS consent from "Demo" and a prepared, sent demo campaign', async () => {
    const state = await startDemo(db, main.bridge, linkBase, at(0));
    const contacts = await db.contacts.bulkGet(state.contactIds);
    expect(contacts.map((c) => `${c?.firstName} ${c?.lastName}`)).toEqual([
      'Dana Demo',
      'Sam Sample',
      'Riley Example',
    ]);
    for (const contact of contacts) {
      expect(contact?.lists).toEqual([DEMO_LIST]);
      expect(contact?.consent.sms).toBe(true);
      expect(contact?.consentRecords?.sms?.source).toMatch(/^Demo: /);
    }
    const campaign = await db.campaigns.get(state.campaignId);
    expect(campaign).toMatchObject({ demo: true, status: 'sent', audience: { kind: 'list', list: 'Demo' } });
    const message = await demoMessage(db, state);
    expect(message?.contactId).toBe(state.contactIds[0]);
    expect(message?.linkUrl).toMatch(new RegExp(`^${linkBase}/r/[A-Za-z0-9_-]{16}$`));
    expect(message?.text).toContain(`Hi Dana, 20% off the Harbour Blend this week: ${message?.linkUrl}`);
    expect(await db.messages.where('campaignId').equals(state.campaignId).count()).toBe(3);
    // Its destination is the demo site the main process now serves.
    expect(state.pagesUrl).toBe(`${linkBase}/demo/`);
    const sites = await main.bridge.invoke('sites.list', undefined);
    expect(sites.find((s) => s.id === state.siteId)?.demo).toBe(true);
    // Starting again reuses what is there.
    expect(await startDemo(db, main.bridge, linkBase, at(1))).toEqual(state);
    expect(await db.contacts.count()).toBe(3);
  });

  it('links the browser that opens the link to its recipient, and stays out of the home page', async () => {
    const state = await demoState(db);
    const message = state && (await demoMessage(db, state));
    if (!state || !message) throw new Error('no demo');
    journal.click(message, 2, 'tokDemo');
    journal.page('demo-browser', 2.1, '/demo/offer', { clickToken: 'tokDemo' });
    journal.page('demo-browser', 3, '/demo/signup');
    await ingestNew(db, journal);
    expect((await visitorLinksOf(message.contactId)).map((l) => l.value)).toEqual(['demo-browser']);

    expect(await checklistState(db)).toEqual({
      contactsAdded: false,
      campaignSent: false,
      firstStitch: false,
    });
    const figures = await homeFigures(db, 7, at(60));
    expect(figures.messages.total).toBe(0);
    expect(figures.clicks.total).toBe(0);
    expect(figures.stitchedVisitors.total).toBe(0);
  });

  it("counts the marketer's own campaign on the home page, per day", async () => {
    const ana = await addContact(db, {
      id: 'ana',
      firstName: 'Ana',
      phone: '+14155550100',
      phoneType: 'mobile',
      tags: ['real'],
      consent: { sms: true, whatsapp: false, email: false },
    });
    const campaign = await createCampaign(db, 'Spring', 'sms');
    const body = 'Hi {{first_name}}, see https://shop.test/sale';
    await db.campaigns.update(campaign.id, {
      body,
      links: syncCampaignLinks(body),
      audience: { kind: 'tag', tag: 'real' },
    });
    await prepareCampaign(
      db,
      campaign.id,
      {
        register: (input) => main.bridge.invoke('links.register', input),
        mint: (request) => main.bridge.invoke('links.mint', request),
      },
      linkBase,
    );
    await markCampaignSent(db, campaign.id, at(10));
    const message = (await db.messages.get(`${campaign.id}:0`)) as MessageRow;
    expect(await checklistState(db)).toEqual({ contactsAdded: true, campaignSent: true, firstStitch: false });

    journal.page('ana-phone', 11, '/before');
    journal.click(message, 12, 'tokAna');
    journal.page('ana-phone', 12.1, '/sale', { clickToken: 'tokAna' });
    journal.page('ana-phone', 14, '/pricing');
    await ingestNew(db, journal);
    expect((await visitorLinksOf(ana.id)).length).toBe(1);
    expect(await checklistState(db)).toEqual({ contactsAdded: true, campaignSent: true, firstStitch: true });

    const figures = await homeFigures(db, 7, at(60));
    expect(figures.days).toEqual(dayStarts(7, at(60)));
    const today = figures.days.length - 1;
    expect(figures.messages).toMatchObject({ total: 1 });
    expect(figures.messages.perDay[today]).toBe(1);
    expect(figures.clicks.perDay[today]).toBe(1);
    expect(figures.stitchedVisitors.total).toBe(1);
    // /sale and /pricing from the click on; /before was earlier.
    expect(figures.postClickPageViews.total).toBe(2);
    expect(figures.postClickPageViews.perDay.slice(0, today)).toEqual([0, 0, 0, 0, 0, 0]);
    // Eight days later the 7-day range no longer holds them; the 30-day one does.
    expect((await homeFigures(db, 7, at(60 + 8 * 24 * 60))).clicks.total).toBe(0);
    expect((await homeFigures(db, 30, at(60 + 8 * 24 * 60))).clicks.total).toBe(1);
  });

  it('is removed in one call, and only the demo goes', async () => {
    const state = await demoState(db);
    if (!state) throw new Error('no demo');
    const removed = await removeDemo(db, main.bridge);
    await expectSpansInLine(db);
    expect(removed).toMatchObject({ contacts: 3, visitors: 1 });
    expect(removed.journalError).toBeUndefined();
    expect(await demoState(db)).toBeNull();
    expect(await db.contacts.bulkGet(state.contactIds)).toEqual([undefined, undefined, undefined]);
    expect(await db.campaigns.get(state.campaignId)).toBeUndefined();
    expect(await db.messages.where('campaignId').equals(state.campaignId).count()).toBe(0);
    expect(await db.visitors.get('demo-browser')).toBeUndefined();
    expect(await db.events.where('[campaignId+type]').equals([state.campaignId, 'link_click']).count()).toBe(
      0,
    );
    expect((await main.bridge.invoke('sites.list', undefined)).some((s) => s.demo)).toBe(false);
    // The marketer's own contact, campaign and stitch stay, and no suppression was left behind.
    expect(await db.contacts.get('ana')).toBeDefined();
    expect((await visitorLinksOf('ana')).length).toBe(1);
    expect(await db.visitors.get('ana-phone')).toBeDefined();
    expect(await db.suppressions.count()).toBe(0);
    // The demo can run again.
    const again = await startDemo(db, main.bridge, linkBase, at(100));
    expect(again.campaignId).not.toBe(state.campaignId);
    expect(await db.contacts.where('lists').equals(DEMO_LIST).count()).toBe(3);
  });
});
