// The automatic stitching rules (DESIGN §6, rules 1–5 and 8), as a marketer sees them on profiles.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { campaignStats } from '../../../src-renderer/queries/campaigns';
import { contactIdentities } from '../../../src-renderer/queries/contacts';
import { anonymousVisitors } from '../../../src-renderer/queries/visitors';
import { explainLink } from '../../../src-renderer/stitching/explain';
import {
  addCampaign,
  addContact,
  FakeJournal,
  freshDb,
  ingestNew,
  settingsWith,
  timelineOf,
  UA,
} from './support';

async function anaWithSmsCampaign() {
  const db = freshDb();
  await addContact(db, { id: 'ana', firstName: 'Ana', phone: '+14155552671' });
  await addContact(db, { id: 'ben', firstName: 'Ben', email: 'ben@example.org', phone: '+14155550199' });
  const [anaMessage, benMessage] = await addCampaign(db, { id: 'c1', name: 'Spring Sale', channel: 'sms' }, [
    'ana',
    'ben',
  ]);
  if (!anaMessage || !benMessage) throw new Error('campaign not created');
  return { db, anaMessage, benMessage, journal: new FakeJournal() };
}

describe('click-token stitching and lookback', () => {
  it("Ana taps her SMS link and her browser's earlier and later page views appear on her profile", async () => {
    const { db, anaMessage, journal } = await anaWithSmsCampaign();
    journal.page('A', 0, '/home');
    journal.page('A', 5, '/pricing');
    await ingestNew(db, journal);
    journal.click(anaMessage, 60, 'tok-ana');
    journal.page('A', 60.1, '/sale', { clickToken: 'tok-ana' });
    await ingestNew(db, journal);
    journal.page('A', 70, '/checkout');
    await ingestNew(db, journal);

    expect(await timelineOf(db, 'ana')).toEqual([
      'page /checkout',
      'page /sale',
      'link_click',
      'page /pricing',
      'page /home',
    ]);
    const ana = await db.contacts.get('ana');
    expect(ana?.stats).toMatchObject({ pageViews: 4, clicks: 1, visitors: 1, sessions: 2 });
    expect(await anonymousVisitors(db)).toEqual([]);
  });

  it("Ana's stats count what her timeline shows, when a visit from before her link arrives after it", async () => {
    const { db, anaMessage, journal } = await anaWithSmsCampaign();
    journal.click(anaMessage, 60, 'tok-ana');
    journal.page('A', 60.1, '/sale', { clickToken: 'tok-ana' });
    journal.page('A', 70, '/checkout');
    await ingestNew(db, journal);
    expect((await db.contacts.get('ana'))?.stats).toMatchObject({ pageViews: 2, sessions: 1 });
    // A page view from an hour before, queued offline on the phone, reaches the app later: it is
    // older than the link, so it stays off her profile and out of her counts, also when they are
    // counted again (her laptop sends a form with her phone number).
    journal.page('A', 0, '/offline-home');
    journal.form('LAPTOP', 75, { phone: '+14155552671' }, UA.desktopFirefox);
    await ingestNew(db, journal);
    const pages = (await timelineOf(db, 'ana')).filter((item) => item.startsWith('page'));
    expect(pages).toEqual(['page /checkout', 'page /sale']);
    // The laptop's form is a session of its own, and no page view.
    expect((await db.contacts.get('ana'))?.stats).toMatchObject({ pageViews: 2, sessions: 2, visitors: 2 });
  });

  it("with lookback 'from the click on' the earlier visits stay anonymous", async () => {
    const { db, anaMessage, journal } = await anaWithSmsCampaign();
    journal.page('A', 0, '/home');
    journal.page('A', 5, '/pricing');
    journal.click(anaMessage, 60, 'tok-ana');
    journal.page('A', 60.1, '/sale', { clickToken: 'tok-ana' });
    journal.page('A', 70, '/checkout');
    await ingestNew(db, journal, settingsWith({ lookback: 'click' }));

    expect(await timelineOf(db, 'ana')).toEqual(['page /checkout', 'page /sale', 'link_click']);
  });

  it("lookback 'current session' takes the session of the click, not earlier ones", async () => {
    const { db, anaMessage, journal } = await anaWithSmsCampaign();
    journal.page('A', 0, '/yesterday'); // an earlier session (more than 30 minutes before)
    journal.page('A', 100, '/home');
    journal.click(anaMessage, 110, 'tok-ana');
    journal.page('A', 110.1, '/sale', { clickToken: 'tok-ana' });
    await ingestNew(db, journal, settingsWith({ lookback: 'session' }));

    expect(await timelineOf(db, 'ana')).toEqual(['page /sale', 'link_click', 'page /home']);
  });

  it('an unknown click token does nothing', async () => {
    const { db, journal } = await anaWithSmsCampaign();
    journal.page('A', 0, '/sale', { clickToken: 'forged' });
    await ingestNew(db, journal);
    expect(await timelineOf(db, 'ana')).toEqual([]);
    expect((await anonymousVisitors(db)).map((v) => v.visitor.id)).toEqual(['A']);
  });

  it("a new browser or cleared cookies gives a new anonymous visitor not on Ana's profile", async () => {
    const { db, anaMessage, journal } = await anaWithSmsCampaign();
    journal.click(anaMessage, 0, 'tok-ana');
    journal.page('A', 0.1, '/sale', { clickToken: 'tok-ana' });
    await ingestNew(db, journal);
    journal.page('A2', 30, '/again'); // same phone, cookies cleared: a new visitor id
    journal.page('B', 31, '/direct', { ua: UA.desktopFirefox }); // another device
    await ingestNew(db, journal);

    expect(await timelineOf(db, 'ana')).toEqual(['page /sale', 'link_click']);
    const anonymous = await anonymousVisitors(db);
    expect(anonymous.map((v) => v.visitor.id)).toEqual(['B', 'A2']);
    expect(anonymous[0]?.visitor.browser).toBe('Firefox');
    expect(anonymous[0]?.sessions.map((s) => s.landingPath)).toEqual(['/direct']);
  });
});

