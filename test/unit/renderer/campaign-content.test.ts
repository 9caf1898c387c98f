// What a recipient's message will say: merge fields and fallbacks, unknown fields, SMS segments,
// tracked links with UTM parameters, WhatsApp template variables and the URL-button suffix.
import { SegmentedMessage } from 'sms-segments-calculator';
import { describe, expect, it } from 'vitest';
import {
  findUrls,
  replaceTrackedUrls,
  syncCampaignLinks,
  withUtm,
} from '../../../src-renderer/campaigns/links';
import { renderMergeFields, unknownMergeFields } from '../../../src-renderer/campaigns/merge-fields';
import { renderMessage } from '../../../src-renderer/campaigns/render';
import { sendFileCsv } from '../../../src-renderer/campaigns/send-file';
import { replaceSmartPunctuation, smsInfo } from '../../../src-renderer/campaigns/sms';
import {
  buttonUrlSuffix,
  buttonUrlTemplate,
  contentVariables,
  renderTemplate,
  templateVariableCount,
} from '../../../src-renderer/campaigns/whatsapp';
import { newContact } from '../../../src-renderer/db/contacts';
import type { CampaignRow, MessageRow } from '../../../src-renderer/db/types';

const ana = newContact({ id: 'ana', firstName: 'Ana', lastName: 'Silva', custom: { city: 'Lisbon' } });
const nameless = newContact({ id: 'x', firstName: '', lastName: 'Doe' });

describe('merge fields', () => {
  it('fills built-in and custom fields, with or without the custom. prefix', () => {
    expect(renderMergeFields('Hi {{first_name}} {{ last_name }} from {{custom.city}} / {{city}}', ana)).toBe(
      'Hi Ana Silva from Lisbon / Lisbon',
    );
  });
  it('uses the fallback only when the value is empty', () => {
    expect(renderMergeFields('Hi {{first_name|there}}!', ana)).toBe('Hi Ana!');
    expect(renderMergeFields('Hi {{first_name|there}}!', nameless)).toBe('Hi there!');
    expect(renderMergeFields('Hi {{first_name}}!', nameless)).toBe('Hi !');
  });
  it('flags fields no contact has, once each', () => {
    const custom = new Set(['city']);
    expect(
      unknownMergeFields(
        '{{first_name}} {{frist_name}} {{custom.city}} {{custom.zip}} {{frist_name}}',
        custom,
      ),
    ).toEqual(['frist_name', 'custom.zip']);
    expect(unknownMergeFields('Hi {{first_name|there}} in {{city}}', custom)).toEqual([]);
  });
});

describe('SMS segments', () => {
  it('counts "héllo" as GSM-7 in one segment', () => {
    expect(smsInfo('héllo')).toMatchObject({ encoding: 'GSM-7', segments: 1, characters: 5 });
  });
  it('switches to UCS-2 for an emoji and names the character', () => {
    expect(smsInfo('Sale 😀')).toMatchObject({ encoding: 'UCS-2', segments: 1, ucs2Characters: ['😀'] });
  });
  it('counts GSM extension characters (€ and {) as two', () => {
    expect(smsInfo('€').characters).toBe(2);
    expect(smsInfo('{').characters).toBe(2);
    expect(smsInfo(`${'a'.repeat(159)}€`)).toMatchObject({ characters: 161, segments: 2 });
  });
  it('fits 160 GSM characters in one segment and needs two for 161; 70/67 for UCS-2', () => {
    expect(smsInfo('a'.repeat(160)).segments).toBe(1);
    expect(smsInfo('a'.repeat(161)).segments).toBe(2);
    expect(smsInfo('a'.repeat(306)).segments).toBe(2);
    expect(smsInfo('a'.repeat(307)).segments).toBe(3);
    expect(smsInfo(`😀${'a'.repeat(68)}`).segments).toBe(1);
    expect(smsInfo(`ж${'a'.repeat(70)}`).segments).toBe(2);
  });
  it('agrees with sms-segments-calculator on plain text of every length up to 500', () => {
    for (let n = 1; n <= 500; n += 7) {
      const text = 'Hello @ Ana_£$ 1.\n'.repeat(40).slice(0, n);
      expect(smsInfo(text).segments, `length ${n}`).toBe(new SegmentedMessage(text).segmentsCount);
    }
  });
  it('flags messages over the 1,600-character cap', () => {
    expect(smsInfo('a'.repeat(1600)).overLimit).toBe(false);
    expect(smsInfo('a'.repeat(1601)).overLimit).toBe(true);
  });
  it('replaces smart quotes and dashes so the text is GSM-7 again', () => {
    const fixed = replaceSmartPunctuation('“Spring” sale – it’s on…');
    expect(fixed).toBe('"Spring" sale - it\'s on...');
    expect(smsInfo(fixed).encoding).toBe('GSM-7');
  });
});

