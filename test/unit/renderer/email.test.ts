// Email campaigns in the store: rendering (merge fields and fallbacks, escaping, the unsubscribe
// footer), Prepare with the real registry's links and unsubscribe tokens, who is left out and why,
// hard bounces flagging the address, one-click unsubscribe through the real collector and the ingest,
// and an email link tap stitching like SMS/WhatsApp.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { buildAudience } from '../../../src-renderer/campaigns/audience';
import { escapeHtml, storedEmailHtml } from '../../../src-renderer/campaigns/email';
import {
  prepareCampaign,
  preparedMessages,
  recordSendOutcomes,
} from '../../../src-renderer/campaigns/prepare';
import { renderMessage } from '../../../src-renderer/campaigns/render';
import { sendFileCsv } from '../../../src-renderer/campaigns/send-file';
import type { StitchDb } from '../../../src-renderer/db';
import type { CampaignRow } from '../../../src-renderer/db/types';
import { ingestBatch } from '../../../src-renderer/ingest/batch';
import { contactIdentities } from '../../../src-renderer/queries/contacts';
import { channelComparison } from '../../../src-renderer/queries/reports';
import { explainLink } from '../../../src-renderer/stitching/explain';
import {
  addCampaign,
  addContact,
  FakeJournal,
  freshDb,
  ingestNew,
  settingsWith,
  startMain,
  timelineOf,
  UA,
} from './support';

const LINK_BASE = 'https://go.test';

function emailCampaign(fields: Partial<CampaignRow> = {}): CampaignRow {
  return {
    id: 'news',
    name: 'Spring News',
    channel: 'email',
    createdAt: 1,
    audience: { kind: 'all' },
    email: {
      subject: 'Hello {{first_name|friend}}',
      preheader: 'Offers for {{custom.city|you}}',
      html: '<p>Hi {{first_name|there}}, see <a href="https://shop.test/spring">the sale</a></p>',
      text: 'Hi {{first_name|there}}, see https://shop.test/spring',
    },
    links: [{ linkId: 'l1', url: 'https://shop.test/spring', tracked: true }],
    ...fields,
  };
}

describe('rendering an email', () => {
  it('fills merge fields with fallbacks, escapes values in HTML, and ends with the unsubscribe link', async () => {
    const db = freshDb();
    const ana = await addContact(db, {
      id: 'ana',
      firstName: '<b>Ana</b> & "Co"',
      email: 'ana@example.com',
      custom: { city: 'Porto' },
    });
    const nobody = await addContact(db, { id: 'x', firstName: '', email: 'x@example.com' });
    const short = new Map([['l1', { linkId: 'l1', url: 'https://go.test/r/CODE', code: 'CODE' }]]);
    const unsubscribe = 'https://go.test/u/TOKEN';

    const filled = renderMessage(emailCampaign(), ana, short, LINK_BASE, unsubscribe).email;
    expect(filled?.subject).toBe('Hello <b>Ana</b> & "Co"');
    expect(filled?.html).toContain('Hi &lt;b&gt;Ana&lt;/b&gt; &amp; &quot;Co&quot;, see');
    expect(filled?.html).not.toContain('<b>Ana</b>');
    expect(filled?.html).toContain('<a href="https://go.test/r/CODE">the sale</a>');
    expect(filled?.html).toMatch(/display:none[^>]*>Offers for Porto<\/div>/);
    expect(filled?.html).toContain(`<a href="${unsubscribe}">Unsubscribe</a>`);
    expect(filled?.text).toBe(
      'Hi <b>Ana</b> & "Co", see https://go.test/r/CODE\n\n--\nUnsubscribe: https://go.test/u/TOKEN\n',
    );

    const fallback = renderMessage(emailCampaign(), nobody, short, LINK_BASE, unsubscribe).email;
    expect(fallback?.subject).toBe('Hello friend');
    expect(fallback?.html).toContain('Hi there, see');
    expect(fallback?.html).toContain('>Offers for you</div>');
  });

  it('keeps a full HTML document, placing the preheader first and the footer last in its body', async () => {
    const db = freshDb();
    const ana = await addContact(db, { id: 'ana', firstName: 'Ana', email: 'ana@example.com' });
    const campaign = emailCampaign({
      email: {
        subject: 'S',
        preheader: 'Pre',
        html: '<html><body class="x"><p>Body</p></body></html>',
        text: '',
      },
    });
    const html = renderMessage(campaign, ana, new Map(), LINK_BASE, 'https://go.test/u/T').email?.html ?? '';
    expect(html.startsWith('<html><body class="x"><div style="display:none')).toBe(true);
    expect(html).toMatch(/<p>Body<\/p><p style="[^"]*">.*Unsubscribe<\/a><\/p><\/body><\/html>$/);
  });

  it('escapes the five characters HTML gives meaning to, and nothing else', () => {
    expect(escapeHtml(`<a href='x'>"Tom" & Jerry</a> é`)).toBe(
      '&lt;a href=&#39;x&#39;&gt;&quot;Tom&quot; &amp; Jerry&lt;/a&gt; é',
    );
  });
});