describe('explanations', () => {
  it('a WhatsApp click is explained as linked by WhatsApp campaign X, clicked at T on Chrome/Android', async () => {
    const db = freshDb();
    await addContact(db, { id: 'ana', firstName: 'Ana' });
    const [message] = await addCampaign(db, { id: 'w1', name: 'Summer Drop', channel: 'whatsapp' }, ['ana']);
    if (!message) throw new Error('no message');
    const journal = new FakeJournal();
    journal.click(message, 5, 'tok');
    journal.page('A', 5.1, '/drop', { clickToken: 'tok' });
    await ingestNew(db, journal);

    const [identity] = await contactIdentities(db, 'ana');
    expect(identity?.link).toMatchObject({ kind: 'visitor', value: 'A', source: 'whatsapp_click' });
    const explanation = await explainLink(db, identity?.link.id ?? '');
    expect(explanation).toMatchObject({
      source: 'whatsapp_click',
      campaignName: 'Summer Drop',
      channel: 'whatsapp',
      device: 'Chrome on Android',
      flags: [],
    });
    expect(explanation.text).toBe(
      'Linked by WhatsApp campaign Summer Drop, clicked at 2025-03-01 10:05 UTC on Chrome on Android',
    );
  });
});

describe('forms and identify', () => {
  it("a form with Ben's email links that visitor to Ben (source form)", async () => {
    const { db, journal } = await anaWithSmsCampaign();
    journal.page('X', 0, '/contact', { ua: UA.iphoneSafari });
    journal.form('X', 1, { email: ' Ben@Example.org ' }, UA.iphoneSafari);
    journal.page('X', 2, '/thanks', { ua: UA.iphoneSafari });
    await ingestNew(db, journal);

    expect(await timelineOf(db, 'ben')).toEqual(['page /thanks', 'form_submit', 'page /contact']);
    const [identity] = await contactIdentities(db, 'ben');
    expect(identity?.explanation.source).toBe('form');
    expect(identity?.explanation.text).toBe(
      'Linked by a form submitted with ben@example.org at 2025-03-01 10:01 UTC on Mobile Safari on iOS',
    );
  });

  it('a form with an unknown email creates a contact when the setting allows, and not otherwise', async () => {
    const { db, journal } = await anaWithSmsCampaign();
    journal.form('X', 1, { email: 'new@person.io' });
    await ingestNew(db, journal, settingsWith({ createContactsFromForms: false }));
    expect(await db.contacts.where('email').equals('new@person.io').count()).toBe(0);

    const allowed = await anaWithSmsCampaign();
    allowed.journal.form('X', 1, { email: 'new@person.io' });
    await ingestNew(allowed.db, allowed.journal, settingsWith({ createContactsFromForms: true }));
    const created = await allowed.db.contacts.where('email').equals('new@person.io').first();
    expect(created).toBeDefined();
    expect(await timelineOf(allowed.db, created?.id ?? '')).toEqual(['form_submit']);
  });

  it('an identify call with a phone in national format matches the E.164 contact', async () => {
    const { db, journal } = await anaWithSmsCampaign();
    journal.page('Y', 0, '/account');
    journal.identify('Y', 1, { phone: '(415) 555-2671' });
    await ingestNew(db, journal);
    expect(await timelineOf(db, 'ana')).toEqual(['identify', 'page /account']);
    const [identity] = await contactIdentities(db, 'ana');
    expect(identity?.link.source).toBe('identify');
  });

  it('an identify with a userId links to the contact with that userId', async () => {
    const { db, journal } = await anaWithSmsCampaign();
    await db.contacts.update('ben', { userId: 'u-42' });
    journal.identify('Z', 1, {}, 'u-42');
    await ingestNew(db, journal);
    expect(await timelineOf(db, 'ben')).toEqual(['identify']);
  });

  it("junk identifiers like 'undefined' and '0' are ignored", async () => {
    const { db, journal } = await anaWithSmsCampaign();
    await db.contacts.update('ana', { userId: 'undefined' }); // a bad import must not become a magnet
    journal.identify('J1', 1, { email: 'undefined', phone: '0' }, 'undefined');
    journal.identify('J2', 2, { email: 'not-an-email' }, '0');
    journal.form('J3', 3, { email: '   ', phone: 'null' });
    journal.identify('J4', 4, {}, 'anonymous');
    await ingestNew(db, journal, settingsWith({ createContactsFromForms: true }));

    expect(await db.contacts.count()).toBe(2);
    expect(await timelineOf(db, 'ana')).toEqual([]);
    expect(await db.identities.count()).toBe(0);
  });
});