describe('links', () => {
  it('finds http(s) URLs without trailing punctuation', () => {
    expect(findUrls('See https://shop.test/a?b=1. Or (http://x.test/y), ok').map((f) => f.url)).toEqual([
      'https://shop.test/a?b=1',
      'http://x.test/y',
    ]);
  });
  it('keeps link ids and tracking choices across edits; new URLs are tracked', () => {
    const first = syncCampaignLinks('a https://a.test b https://b.test');
    expect(first).toEqual([
      { linkId: 'l1', url: 'https://a.test', tracked: true },
      { linkId: 'l2', url: 'https://b.test', tracked: true },
    ]);
    const untracked = first.map((l) => (l.linkId === 'l1' ? { ...l, tracked: false } : l));
    expect(syncCampaignLinks('https://c.test and https://a.test', untracked)).toEqual([
      { linkId: 'l3', url: 'https://c.test', tracked: true },
      { linkId: 'l1', url: 'https://a.test', tracked: false },
    ]);
  });
  it('adds UTM parameters without overriding those already in the URL', () => {
    const utm = { enabled: true, source: 'sms', medium: 'sms', campaign: 'spring-sale' };
    expect(withUtm('https://shop.test/p?x=1', utm)).toBe(
      'https://shop.test/p?x=1&utm_source=sms&utm_medium=sms&utm_campaign=spring-sale',
    );
    expect(withUtm('https://shop.test/?utm_source=news', utm)).toBe(
      'https://shop.test/?utm_source=news&utm_medium=sms&utm_campaign=spring-sale',
    );
    expect(withUtm('https://shop.test/', { ...utm, enabled: false })).toBe('https://shop.test/');
  });
  it('replaces only tracked URLs with the short link', () => {
    const links = [
      { linkId: 'l1', url: 'https://a.test/x', tracked: true },
      { linkId: 'l2', url: 'https://b.test', tracked: false },
    ];
    expect(
      replaceTrackedUrls('A https://a.test/x. B https://b.test A https://a.test/x', links, (id) => `S/${id}`),
    ).toBe('A S/l1. B https://b.test A S/l1');
  });
});

const smsCampaign: CampaignRow = {
  id: 'c1',
  name: 'Spring',
  channel: 'sms',
  createdAt: 0,
  body: 'Hi {{first_name|there}}: https://shop.test/sale',
  links: [{ linkId: 'l1', url: 'https://shop.test/sale', tracked: true }],
  optOutFooter: true,
};
const shortLinks = new Map([
  ['l1', { linkId: 'l1', url: 'https://go.test/r/AAAAAAAAAAAAAAAA', code: 'AAAAAAAAAAAAAAAA' }],
]);

describe('renderMessage', () => {
  it('renders an SMS with the short link and the opt-out footer', () => {
    expect(renderMessage(smsCampaign, ana, shortLinks, 'https://go.test').text).toBe(
      'Hi Ana: https://go.test/r/AAAAAAAAAAAAAAAA\nReply STOP to opt out',
    );
  });
  it('previews before Prepare with a stand-in link of the real length', () => {
    const text = renderMessage(smsCampaign, ana, new Map(), 'https://go.test').text;
    expect(text.length).toBe('Hi Ana: https://go.test/r/AAAAAAAAAAAAAAAA\nReply STOP to opt out'.length);
  });
  it('fills WhatsApp template variables and sets the button suffix to the link code', () => {
    const campaign: CampaignRow = {
      id: 'c2',
      name: 'Launch',
      channel: 'whatsapp',
      createdAt: 0,
      whatsapp: {
        mode: 'template',
        templateName: 'launch_offer',
        templateBody: 'Hi {{1}}, new in {{2}}!',
        variables: ['first_name|there', 'custom.city'],
        buttonDestination: 'https://shop.test/launch',
      },
    };
    const rendered = renderMessage(campaign, ana, shortLinks, 'https://go.test');
    expect(rendered.templateVariables).toEqual(['Ana', 'Lisbon']);
    expect(rendered.buttonSuffix).toBe('AAAAAAAAAAAAAAAA');
    expect(rendered.text).toBe('Hi Ana, new in Lisbon!\nhttps://go.test/r/AAAAAAAAAAAAAAAA');
  });
});

describe('WhatsApp templates', () => {
  it('counts placeholders and renders them by position', () => {
    expect(templateVariableCount('Hi {{1}}, see {{3}} and {{2}}')).toBe(3);
    expect(renderTemplate('Hi {{1}}, {{2}}', ['Ana', 'welcome'])).toBe('Hi Ana, welcome');
  });
  it('registers the button URL as a fixed base with the code as its dynamic suffix', () => {
    expect(buttonUrlTemplate('https://go.test/')).toBe('https://go.test/r/{{1}}');
    expect(buttonUrlSuffix('AbCdEfGhIjKlMnOp')).toBe('AbCdEfGhIjKlMnOp');
    expect(contentVariables(['Ana', 'Lisbon'], 'AbCdEfGhIjKlMnOp')).toEqual({
      '1': 'Ana',
      '2': 'Lisbon',
      '3': 'AbCdEfGhIjKlMnOp',
    });
  });
});

describe('send file', () => {
  it('keeps E.164 phones and neutralises formula-leading text', () => {
    const message: MessageRow = {
      id: 'c1:0',
      campaignId: 'c1',
      contactId: 'ana',
      channel: 'sms',
      to: '+12015550123',
      text: '=HYPERLINK("http://evil.test","x")',
      linkUrl: 'https://go.test/r/AAAAAAAAAAAAAAAA',
      status: 'prepared',
    };
    const csv = sendFileCsv(smsCampaign, [message]);
    const [header, row] = csv.split('\r\n');
    expect(header).toBe(
      'message_id,phone,channel,text,link,template_name,content_sid,template_variables,send_at',
    );
    expect(row).toBe(
      'c1:0,+12015550123,sms,"\'=HYPERLINK(""http://evil.test"",""x"")",https://go.test/r/AAAAAAAAAAAAAAAA,,,,',
    );
    // With the planner's times, each row gets its own send time.
    const timed = sendFileCsv(smsCampaign, [message], new Map([['c1:0', Date.UTC(2026, 0, 15, 8, 0)]]));
    expect(timed.split('\r\n')[1]?.endsWith(',2026-01-15T08:00:00.000Z')).toBe(true);
  });
});