interface MinterRegistry {
  register(input: unknown): unknown;
  mint(
    request: { campaignId: string; linkId: string; recipients: number[] },
    base: string,
  ): { recipient: number; code: string; url: string }[];
  mintUnsubscribe(
    request: { campaignId: string; recipients: number[] },
    base: string,
  ): { recipient: number; code: string; url: string; openUrl: string }[];
  resolveUnsubscribe(token: string): { campaignId: string; recipient: number } | null;
}
const REGISTRY_MODULE = '../../../src-main/links/registry';

async function withContacts(db: StitchDb) {
  await addContact(db, {
    id: 'ana',
    firstName: 'Ana',
    email: 'ana@example.com',
    consent: { sms: false, whatsapp: false, email: true },
  });
  await addContact(db, {
    id: 'ben',
    firstName: 'Ben',
    email: 'not-an-address',
    consent: { sms: false, whatsapp: false, email: true },
  });
  await addContact(db, {
    id: 'cy',
    firstName: 'Cy',
    email: 'cy@example.com',
    consent: { sms: true, whatsapp: false, email: false },
  });
  await addContact(db, {
    id: 'dee',
    firstName: 'Dee',
    email: 'dee@example.com',
    consent: { sms: false, whatsapp: false, email: true },
    emailBounce: { at: 1, reason: 'Hard bounce, SMTP 550', address: 'dee@example.com' },
  });
}