describe('shared devices and forwarded links', () => {
  it("a shared phone keeps Ana's earlier visits on Ana and gives later ones to Ben (not merged)", async () => {
    const { db, anaMessage, benMessage, journal } = await anaWithSmsCampaign();
    journal.click(anaMessage, 0, 'tok-ana');
    journal.page('A', 0.1, '/ana-sale', { clickToken: 'tok-ana' });
    journal.page('A', 10, '/ana-more');
    await ingestNew(db, journal);
    journal.click(benMessage, 20, 'tok-ben');
    journal.page('A', 20.1, '/ben-sale', { clickToken: 'tok-ben' });
    journal.page('A', 25, '/ben-more');
    await ingestNew(db, journal);
    // Ana's own token again on the same browser changes nothing.
    journal.page('A', 30, '/ana-sale', { clickToken: 'tok-ana' });
    await ingestNew(db, journal);

    expect(await timelineOf(db, 'ana')).toEqual(['page /ana-more', 'page /ana-sale', 'link_click']);
    expect(await timelineOf(db, 'ben')).toEqual([
      'page /ana-sale',
      'page /ben-more',
      'page /ben-sale',
      'link_click',
    ]);
    expect((await db.contacts.get('ana'))?.mergedInto).toBeUndefined();
    expect((await db.contacts.get('ben'))?.mergedInto).toBeUndefined();
    const [anaLink] = await contactIdentities(db, 'ana');
    const [benLink] = await contactIdentities(db, 'ben');
    expect(anaLink?.explanation.flags).toEqual(['sharedDevice']);
    expect(benLink?.explanation.flags).toEqual(['sharedDevice']);
    expect(anaLink?.explanation.text).toContain('shared device');
  });

  it("Ana's link opened in five browsers: none is linked on that alone, all five wait as tentative, the message is flagged forwarded", async () => {
    const { db, anaMessage, journal } = await anaWithSmsCampaign();
    for (const [i, visitor] of ['V1', 'V2', 'V3', 'V4', 'V5'].entries()) {
      journal.click(anaMessage, i * 10, `tok-${i}`);
      journal.page(visitor, i * 10 + 0.1, `/v${i + 1}`, { clickToken: `tok-${i}` });
    }
    await ingestNew(db, journal);

    expect(await contactIdentities(db, 'ana')).toEqual([]);
    const tentative = await db.tentativeLinks.where('contactId').equals('ana').toArray();
    expect(tentative.map((t) => t.visitorId).sort()).toEqual(['V1', 'V2', 'V3', 'V4', 'V5']);
    expect(tentative.every((t) => t.evidence.some((e) => e.text === '4 other browsers opened it too'))).toBe(
      true,
    );
    expect((await anonymousVisitors(db)).map((v) => v.visitor.id)).toEqual(['V5', 'V4', 'V3', 'V2', 'V1']);
    const report = await campaignStats(db, 'c1');
    expect(report.perMessage.find((m) => m.messageId === anaMessage.id)).toMatchObject({
      clicks: 5,
      visitors: 5,
      forwarded: true,
    });
    expect(report.forwardedMessages).toBe(1);
  });

  it('a Segment alias links the browser named by previousId to the contact with that userId, its history with it', async () => {
    const { db, journal } = await anaWithSmsCampaign();
    await db.contacts.update('ana', { userId: 'u-42' });
    journal.page('ANON-1', 0, '/pricing');
    journal.alias('ANON-1', 'u-42', 5);
    await ingestNew(db, journal);
    expect(await timelineOf(db, 'ana')).toContain('page /pricing');
    const [link] = await contactIdentities(db, 'ana');
    expect(link?.link).toMatchObject({ value: 'ANON-1', source: 'identify' });
  });

  it('a link preview and a bot never stitch', async () => {
    const { db, anaMessage, journal } = await anaWithSmsCampaign();
    journal.preview(anaMessage, 0);
    journal.click(anaMessage, 1, 'tok-bot', UA.googlebot);
    journal.page('BOT', 1.1, '/sale', { clickToken: 'tok-bot', ua: UA.googlebot });
    journal.click(anaMessage, 2, 'tok-real');
    journal.page('BOT2', 2.1, '/sale', { clickToken: 'tok-real', ua: UA.whatsappPreview });
    await ingestNew(db, journal);

    expect(await timelineOf(db, 'ana')).toEqual(['link_click']);
    expect(await db.identities.count()).toBe(0);
    const report = await campaignStats(db, 'c1');
    expect(report.perMessage[0]).toMatchObject({ clicks: 1, previews: 1, visitors: 0, forwarded: false });
  });
});

