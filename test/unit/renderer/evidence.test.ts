// Evidence-scored click links (DESIGN §6 rule 9, issue 11), as a marketer sees them on profiles:
// which browser ends up on Ana's timeline, which waits as tentative, and why in words.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { contactIdentities } from '../../../src-renderer/queries/contacts';
import { inAppBrowserOf } from '../../../src-renderer/stitching/device';
import {
  assessTap,
  type BrowserFacts,
  type MessageFacts,
  previewPlatform,
  type TapFact,
} from '../../../src-renderer/stitching/evidence';
import {
  confirmTentativeLink,
  rejectTentativeLink,
  undo,
  unstitchLink,
} from '../../../src-renderer/stitching/manual';
import {
  addCampaign,
  addContact,
  expectSpansInLine,
  FakeJournal,
  freshDb,
  ingestNew,
  settingsWith,
  timelineOf,
  UA,
} from './support';

async function ana() {
  const db = freshDb();
  await addContact(db, { id: 'ana', firstName: 'Ana', phone: '+14155552671', email: 'ana@example.org' });
  await addContact(db, { id: 'ben', firstName: 'Ben', email: 'ben@example.org', phone: '+14155550199' });
  const [anaSpring, benSpring] = await addCampaign(db, { id: 'c1', name: 'Spring Sale', channel: 'sms' }, [
    'ana',
    'ben',
  ]);
  const [anaSummer] = await addCampaign(db, { id: 'c2', name: 'Summer Sale', channel: 'sms' }, ['ana']);
  if (!anaSpring || !benSpring || !anaSummer) throw new Error('campaigns not created');
  return { db, anaSpring, anaSummer, journal: new FakeJournal() };
}

const linkedBrowsers = async (db: Awaited<ReturnType<typeof ana>>['db'], contactId: string) =>
  (await contactIdentities(db, contactId)).map((i) => i.link.value).sort();
const tentativeOf = async (db: Awaited<ReturnType<typeof ana>>['db'], contactId: string) =>
  (await db.tentativeLinks.where('contactId').equals(contactId).toArray()).sort((a, b) => a.at - b.at);