describe('preparing and sending an email campaign', () => {
  it('reaches consenting contacts with a valid, unbounced address and mints links and unsubscribe tokens', async () => {
    const db = freshDb();
    await withContacts(db);
    const audience = await buildAudience(db, { kind: 'all' }, 'email');
    expect(audience.recipients.map((r) => r.to)).toEqual(['ana@example.com']);
    expect(audience.excluded).toMatchObject({ noEmail: 1, noConsent: 1, bounced: 1 });

    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { randomBytes } = await import('node:crypto');
    const { LinkRegistry } = (await import(REGISTRY_MODULE)) as {
      LinkRegistry: new (dir: string, secret: Buffer) => MinterRegistry;
    };
    const registry = new LinkRegistry(mkdtempSync(join(tmpdir(), 'email-links-')), randomBytes(32));
    await db.campaigns.add(emailCampaign());
    const result = await prepareCampaign(
      db,
      'news',
      {
        register: async (input) => registry.register(input),
        mint: async (request) => registry.mint(request, LINK_BASE),
        mintUnsubscribe: async (request) => registry.mintUnsubscribe(request, LINK_BASE),
      },
      LINK_BASE,
    );
    expect(result.recipients).toBe(1);
    const [message] = await preparedMessages(db, 'news');
    expect(message).toMatchObject({ to: 'ana@example.com', channel: 'email', subject: 'Hello Ana' });
    const token = message?.unsubscribeUrl?.split('/u/')[1] ?? '';
    expect(registry.resolveUnsubscribe(token)).toEqual({ campaignId: 'news', recipient: 0 });
    // Its last character changed (to one it is not: a token ending in "A" made this check pass
    // the token through unchanged, one run in 64).
    const tampered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    expect(tampered).not.toBe(token);
    expect(registry.resolveUnsubscribe(tampered)).toBeNull();
    const html = message ? storedEmailHtml(message) : '';
    expect(html).toContain(`href="${message?.linkUrl}"`);
    expect(html).toContain(`href="${message?.unsubscribeUrl}"`);
    // Rebuilt from the stored parts, it is exactly what the renderer made.
    const ana = await db.contacts.get('ana');
    if (!ana) throw new Error('no Ana');
    const short = new Map((message?.links ?? []).map((l) => [l.linkId, l]));
    expect(html).toBe(
      renderMessage(emailCampaign(), ana, short, LINK_BASE, message?.unsubscribeUrl).email?.html,
    );
    // Open tracking is off by default: no pixel.
    expect(message?.openUrl).toBeUndefined();
    expect(html).not.toContain('/o/');

    const csv = sendFileCsv(emailCampaign(), message ? [message] : []);
    expect(csv.split('\r\n')[0]).toBe('message_id,email,subject,text,html,link,unsubscribe_url,send_at');
    expect(csv).toContain(message?.unsubscribeUrl ?? '?');
  });

  it('a hard bounce flags the address, which the next campaign leaves out with its reason', async () => {
    const db = freshDb();
    await withContacts(db);
    const [message] = await addCampaign(db, { id: 'news', name: 'Spring News', channel: 'email' }, ['ana']);
    if (!message) throw new Error('no message');
    await db.messages.update(message.id, { status: 'prepared', to: 'ana@example.com' });
    await recordSendOutcomes(
      db,
      'news',
      [
        {
          messageId: message.id,
          ok: false,
          status: 'bounced',
          error: 'Hard bounce, SMTP 550: 5.1.1 No such user',
        },
      ],
      1000,
    );
    const ana = await db.contacts.get('ana');
    expect(ana?.emailBounce).toMatchObject({ at: 1000, address: 'ana@example.com', campaignId: 'news' });
    expect(ana?.emailBounce?.reason).toMatch(/No such user/);
    const next = await buildAudience(db, { kind: 'all' }, 'email');
    expect(next.recipients).toHaveLength(0);
    expect(next.excluded.bounced).toBe(2);
    // A corrected address is tried again.
    await db.contacts.update('ana', { email: 'ana@new.example' });
    expect((await buildAudience(db, { kind: 'all' }, 'email')).recipients.map((r) => r.to)).toEqual([
      'ana@new.example',
    ]);
  });

  it('a refusal that is not a bounce (too large) leaves the address alone', async () => {
    const db = freshDb();
    await withContacts(db);
    const [message] = await addCampaign(db, { id: 'news', name: 'Spring News', channel: 'email' }, ['ana']);
    if (!message) throw new Error('no message');
    await db.messages.update(message.id, { status: 'prepared', to: 'ana@example.com' });
    await recordSendOutcomes(
      db,
      'news',
      [{ messageId: message.id, ok: false, status: 'too_large', error: 'big' }],
      1,
    );
    expect((await db.contacts.get('ana'))?.emailBounce).toBeUndefined();
  });
});

