// One recipient's exact message: merge fields filled, tracked URLs swapped for their short links,
// the opt-out footer (SMS), a WhatsApp template's variables and URL-button suffix, or an email's parts.
import type { CampaignLink, CampaignRow, ContactRow } from '../db/types';
import { emailLinkText, placeholderUnsubscribeUrl, type RenderedEmail, renderEmail } from './email';
import { findUrls, placeholderShortUrl, replaceTrackedUrls, syncCampaignLinks } from './links';
import { renderMergeFields } from './merge-fields';
import { withOptOutFooter } from './sms';
import { buttonUrlSuffix, renderTemplate } from './whatsapp';

export interface ShortLink {
  linkId: string;
  url: string;
  code: string;
}

export interface RenderedMessage {
  /** What the recipient reads (templates: the filled body, then the button's link). */
  text: string;
  /** WhatsApp template: each `{{n}}` value by position. */
  templateVariables?: string[];
  /** WhatsApp template: the URL button's dynamic suffix. */
  buttonSuffix?: string;
  /** Email: subject and both parts (`text` is the plain-text part too). */
  email?: RenderedEmail;
}

export const isTemplateCampaign = (campaign: CampaignRow): boolean =>
  campaign.channel === 'whatsapp' && campaign.whatsapp?.mode === 'template';

/** The links that get a short link per recipient: in the text (SMS, session) or the template's button. */
export function trackedLinksOf(campaign: CampaignRow): CampaignLink[] {
  if (isTemplateCampaign(campaign)) {
    const destination = campaign.whatsapp?.buttonDestination?.trim();
    if (!destination) return [];
    return syncCampaignLinks(destination, campaign.links ?? [])
      .slice(0, 1)
      .map((l) => ({ ...l, tracked: true }));
  }
  const source = campaign.channel === 'email' ? emailLinkText(campaign) : (campaign.body ?? '');
  const inText = new Set(findUrls(source).map((f) => f.url));
  return (campaign.links ?? []).filter((l) => l.tracked && inText.has(l.url));
}

export function renderMessage(
  campaign: CampaignRow,
  contact: ContactRow,
  shortLinks: ReadonlyMap<string, ShortLink>,
  linkBase: string,
  /** Email: the recipient's one-click unsubscribe URL (a stand-in before Prepare) and open pixel. */
  unsubscribeUrl?: string,
  openUrl?: string,
): RenderedMessage {
  const shortUrlOf = (linkId: string): string =>
    shortLinks.get(linkId)?.url ?? placeholderShortUrl(linkBase, linkId);
  if (campaign.channel === 'email') {
    const email = renderEmail(
      campaign,
      contact,
      trackedLinksOf(campaign),
      shortUrlOf,
      unsubscribeUrl ?? placeholderUnsubscribeUrl(linkBase),
      openUrl,
    );
    return { text: email.text, email };
  }
  if (isTemplateCampaign(campaign)) {
    const settings = campaign.whatsapp;
    const values = (settings?.variables ?? []).map((spec) =>
      spec.trim() ? renderMergeFields(`{{${spec}}}`, contact) : '',
    );
    const body = renderTemplate(settings?.templateBody ?? '', values);
    const button = trackedLinksOf(campaign)[0];
    const rendered: RenderedMessage = { text: body, templateVariables: values };
    if (button) {
      const url = shortUrlOf(button.linkId);
      rendered.text = `${body}\n${url}`;
      rendered.buttonSuffix = buttonUrlSuffix(url.slice(url.lastIndexOf('/') + 1));
    }
    return rendered;
  }
  // URLs are swapped before merge fields are filled, so a value that looks like a URL stays untouched.
  const withLinks = replaceTrackedUrls(campaign.body ?? '', trackedLinksOf(campaign), shortUrlOf);
  const text = renderMergeFields(withLinks, contact);
  return { text: campaign.channel === 'sms' ? withOptOutFooter(text, campaign.optOutFooter === true) : text };
}