describe('evidence for a click link', () => {
  it('Ana taps her own SMS link on her phone soon after it was sent: linked, and it says why', async () => {
    const { db, anaSpring, journal } = await ana();
    journal.click(anaSpring, 5, 'tok-ana');
    journal.page('ANA-PHONE', 5.1, '/sale', { clickToken: 'tok-ana' });
    await ingestNew(db, journal);

    const [link] = await contactIdentities(db, 'ana');
    expect(link?.link.value).toBe('ANA-PHONE');
    expect(link?.link.confidence).toBeGreaterThanOrEqual(0.9);
    expect(link?.link.evidence?.map((e) => e.text)).toEqual([
      "opened Ana's own SMS link",
      'the first browser to open it',
      'a mobile browser',
      '1 h after it was sent',
    ]);
  });

  it('S13: three desktop browsers open Ana’s SMS link before she taps it on her phone: only her phone is hers', async () => {
    const { db, anaSpring, journal } = await ana();
    for (const [i, visitor] of ['D1', 'D2', 'D3'].entries()) {
      journal.click(anaSpring, i, `tok-d${i}`, UA.desktopChrome);
      journal.page(visitor, i + 0.1, '/sale', { clickToken: `tok-d${i}`, ua: UA.desktopChrome });
      journal.page(visitor, i + 1, `/stranger-${i}`, { ua: UA.desktopChrome });
    }
    journal.click(anaSpring, 30, 'tok-ana');
    journal.page('ANA-PHONE', 30.1, '/sale', { clickToken: 'tok-ana' });
    journal.page('ANA-PHONE', 31, '/pricing');
    await ingestNew(db, journal);

    expect(await linkedBrowsers(db, 'ana')).toEqual(['ANA-PHONE']);
    expect(await timelineOf(db, 'ana')).toEqual([
      'page /pricing',
      'page /sale',
      'link_click',
      'link_click',
      'link_click',
      'link_click',
    ]);
    expect((await db.contacts.get('ana'))?.stats).toMatchObject({ pageViews: 2, visitors: 1 });
    const tentative = await tentativeOf(db, 'ana');
    expect(tentative.map((t) => t.visitorId)).toEqual(['D1', 'D2', 'D3']);
    expect(tentative[1]?.evidence.map((e) => e.text)).toEqual(
      expect.arrayContaining(['the second browser to open it', 'a desktop browser on an SMS link']),
    );
  });

  it('a lone first tap is demoted when the message turns out forwarded to three more phones', async () => {
    const { db, anaSpring, journal } = await ana();
    journal.click(anaSpring, 0, 'tok-1');
    journal.page('FIRST', 0.1, '/sale', { clickToken: 'tok-1' });
    await ingestNew(db, journal);
    expect(await linkedBrowsers(db, 'ana')).toEqual(['FIRST']);

    for (const [i, visitor] of ['P2', 'P3', 'P4'].entries()) {
      journal.click(anaSpring, 60 + i, `tok-p${i}`);
      journal.page(visitor, 60.1 + i, '/sale', { clickToken: `tok-p${i}` });
    }
    await ingestNew(db, journal);
    // Four phones on one SMS: none of them can be told to be Ana's, so none is, retroactively.
    expect(await linkedBrowsers(db, 'ana')).toEqual([]);
    expect(await timelineOf(db, 'ana')).not.toContain('page /sale');
    expect((await tentativeOf(db, 'ana')).map((t) => t.visitorId)).toEqual(['FIRST', 'P2', 'P3', 'P4']);
  });

  it('a WhatsApp preview of an SMS link: the phone that opened it before the share stays linked, those after wait', async () => {
    const { db, anaSpring, journal } = await ana();
    journal.click(anaSpring, 0, 'tok-ana');
    journal.page('ANA-PHONE', 0.1, '/sale', { clickToken: 'tok-ana' });
    journal.preview(anaSpring, 20, UA.whatsappPreview);
    journal.click(anaSpring, 25, 'tok-chat');
    journal.page('CHAT', 25.1, '/sale', { clickToken: 'tok-chat', ua: UA.iphoneSafari });
    await ingestNew(db, journal);

    expect(await linkedBrowsers(db, 'ana')).toEqual(['ANA-PHONE']);
    const [chat] = await tentativeOf(db, 'ana');
    expect(chat?.visitorId).toBe('CHAT');
    expect(chat?.evidence.map((e) => e.text)).toContain(
      'after the link was previewed by Whatsapp (it was shared in a chat)',
    );
  });

  it("a tentative browser that later submits a form with Ana's email is hers, from its first visit", async () => {
    const { db, anaSpring, journal } = await ana();
    journal.click(anaSpring, 0, 'tok-1');
    journal.page('ANA-PHONE', 0.1, '/sale', { clickToken: 'tok-1' });
    // Shared in a chat before the laptop opened it: the laptop could be anyone in that chat.
    journal.preview(anaSpring, 20);
    journal.click(anaSpring, 30, 'tok-2', UA.desktopFirefox);
    journal.page('ANA-LAPTOP', 30.1, '/sale', { clickToken: 'tok-2', ua: UA.desktopFirefox });
    await ingestNew(db, journal);
    expect(await linkedBrowsers(db, 'ana')).toEqual(['ANA-PHONE']);

    journal.form('ANA-LAPTOP', 600, { email: 'ana@example.org' }, UA.desktopFirefox);
    await ingestNew(db, journal);
    expect(await linkedBrowsers(db, 'ana')).toEqual(['ANA-LAPTOP', 'ANA-PHONE']);
    expect(await tentativeOf(db, 'ana')).toEqual([]);
  });

  it('a browser linked to Ana that identifies itself as Ben is taken off Ana', async () => {
    const { db, anaSpring, journal } = await ana();
    journal.click(anaSpring, 0, 'tok-1');
    journal.page('X', 0.1, '/sale', { clickToken: 'tok-1' });
    await ingestNew(db, journal);
    expect(await linkedBrowsers(db, 'ana')).toEqual(['X']);

    journal.form('X', 120, { email: 'ben@example.org' });
    await ingestNew(db, journal);
    expect(await linkedBrowsers(db, 'ana')).toEqual([]);
    expect(await linkedBrowsers(db, 'ben')).toEqual(['X']);
    const [demoted] = await tentativeOf(db, 'ana');
    expect(demoted?.evidence.map((e) => e.text)).toContain('it identified itself as another contact');
  });

  it("the same browser opening Ana's links from two campaigns makes a doubtful first tap sure", async () => {
    const { db, anaSpring, anaSummer, journal } = await ana();
    journal.click(anaSpring, 0, 'tok-1');
    journal.page('ANA-PHONE', 0.1, '/sale', { clickToken: 'tok-1' });
    journal.click(anaSpring, 5, 'tok-2');
    journal.page('OTHER', 5.1, '/sale', { clickToken: 'tok-2' });
    journal.click(anaSpring, 6, 'tok-3');
    journal.page('THIRD', 6.1, '/sale', { clickToken: 'tok-3' });
    journal.click(anaSpring, 7, 'tok-4');
    journal.page('FOURTH', 7.1, '/sale', { clickToken: 'tok-4' });
    await ingestNew(db, journal);
    expect(await linkedBrowsers(db, 'ana')).toEqual([]);

    journal.click(anaSummer, 2000, 'tok-summer');
    journal.page('ANA-PHONE', 2000.1, '/summer', { clickToken: 'tok-summer' });
    await ingestNew(db, journal);
    expect(await linkedBrowsers(db, 'ana')).toEqual(['ANA-PHONE']);
    expect(await timelineOf(db, 'ana')).toContain('page /sale');
    expect((await tentativeOf(db, 'ana')).map((t) => t.visitorId)).toEqual(['OTHER', 'THIRD', 'FOURTH']);
  });

  it('the first of three phones on a text nobody previewed in a chat waits; the first of two stays linked', async () => {
    const { db, anaSpring, journal } = await ana();
    journal.click(anaSpring, 0, 'tok-1');
    journal.page('FIRST', 0.1, '/sale', { clickToken: 'tok-1' });
    journal.click(anaSpring, 40, 'tok-2');
    journal.page('P2', 40.1, '/sale', { clickToken: 'tok-2' });
    await ingestNew(db, journal);
    expect(await linkedBrowsers(db, 'ana')).toEqual(['FIRST']);

    journal.click(anaSpring, 80, 'tok-3');
    journal.page('P3', 80.1, '/sale', { clickToken: 'tok-3' });
    await ingestNew(db, journal);
    expect(await linkedBrowsers(db, 'ana')).toEqual([]);
    const [first] = await tentativeOf(db, 'ana');
    expect(first?.visitorId).toBe('FIRST');
    expect(first?.evidence.map((e) => e.text)).toEqual(
      expect.arrayContaining(['the first browser to open it', '2 other browsers opened it too']),
    );
  });

  it("a browser that submits a form with an email that is not Ana's is taken off her, even after opening her links from three campaigns", async () => {
    const { db, anaSpring, anaSummer, journal } = await ana();
    const [anaAutumn] = await addCampaign(db, { id: 'c3', name: 'Autumn Sale', channel: 'sms' }, ['ana']);
    if (!anaAutumn) throw new Error('campaign not created');
    for (const [i, message] of [anaSpring, anaSummer, anaAutumn].entries()) {
      journal.click(message, i * 2000, `tok-${i}`);
      journal.page('HOUSEMATE', i * 2000 + 0.1, `/sale-${i}`, { clickToken: `tok-${i}` });
    }
    await ingestNew(db, journal);
    expect(await linkedBrowsers(db, 'ana')).toEqual(['HOUSEMATE']);

    journal.form('HOUSEMATE', 4100, { email: 'sam@elsewhere.example' });
    await ingestNew(db, journal);
    expect(await linkedBrowsers(db, 'ana')).toEqual([]);
    const tentative = await tentativeOf(db, 'ana');
    expect(tentative.map((t) => t.visitorId)).toEqual(['HOUSEMATE', 'HOUSEMATE', 'HOUSEMATE']);
    expect(tentative[0]?.evidence.map((e) => e.text)).toContain(
      "it submitted a form with details that are not Ana's",
    );
  });

  const laptopAfterPhone = (preview?: number) => {
    const message: MessageFacts = {
      channel: 'sms',
      recipient: 'Ana',
      sentAt: 0,
      taps: [
        { visitorId: 'ANA-PHONE', at: 60_000, device: 'mobile' },
        { visitorId: 'ANA-LAPTOP', at: 600_000, device: 'desktop' },
      ],
    };
    if (preview !== undefined) message.foreignPreview = { at: preview, agent: UA.whatsappPreview };
    return message;
  };
  const withPhone = (second: string, facts: BrowserFacts) =>
    new Map<string, BrowserFacts>([
      ['ANA-PHONE', { linked: true }],
      [second, facts],
    ]);

  it("a laptop on the network of Ana's phone, opening her text after the phone did and before anyone shared it in a chat, is hers", () => {
    const message = laptopAfterPhone();
    const laptop = message.taps[1] as TapFact;
    const elsewhere = assessTap(message, laptop, withPhone('ANA-LAPTOP', {}));
    const beside = assessTap(message, laptop, withPhone('ANA-LAPTOP', { sameNetwork: true }));
    expect(elsewhere.trusted).toBe(false);
    expect(beside.trusted).toBe(true);
    expect(beside.evidence.map((e) => e.text)).toContain(
      "a computer on the network of Ana's phone, opening it after that phone did and before it was shared in a chat",
    );
  });

  it("once Ana's link was shared in a chat, a computer on her network is not hers by the network alone", () => {
    const message = laptopAfterPhone(300_000);
    const laptop = message.taps[1] as TapFact;
    const afterShare = assessTap(message, laptop, withPhone('ANA-LAPTOP', { sameNetwork: true }));
    expect(afterShare.trusted).toBe(false);
    const kinds = afterShare.evidence.map((e) => e.kind);
    expect(kinds).not.toContain('besideRecipient');
    expect(kinds).not.toContain('sameNetwork');
    expect(kinds).toContain('afterForeignPreview');
  });

  it("Ana's laptop that opened her text before her phone was ever seen at home is hers once the phone is", async () => {
    const { db, anaSpring, journal } = await ana();
    const home = '198.51.100.0';
    journal.click(anaSpring, 0, 'tok-phone');
    journal.page('ANA-PHONE', 0.1, '/sale', { clickToken: 'tok-phone', ip: '100.64.1.0' });
    journal.click(anaSpring, 30, 'tok-laptop', UA.desktopFirefox);
    journal.page('ANA-LAPTOP', 30.1, '/laptop', {
      clickToken: 'tok-laptop',
      ua: UA.desktopFirefox,
      ip: home,
    });
    await ingestNew(db, journal);
    // Nothing yet says the laptop is beside her phone: it waits.
    expect(await linkedBrowsers(db, 'ana')).toEqual(['ANA-PHONE']);
    expect((await tentativeOf(db, 'ana')).map((t) => t.visitorId)).toEqual(['ANA-LAPTOP']);

    // That evening her phone browses from home: the laptop's tap is weighed again, and linked.
    journal.page('ANA-PHONE', 300, '/home', { ip: home });
    await ingestNew(db, journal);
    expect(await linkedBrowsers(db, 'ana')).toEqual(['ANA-LAPTOP', 'ANA-PHONE']);
    expect(await timelineOf(db, 'ana')).toContain('page /laptop');
    const [laptop] = (await contactIdentities(db, 'ana')).filter((i) => i.link.value === 'ANA-LAPTOP');
    expect(laptop?.link.evidence?.map((e) => e.kind)).toContain('besideRecipient');
  });

  it("Ana's phone remembers home however many carrier addresses it was given since", async () => {
    const { db, anaSpring, journal } = await ana();
    const home = '198.51.100.0';
    journal.click(anaSpring, 0, 'tok-phone');
    journal.page('ANA-PHONE', 0.1, '/sale', { clickToken: 'tok-phone', ip: home });
    journal.page('ANA-PHONE', 1, '/out', { ip: '100.64.0.0' });
    journal.page('ANA-PHONE', 2, '/back-home', { ip: home });
    // On the move: a new carrier address every few minutes, more than a browser's networks keep.
    for (let i = 1; i <= 12; i++) journal.page('ANA-PHONE', 2 + i, `/bus-${i}`, { ip: `100.64.${i}.0` });
    journal.click(anaSpring, 30, 'tok-laptop', UA.desktopFirefox);
    journal.page('ANA-LAPTOP', 30.1, '/laptop', {
      clickToken: 'tok-laptop',
      ua: UA.desktopFirefox,
      ip: home,
    });
    await ingestNew(db, journal);
    expect((await db.visitors.get('ANA-PHONE'))?.networks?.map((n) => n.ip)).toContain(home);
    expect(await linkedBrowsers(db, 'ana')).toEqual(['ANA-LAPTOP', 'ANA-PHONE']);
  });

  it("a second phone on Ana's network after her phone opened the text is not taken for hers", () => {
    const message: MessageFacts = {
      channel: 'sms',
      recipient: 'Ana',
      sentAt: 0,
      taps: [
        { visitorId: 'ANA-PHONE', at: 60_000, device: 'mobile' },
        { visitorId: 'HOUSEMATE', at: 600_000, device: 'mobile' },
      ],
    };
    const housemate = assessTap(
      message,
      message.taps[1] as TapFact,
      new Map<string, BrowserFacts>([
        ['ANA-PHONE', { knownFor: 'the campaign Winter' }],
        ['HOUSEMATE', { sameNetwork: true }],
      ]),
    );
    expect(housemate.evidence.map((e) => e.kind)).not.toContain('besideRecipient');
    expect(housemate.evidence.map((e) => e.text)).toContain("Ana's own browser opened it too");
    expect(housemate.trusted).toBe(false);
  });

  it("a phone that opened Ana's text before her own known phone did is someone she forwarded it to", () => {
    const message: MessageFacts = {
      channel: 'sms',
      recipient: 'Ana',
      sentAt: 0,
      taps: [
        { visitorId: 'FRIEND', at: 120_000, device: 'mobile' },
        { visitorId: 'ANA-PHONE', at: 900_000, device: 'mobile' },
      ],
    };
    const browsers = (anaPhone: BrowserFacts) =>
      new Map<string, BrowserFacts>([
        ['FRIEND', {}],
        ['ANA-PHONE', anaPhone],
      ]);
    const friend = message.taps[0] as TapFact;
    expect(assessTap(message, friend, browsers({})).trusted).toBe(true);
    const known = assessTap(message, friend, browsers({ knownFor: 'the campaign Winter' }));
    expect(known.trusted).toBe(false);
    expect(known.evidence.map((e) => e.text)).toContain("Ana's own browser opened it too");
  });

  it("a phone alone on Ana's text while her own established phone is in use before and after is not hers; a replaced phone is", () => {
    const message = (phone: { firstSeen: number; lastSeen: number }): MessageFacts => ({
      channel: 'sms',
      recipient: 'Ana',
      sentAt: 0,
      taps: [{ visitorId: 'LONE', at: 600_000, device: 'mobile' }],
      recipientBrowsers: [{ visitorId: 'ANA-PHONE', device: 'mobile', ...phone }],
    });
    const lone = { visitorId: 'LONE', at: 600_000, device: 'mobile' as const };
    const inUse = assessTap(message({ firstSeen: 0, lastSeen: 9_000_000 }), lone, new Map());
    expect(inUse.trusted).toBe(false);
    expect(inUse.evidence.map((e) => e.text)).toContain(
      'Ana used another phone of their own before and after',
    );
    // Cookies cleared or a new phone: the old one is never seen after the new one's tap.
    const replaced = assessTap(message({ firstSeen: 0, lastSeen: 500_000 }), lone, new Map());
    expect(replaced.trusted).toBe(true);
    // A laptop of hers in use says nothing about a phone.
    const laptop = assessTap(
      {
        ...message({ firstSeen: 0, lastSeen: 9_000_000 }),
        recipientBrowsers: [{ visitorId: 'L', device: 'desktop', firstSeen: 0, lastSeen: 9_000_000 }],
      },
      lone,
      new Map(),
    );
    expect(laptop.trusted).toBe(true);
  });

  it("a friend's phone glued by one forwarded tap is taken off Ana when her own phone, seen on two campaigns, taps again later", async () => {
    const db = freshDb();
    await addContact(db, { id: 'ana', firstName: 'Ana', phone: '+14155552671' });
    const [spring] = await addCampaign(db, { id: 'c1', name: 'Spring Sale', channel: 'sms' }, ['ana']);
    const [summer] = await addCampaign(db, { id: 'c2', name: 'Summer Sale', channel: 'sms' }, ['ana']);
    const [autumn] = await addCampaign(db, { id: 'c3', name: 'Autumn Sale', channel: 'sms' }, ['ana']);
    if (!spring || !summer || !autumn) throw new Error('campaigns not created');
    const journal = new FakeJournal();
    journal.click(spring, 0, 'tok-spring');
    journal.page('ANA-PHONE', 0.1, '/spring', { clickToken: 'tok-spring' });
    // Ana forwards Summer without tapping it; her friend's phone is the only one to open it.
    journal.click(summer, 100, 'tok-friend');
    journal.page('FRIEND', 100.1, '/summer', { clickToken: 'tok-friend' });
    journal.page('FRIEND', 101, '/friend-browsing');
    await ingestNew(db, journal);
    expect(await linkedBrowsers(db, 'ana')).toEqual(['ANA-PHONE', 'FRIEND']);

    journal.click(autumn, 200, 'tok-autumn');
    journal.page('ANA-PHONE', 200.1, '/autumn', { clickToken: 'tok-autumn' });
    await ingestNew(db, journal);
    expect(await linkedBrowsers(db, 'ana')).toEqual(['ANA-PHONE']);
    expect(await timelineOf(db, 'ana')).not.toContain('page /friend-browsing');
    const [friend] = await tentativeOf(db, 'ana');
    expect(friend?.visitorId).toBe('FRIEND');
    expect(friend?.evidence.map((e) => e.text)).toContain(
      'Ana used another phone of their own before and after',
    );
  });

  it("the first of two phones on Ana's forwarded text waits when she opened another text alone on a phone never on its network; her new phone at home does not", async () => {
    const home = '198.51.100.0';
    const scenario = async (firstPhone: string, firstIp: string) => {
      const { db, anaSpring, anaSummer, journal } = await ana();
      journal.click(anaSpring, 0, 'tok-spring');
      journal.page('ANA-PHONE', 0.1, '/spring', { clickToken: 'tok-spring', ip: home });
      // Summer is forwarded: two phones open it, nobody previewed it in a chat.
      journal.click(anaSummer, 100, 'tok-first');
      journal.page(firstPhone, 100.1, '/summer', { clickToken: 'tok-first', ip: firstIp });
      journal.page(firstPhone, 101, `/${firstPhone.toLowerCase()}-browsing`, { ip: firstIp });
      journal.click(anaSummer, 102, 'tok-second');
      journal.page('STRANGER', 102.1, '/summer', { clickToken: 'tok-second', ip: '192.0.2.0' });
      await ingestNew(db, journal);
      return db;
    };
    const friends = await scenario('FRIEND', '203.0.113.0');
    expect(await linkedBrowsers(friends, 'ana')).toEqual(['ANA-PHONE']);
    expect(await timelineOf(friends, 'ana')).not.toContain('page /friend-browsing');
    const friend = (await tentativeOf(friends, 'ana')).find((t) => t.visitorId === 'FRIEND');
    expect(friend?.evidence.map((e) => e.text)).toContain(
      "Ana opened another of their messages alone on a different phone, never on this one's network",
    );
    // Ana's own new phone (cookies cleared) on her home network is not taken for someone else's.
    const hers = await scenario('ANA-NEW-PHONE', home);
    expect(await linkedBrowsers(hers, 'ana')).toEqual(['ANA-NEW-PHONE', 'ANA-PHONE']);
    expect(await timelineOf(hers, 'ana')).toContain('page /ana-new-phone-browsing');
    // A phone whose network was never seen (no address came with its visits) is not said to be
    // off Ana's network.
    const unseen = await scenario('NO-ADDRESS', '');
    const [link] = (await contactIdentities(unseen, 'ana')).filter((i) => i.link.value === 'NO-ADDRESS');
    expect(link?.link.evidence?.map((e) => e.kind)).not.toContain('recipientOtherPhone');
  });

  describe('a chat preview made on the sharer’s phone', () => {
    const home = '198.51.100.0';
    // Ana pastes her text into WhatsApp at home before opening it; WhatsApp fetches the preview
    // on her phone. Two friends open it from the chat, then Ana does, on her phone at home.
    const sharedFromHome = async (previewAgent: string) => {
      const { db, anaSpring, journal } = await ana();
      journal.preview(anaSpring, 10, previewAgent, home);
      journal.click(anaSpring, 20, 'tok-f1', UA.iphoneSafari);
      journal.page('FRIEND-IPHONE', 20.1, '/sale', {
        clickToken: 'tok-f1',
        ua: UA.iphoneSafari,
        ip: '192.0.2.0',
      });
      journal.click(anaSpring, 30, 'tok-f2');
      journal.page('FRIEND-ANDROID', 30.1, '/sale', { clickToken: 'tok-f2', ip: '203.0.113.0' });
      journal.click(anaSpring, 60, 'tok-ana');
      journal.page('ANA-PHONE', 60.1, '/sale', { clickToken: 'tok-ana', ip: home });
      journal.page('ANA-PHONE', 61, '/ana-browsing', { ip: home });
      await ingestNew(db, journal);
      return db;
    };

    it("Ana's Android phone on the network WhatsApp previewed her link from is hers, after friends opened it from the chat", async () => {
      const db = await sharedFromHome('WhatsApp/2.24.6.77 A');
      expect(await linkedBrowsers(db, 'ana')).toEqual(['ANA-PHONE']);
      expect(await timelineOf(db, 'ana')).toContain('page /ana-browsing');
      const [link] = await contactIdentities(db, 'ana');
      expect(link?.link.evidence?.map((e) => e.text)).toContain(
        "the link was shared in a chat from an Android phone on this browser's network",
      );
      const waiting = await tentativeOf(db, 'ana');
      expect(waiting.map((t) => t.visitorId)).toEqual(['FRIEND-IPHONE', 'FRIEND-ANDROID']);
      expect(waiting[0]?.evidence.map((e) => e.text)).toContain(
        'the link was shared in a chat from an Android phone, and this is an iPhone',
      );
    });

    it('a preview that names no platform (Signal sends a bare WhatsApp/2) says nothing of the sharer: Ana waits with her friends', async () => {
      const db = await sharedFromHome('WhatsApp/2');
      expect(await linkedBrowsers(db, 'ana')).toEqual([]);
      const kinds = (await tentativeOf(db, 'ana')).flatMap((t) => t.evidence.map((e) => e.kind));
      expect(kinds).not.toContain('sharerPhone');
      expect(kinds).not.toContain('notSharerPhone');
    });

    it("a housemate's phone on the network the link was shared from is not taken for Ana's when her own phone there is known", async () => {
      const { db, anaSpring, anaSummer, journal } = await ana();
      journal.click(anaSpring, 0, 'tok-spring');
      journal.page('ANA-PHONE', 0.1, '/spring', { clickToken: 'tok-spring', ip: home });
      journal.preview(anaSummer, 100, 'WhatsApp/2.24.6.77 A', home);
      journal.click(anaSummer, 110, 'tok-housemate');
      journal.page('HOUSEMATE', 110.1, '/summer', { clickToken: 'tok-housemate', ip: home });
      journal.page('HOUSEMATE', 111, '/housemate-browsing', { ip: home });
      await ingestNew(db, journal);
      expect(await linkedBrowsers(db, 'ana')).toEqual(['ANA-PHONE']);
      expect(await timelineOf(db, 'ana')).not.toContain('page /housemate-browsing');
      const [housemate] = await tentativeOf(db, 'ana');
      expect(housemate?.visitorId).toBe('HOUSEMATE');
      expect(housemate?.evidence.map((e) => e.kind)).not.toContain('sharerPhone');
    });

    it.each([
      ['WhatsApp/2.24.6.77 A', 'android'],
      ['WhatsApp/2.16.20/i', 'ios'],
      ['WhatsApp/2.23.18.78 i', 'ios'],
      ['WhatsApp/2', undefined],
      // WhatsApp's in-app browser is a person, and its agent names no sharer.
      [`${UA.androidChrome} WhatsApp/2.24.6.77`, undefined],
      ['TelegramBot (like TwitterBot)', undefined],
    ])('the preview agent %s names the sharer as %s', (agent, platform) => {
      expect(previewPlatform(agent)).toBe(platform);
    });
  });
});