describe('one-click unsubscribe', () => {
  it('a bad token is refused with a JSON error; a good one revokes email consent through the ingest', async () => {
    const main = await startMain();
    try {
      const db = freshDb();
      await addContact(db, {
        id: 'ana',
        firstName: 'Ana',
        email: 'ana@example.com',
        consent: { sms: true, whatsapp: false, email: true },
      });
      await addCampaign(db, { id: 'news', name: 'Spring News', channel: 'email' }, ['ana']);
      const [minted] = await main.bridge.invoke('links.mintUnsubscribe', {
        campaignId: 'news',
        recipients: [0],
      });
      const token = minted?.code ?? '';
      const oneClick = (t: string, body = 'List-Unsubscribe=One-Click') =>
        fetch(`${main.url}/u/${t}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body,
        });

      const forged = await oneClick(`${token.slice(0, -2)}AA`);
      expect(forged.status).toBe(404);
      expect(await forged.json()).toMatchObject({ error: 'invalid_token' });
      const noBody = await oneClick(token, 'hello');
      expect(noBody.status).toBe(400);
      expect(await noBody.json()).toMatchObject({ error: 'invalid_body' });
      // The footer link's GET only shows the confirmation; it never unsubscribes by itself.
      const page = await fetch(`${main.url}/u/${token}`);
      expect(await page.text()).toContain('<form method="post">');

      const ok = await oneClick(token);
      expect(ok.status).toBe(200);
      const { records } = await main.bridge.invoke('journal.read', { fromOffset: 0, limit: 100 });
      expect(records.map((r) => r.event.type)).toEqual(['email_unsubscribe']);
      await ingestBatch(db, records, settingsWith());

      const ana = await db.contacts.get('ana');
      expect(ana?.consent).toEqual({ sms: true, whatsapp: false, email: false });
      expect(ana?.consentRecords?.email).toMatchObject({ granted: false });
      expect(ana?.consentRecords?.email?.source).toBe(
        'Unsubscribed by one-click unsubscribe in email campaign Spring News',
      );
      expect(await timelineOf(db, 'ana')).toContain('email_unsubscribe');
      expect((await buildAudience(db, { kind: 'all' }, 'email')).excluded.noConsent).toBe(1);
    } finally {
      await main.close();
    }
  });
});

describe('open tracking (optional, unreliable)', () => {
  it('adds a pixel only when asked; its fetch puts an "opened" hint on the timeline, and its token cannot unsubscribe', async () => {
    const main = await startMain();
    try {
      const db = freshDb();
      await addContact(db, {
        id: 'ana',
        firstName: 'Ana',
        email: 'ana@example.com',
        consent: { sms: false, whatsapp: false, email: true },
      });
      const campaign = emailCampaign({ links: [] });
      await db.campaigns.add({
        ...campaign,
        email: { ...(campaign.email ?? { subject: '', html: '', text: '' }), openTracking: true },
      });
      await prepareCampaign(
        db,
        'news',
        {
          register: (input) => main.bridge.invoke('links.register', input),
          mint: (request) => main.bridge.invoke('links.mint', request),
          mintUnsubscribe: (request) => main.bridge.invoke('links.mintUnsubscribe', request),
        },
        main.url,
      );
      const [message] = await preparedMessages(db, 'news');
      const openUrl = message?.openUrl ?? '';
      expect(openUrl).toMatch(/\/o\/[^/]+\.gif$/);
      expect(message ? storedEmailHtml(message) : '').toContain(
        `<img src="${openUrl}" width="1" height="1" alt=""`,
      );
      await db.messages.update(message?.id ?? '', { status: 'sent' });

      const openToken = openUrl.slice(openUrl.lastIndexOf('/') + 1, -'.gif'.length);
      const asUnsubscribe = await fetch(`${main.url}/u/${openToken}`, {
        method: 'POST',
        body: 'List-Unsubscribe=One-Click',
      });
      expect(asUnsubscribe.status).toBe(404);
      const pixel = await fetch(openUrl, { headers: { 'user-agent': UA.desktopChrome } });
      expect(pixel.headers.get('content-type')).toBe('image/gif');
      expect((await pixel.arrayBuffer()).byteLength).toBeGreaterThan(0);
      expect((await fetch(`${main.url}/o/nope.gif`)).status).toBe(404);

      const { records } = await main.bridge.invoke('journal.read', { fromOffset: 0, limit: 100 });
      expect(records.map((r) => r.event.type)).toEqual(['email_open']);
      await ingestBatch(db, records, settingsWith());
      expect(await timelineOf(db, 'ana')).toContain('email_open');
      // A hint only: consent and stats are untouched.
      const ana = await db.contacts.get('ana');
      expect(ana?.consent.email).toBe(true);
      expect(ana?.stats.clicks).toBe(0);
    } finally {
      await main.close();
    }
  });
});

describe('stitching by an email click', () => {
  it('a desktop tap on an email link stitches as email_click, explained as linked by email campaign X', async () => {
    const db = freshDb();
    await addContact(db, { id: 'ana', firstName: 'Ana', email: 'ana@example.com' });
    const [message] = await addCampaign(db, { id: 'news', name: 'Spring News', channel: 'email' }, ['ana']);
    if (!message) throw new Error('no message');
    const journal = new FakeJournal();
    journal.click(message, 5, 'tok', UA.desktopChrome);
    journal.page('D', 5.1, '/spring', { clickToken: 'tok', ua: UA.desktopChrome });
    await ingestNew(db, journal);

    const [identity] = await contactIdentities(db, 'ana');
    expect(identity?.link).toMatchObject({ kind: 'visitor', value: 'D', source: 'email_click' });
    // A desktop fits email: no "desktop on a phone channel" evidence against it.
    expect(identity?.link.evidence?.some((e) => e.weight < 0)).toBe(false);
    const explanation = await explainLink(db, identity?.link.id ?? '');
    expect(explanation.text).toBe(
      'Linked by email campaign Spring News, clicked at 2025-03-01 10:05 UTC on Chrome on Windows',
    );
    const { totals } = await channelComparison(db);
    expect(totals.map((t) => t.channel)).toEqual(['sms', 'whatsapp', 'email']);
    expect(totals.find((t) => t.channel === 'email')).toMatchObject({
      campaigns: 1,
      sent: 1,
      clicks: 1,
      stitchedVisitors: 1,
    });
  });
});