describe('one-time, expiring click tokens', () => {
  const HOUR = 60;

  it("a second browser presenting Ana's token 10 hours later is not linked and is flagged as token reuse", async () => {
    const { db, anaMessage, journal } = await anaWithSmsCampaign();
    journal.click(anaMessage, 0, 'tok-ana');
    journal.page('A', 0.1, '/sale', { clickToken: 'tok-ana' });
    await ingestNew(db, journal);
    // Her URL, token included, pasted into another browser.
    journal.page('B', 10 * HOUR, '/sale', { clickToken: 'tok-ana', ua: UA.desktopFirefox });
    await ingestNew(db, journal);

    expect(await timelineOf(db, 'ana')).toEqual(['page /sale', 'link_click']);
    expect((await contactIdentities(db, 'ana')).map((i) => i.link.value)).toEqual(['A']);
    const anonymous = await anonymousVisitors(db);
    expect(anonymous.map((v) => v.visitor.id)).toEqual(['B']);
    expect(anonymous[0]?.tokenNote).toBe(
      'Token reused: at 2025-03-01 20:00 UTC this browser opened a tracked link of Spring Sale with a click token another browser had already used, so it was not linked.',
    );
  });

  it('a token presented 25 h after the click links nobody', async () => {
    const { db, anaMessage, journal } = await anaWithSmsCampaign();
    journal.click(anaMessage, 0, 'tok-ana');
    journal.page('A', 25 * HOUR, '/sale', { clickToken: 'tok-ana' });
    await ingestNew(db, journal);

    expect(await db.identities.count()).toBe(0);
    expect(await timelineOf(db, 'ana')).toEqual(['link_click']);
    const [visitor] = await anonymousVisitors(db);
    expect(visitor?.tokenNote).toMatch(
      /^Token expired: at 2025-03-02 11:00 UTC this browser opened a tracked link of Spring Sale/,
    );
  });

  it('the lifetime is a setting: with 48 hours, the same late presentation links Ana', async () => {
    const { db, anaMessage, journal } = await anaWithSmsCampaign();
    journal.click(anaMessage, 0, 'tok-ana');
    journal.page('A', 25 * HOUR, '/sale', { clickToken: 'tok-ana' });
    await ingestNew(db, journal, settingsWith({ clickTokenTtlHours: 48 }));

    expect((await contactIdentities(db, 'ana')).map((i) => i.link.value)).toEqual(['A']);
  });

  it('the browser that used the token may present it again, even days later', async () => {
    const { db, anaMessage, journal } = await anaWithSmsCampaign();
    journal.click(anaMessage, 0, 'tok-ana');
    journal.page('A', 0.1, '/sale', { clickToken: 'tok-ana' });
    journal.page('A', 72 * HOUR, '/sale', { clickToken: 'tok-ana' }); // a reopened tab
    await ingestNew(db, journal);

    expect(await timelineOf(db, 'ana')).toEqual(['page /sale', 'page /sale', 'link_click']);
    expect((await db.visitors.get('A'))?.tokenRefused).toBeUndefined();
  });

  it('each tap gets its own token: Ana tapping her link again on her laptop is a tap of its own, not a reuse', async () => {
    const { db, anaMessage, journal } = await anaWithSmsCampaign();
    journal.click(anaMessage, 0, 'tok-phone');
    journal.page('A', 0.1, '/sale', { clickToken: 'tok-phone' });
    journal.click(anaMessage, 5 * HOUR, 'tok-laptop', UA.desktopFirefox);
    journal.page('L', 5 * HOUR + 0.1, '/sale', { clickToken: 'tok-laptop', ua: UA.desktopFirefox });
    await ingestNew(db, journal);

    expect((await db.visitors.get('L'))?.tokenRefused).toBeUndefined();
    expect((await db.messages.get(anaMessage.id))?.taps?.map((t) => t.visitorId)).toEqual(['A', 'L']);
    // A second browser, a desktop, on her SMS: weighed on its evidence (rule 9), not refused.
    expect((await contactIdentities(db, 'ana')).map((i) => i.link.value)).toEqual(['A']);
    expect((await db.tentativeLinks.toArray()).map((t) => t.visitorId)).toEqual(['L']);
  });

  it('a replay of the journal judges every token the same way as live ingest did', async () => {
    const { db, anaMessage, benMessage, journal } = await anaWithSmsCampaign();
    journal.click(anaMessage, 0, 'tok-ana');
    journal.page('A', 0.1, '/sale', { clickToken: 'tok-ana' });
    await ingestNew(db, journal);
    journal.page('B', 10 * HOUR, '/sale', { clickToken: 'tok-ana' });
    journal.click(benMessage, 11 * HOUR, 'tok-ben');
    await ingestNew(db, journal);
    journal.page('C', 40 * HOUR, '/late', { clickToken: 'tok-ben' });
    await ingestNew(db, journal);

    const replayed = await anaWithSmsCampaign();
    for (const record of journal.records) replayed.journal.records.push(record);
    await ingestNew(replayed.db, replayed.journal);

    const judged = async (store: typeof db) =>
      (await store.visitors.toArray()).map((v) => `${v.id} ${v.stitched} ${v.tokenRefused?.reason ?? '-'}`);
    expect(await judged(replayed.db)).toEqual(await judged(db));
    expect(await judged(db)).toEqual(['A 1 -', 'B 0 reused', 'C 0 expired']);
    expect(await replayed.db.identities.toArray()).toEqual(await db.identities.toArray());
  });
});