describe('a browser inside another app', () => {
  const INSTAGRAM =
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/21E236 Instagram 327.1.6.30.88 (iPhone15,2; iOS 17_4; en_US; en; scale=3.00; 1179x2556; 590193390)';
  const WHATSAPP_IN_APP =
    'Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/UQ1A; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/124.0.0.0 Mobile Safari/537.36 WhatsApp/2.24.6.77';

  it("a friend who opened Ana's SMS link in Instagram's own browser waits; Ana's phone after it is hers, the first phone", async () => {
    const { db, anaSpring, journal } = await ana();
    journal.click(anaSpring, 0, 'tok-ig', INSTAGRAM);
    journal.page('IG', 0.1, '/from-instagram', { clickToken: 'tok-ig', ua: INSTAGRAM });
    journal.click(anaSpring, 30, 'tok-ana');
    journal.page('ANA-PHONE', 30.1, '/ana', { clickToken: 'tok-ana' });
    await ingestNew(db, journal);
    expect(await linkedBrowsers(db, 'ana')).toEqual(['ANA-PHONE']);
    expect(await timelineOf(db, 'ana')).not.toContain('page /from-instagram');
    const [link] = await contactIdentities(db, 'ana');
    expect(link?.link.evidence?.map((e) => e.text)).toContain('the first phone to open it');
    const [friend] = await tentativeOf(db, 'ana');
    expect(friend?.visitorId).toBe('IG');
    expect(friend?.evidence.map((e) => e.text)).toContain(
      "opened in Instagram's own browser: it came through Instagram, not Ana's SMS",
    );
  });

  it("WhatsApp's own browser on Ana's WhatsApp message is where she reads it: no doubt from it", async () => {
    const db = freshDb();
    await addContact(db, { id: 'ana', firstName: 'Ana', phone: '+14155552671', whatsapp: '+14155552671' });
    const [message] = await addCampaign(db, { id: 'w1', name: 'WhatsApp Spring', channel: 'whatsapp' }, [
      'ana',
    ]);
    if (!message) throw new Error('no message');
    const journal = new FakeJournal();
    journal.click(message, 0, 'tok-wa', WHATSAPP_IN_APP);
    journal.page('ANA-WA', 0.1, '/sale', { clickToken: 'tok-wa', ua: WHATSAPP_IN_APP });
    await ingestNew(db, journal);
    const [link] = await contactIdentities(db, 'ana');
    expect(link?.link.value).toBe('ANA-WA');
    expect(link?.link.evidence?.map((e) => e.kind)).not.toContain('inOtherApp');
  });

  it.each([
    [INSTAGRAM, 'Instagram'],
    [WHATSAPP_IN_APP, 'WhatsApp'],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/21E236 [FBAN/MessengerForiOS;FBAV/450.0.0.35.108;FBBV/575060393;FBDV/iPhone15,2;FBMD/iPhone;FBSN/iOS;FBSV/17.4]',
      'Facebook',
    ],
    [
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36 Telegram-Android/10.12.0 (Google Pixel 8; Android 14; SDK 34; HIGH)',
      'Telegram',
    ],
    // WhatsApp's preview fetcher is no browser, and a browser of its own names no app.
    ['WhatsApp/2.24.6.77 A', undefined],
    [UA.androidChrome, undefined],
    [UA.iphoneSafari, undefined],
  ])('%s is the browser of %s', (agent, app) => {
    expect(inAppBrowserOf(agent)).toBe(app);
  });
});

describe('tentative links are the marketer’s to decide', () => {
  async function withTentative() {
    const setup = await ana();
    const { db, anaSpring, journal } = setup;
    journal.click(anaSpring, 0, 'tok-1');
    journal.page('ANA-PHONE', 0.1, '/sale', { clickToken: 'tok-1' });
    journal.click(anaSpring, 30, 'tok-2', UA.desktopFirefox);
    journal.page('ANA-LAPTOP', 30.1, '/laptop', { clickToken: 'tok-2', ua: UA.desktopFirefox });
    await ingestNew(db, journal);
    const [tentative] = await tentativeOf(db, 'ana');
    if (!tentative) throw new Error('no tentative link');
    return { ...setup, tentative };
  }

  it('confirming puts its visits on the timeline; undo takes them off again', async () => {
    const { db, tentative } = await withTentative();
    expect(await timelineOf(db, 'ana')).not.toContain('page /laptop');
    const { auditId } = await confirmTentativeLink(db, tentative.id, {
      at: 5_000_000_000_000,
      settings: settingsWith(),
    });
    await expectSpansInLine(db);
    expect(await linkedBrowsers(db, 'ana')).toEqual(['ANA-LAPTOP', 'ANA-PHONE']);
    expect(await timelineOf(db, 'ana')).toContain('page /laptop');
    expect((await db.tentativeLinks.get(tentative.id))?.status).toBe('confirmed');

    await undo(db, auditId, { settings: settingsWith() });
    await expectSpansInLine(db);
    expect(await linkedBrowsers(db, 'ana')).toEqual(['ANA-PHONE']);
    expect((await db.tentativeLinks.get(tentative.id))?.status).toBe('tentative');
  });

  const settings = settingsWith();
  const liveBrowsers = async (db: Awaited<ReturnType<typeof ana>>['db']) =>
    (await contactIdentities(db, 'ana', { includeRevoked: false })).map((i) => i.link.value).sort();

  it("confirming Ana's phone on one text makes it hers on her other text too, where friends opened it beside her; undo puts that back", async () => {
    const { db, anaSpring, anaSummer, journal } = await ana();
    // Spring: a friend's phone opened it first, Ana's second; Summer: Ana's phone third of three.
    journal.click(anaSpring, 0, 'tok-friend');
    journal.page('FRIEND', 0.1, '/friend', { clickToken: 'tok-friend' });
    journal.click(anaSpring, 30, 'tok-ana');
    journal.page('ANA-PHONE', 30.1, '/spring', { clickToken: 'tok-ana' });
    journal.click(anaSummer, 100, 'tok-s2');
    journal.page('SUMMER-2', 100.1, '/summer-2', { clickToken: 'tok-s2' });
    journal.click(anaSummer, 110, 'tok-s3');
    journal.page('SUMMER-3', 110.1, '/summer-3', { clickToken: 'tok-s3' });
    journal.click(anaSummer, 120, 'tok-summer');
    journal.page('ANA-PHONE', 120.1, '/summer', { clickToken: 'tok-summer' });
    await ingestNew(db, journal);
    expect(await liveBrowsers(db)).toEqual(['FRIEND']);
    const spring = (await tentativeOf(db, 'ana')).find(
      (t) => t.visitorId === 'ANA-PHONE' && t.messageId === anaSpring.id,
    );
    const summer = (await tentativeOf(db, 'ana')).find(
      (t) => t.visitorId === 'ANA-PHONE' && t.messageId === anaSummer.id,
    );
    expect(summer?.status).toBe('tentative');

    const { auditId } = await confirmTentativeLink(db, spring?.id ?? '', { settings });
    expect(await liveBrowsers(db)).toEqual(['ANA-PHONE', 'FRIEND']);
    // Her Summer tap is weighed again knowing the phone is hers: it no longer waits (the phone's
    // confirmed link already covers its visits).
    expect(await db.tentativeLinks.get(summer?.id ?? '')).toBeUndefined();
    const others = (await tentativeOf(db, 'ana')).filter((t) => t.messageId === anaSummer.id);
    expect(others.map((t) => t.visitorId)).toEqual(['SUMMER-2', 'SUMMER-3']);
    expect(others[0]?.evidence.map((e) => e.text)).toContain("Ana's own browser opened it too");
    expect(await timelineOf(db, 'ana')).not.toContain('page /summer-2');

    await undo(db, auditId, { settings });
    expect(await liveBrowsers(db)).toEqual(['FRIEND']);
    expect((await db.tentativeLinks.get(summer?.id ?? ''))?.status).toBe('tentative');
    expect((await db.tentativeLinks.get(spring?.id ?? ''))?.status).toBe('tentative');
  });

  it("rejecting a friend who opened Ana's text after her takes a rival off her own first tap; undo puts it back", async () => {
    const { db, anaSpring, journal } = await ana();
    journal.click(anaSpring, 0, 'tok-ana');
    journal.page('ANA-PHONE', 0.1, '/ana', { clickToken: 'tok-ana' });
    journal.click(anaSpring, 10, 'tok-1');
    journal.page('FRIEND-1', 10.1, '/sale', { clickToken: 'tok-1' });
    journal.click(anaSpring, 30, 'tok-2');
    journal.page('FRIEND-2', 30.1, '/sale', { clickToken: 'tok-2' });
    await ingestNew(db, journal);
    // Three phones on one text: even the first waits.
    expect(await liveBrowsers(db)).toEqual([]);
    const waiting = await tentativeOf(db, 'ana');
    const id = (visitor: string) => waiting.find((t) => t.visitorId === visitor)?.id ?? '';

    const { auditId } = await rejectTentativeLink(db, id('FRIEND-1'), { settings });
    expect(await liveBrowsers(db)).toEqual(['ANA-PHONE']);
    expect(await timelineOf(db, 'ana')).toContain('page /ana');
    const [link] = await contactIdentities(db, 'ana');
    expect(link?.link.evidence?.map((e) => e.text)).toContain('1 other browser opened it too');
    // The other friend is still a stranger on a forwarded text, and waits.
    expect((await db.tentativeLinks.get(id('FRIEND-2')))?.status).toBe('tentative');

    await undo(db, auditId, { settings });
    expect(await liveBrowsers(db)).toEqual([]);
    expect((await db.tentativeLinks.get(id('ANA-PHONE')))?.status).toBe('tentative');
  });

  it('a rejected browser does not make the one after it the first: a friend after a known forward still waits', async () => {
    const { db, anaSpring, journal } = await ana();
    journal.click(anaSpring, 0, 'tok-1');
    journal.page('FRIEND-1', 0.1, '/sale', { clickToken: 'tok-1' });
    journal.click(anaSpring, 10, 'tok-2');
    journal.page('FRIEND-2', 10.1, '/friend-2', { clickToken: 'tok-2' });
    journal.click(anaSpring, 20, 'tok-3');
    journal.page('FRIEND-3', 20.1, '/sale', { clickToken: 'tok-3' });
    await ingestNew(db, journal);
    const first = (await tentativeOf(db, 'ana')).find((t) => t.visitorId === 'FRIEND-1');
    await rejectTentativeLink(db, first?.id ?? '', { settings });
    expect(await liveBrowsers(db)).toEqual([]);
    expect(await timelineOf(db, 'ana')).not.toContain('page /friend-2');
  });

  it("removing a stranger's link by hand weighs Ana's own tap again without that rival", async () => {
    const { db, anaSpring, journal } = await ana();
    journal.click(anaSpring, 0, 'tok-friend');
    journal.page('FRIEND', 0.1, '/friend', { clickToken: 'tok-friend' });
    journal.click(anaSpring, 30, 'tok-ana');
    journal.page('ANA-PHONE', 30.1, '/ana', { clickToken: 'tok-ana' });
    await ingestNew(db, journal);
    const [before] = await tentativeOf(db, 'ana');
    expect(before?.evidence.map((e) => e.text)).toContain('1 other browser opened it too');
    const friend = (await contactIdentities(db, 'ana')).find((i) => i.link.value === 'FRIEND');
    await unstitchLink(db, friend?.link.id ?? '', { settings });
    expect(await timelineOf(db, 'ana')).not.toContain('page /friend');
    // Still the second browser to open it after a known forward: it waits, with one doubt fewer.
    const [after] = await tentativeOf(db, 'ana');
    expect(after?.visitorId).toBe('ANA-PHONE');
    expect(after?.evidence.map((e) => e.text)).not.toContain('1 other browser opened it too');
    expect(after?.confidence).toBeGreaterThan(before?.confidence ?? 1);
  });

  it('a confirmed link is never demoted, and a rejected one never promoted, by later evidence', async () => {
    const { db, tentative, anaSpring, journal } = await withTentative();
    await confirmTentativeLink(db, tentative.id, { settings: settingsWith() });
    journal.click(anaSpring, 50, 'tok-3');
    journal.page('MORE', 50.1, '/sale', { clickToken: 'tok-3' });
    journal.click(anaSpring, 51, 'tok-4');
    journal.page('MORE2', 51.1, '/sale', { clickToken: 'tok-4' });
    await ingestNew(db, journal);
    expect(await linkedBrowsers(db, 'ana')).toContain('ANA-LAPTOP');

    const other = await ana();
    other.journal.click(other.anaSpring, 0, 'tok-1');
    other.journal.page('ANA-PHONE', 0.1, '/sale', { clickToken: 'tok-1' });
    other.journal.click(other.anaSpring, 30, 'tok-2', UA.desktopFirefox);
    other.journal.page('ANA-LAPTOP', 30.1, '/laptop', { clickToken: 'tok-2', ua: UA.desktopFirefox });
    await ingestNew(other.db, other.journal);
    const [laptop] = await tentativeOf(other.db, 'ana');
    await rejectTentativeLink(other.db, laptop?.id ?? '', { settings: settingsWith() });
    other.journal.form('ANA-LAPTOP', 600, { email: 'ana@example.org' }, UA.desktopFirefox);
    await ingestNew(other.db, other.journal);
    // The form itself links the laptop (rule 2); the rejected click link stays rejected.
    expect((await other.db.tentativeLinks.get(laptop?.id ?? ''))?.status).toBe('rejected');
  });
});
