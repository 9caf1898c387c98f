// Email messages: one recipient's subject, HTML and plain-text parts (merge fields filled, values
// HTML-escaped in the HTML part), the hidden preheader, and the unsubscribe footer every email carries.
import type { OutgoingMessage } from '../../src-main/shared/messaging';
import type { CampaignRow, ContactRow, MessageRow } from '../db/types';
import { findUrls, replaceTrackedUrls } from './links';
import { renderMergeFields } from './merge-fields';

export interface RenderedEmail {
  subject: string;
  /** The whole HTML part ('' for a plain-text-only email): `emailHtml` of the parts below. */
  html: string;
  /** The composer's HTML filled in for the recipient, before the document, preheader and footer. */
  body: string;
  /** The preheader filled in (HTML-escaped). */
  preheader: string;
  text: string;
}

/** What an email's HTML part is made of; a prepared message stores these, not the whole document. */
export interface EmailHtmlParts {
  body: string;
  preheader: string;
  unsubscribeUrl: string;
  /** Present only when the campaign tracks opens. */
  openUrl?: string;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Text as HTML that shows exactly that text, in element content and in quoted attributes alike.
 * The five characters HTML gives meaning to are all it takes: no sanitiser, since the values put
 * into an email (a name, a city) are never meant to be markup.
 */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** Line breaks are not allowed in a header; a name with one must not end the subject. */
const oneLine = (value: string): string => value.replace(/[\r\n]+/g, ' ').trim();

export const UNSUBSCRIBE_LABEL = 'Unsubscribe';

/** Stand-in for a recipient's unsubscribe URL before Prepare mints it. */
export function placeholderUnsubscribeUrl(linkBase: string): string {
  return `${linkBase.replace(/\/+$/, '')}/u/preview`;
}

/** The text in which an email's links are found: both parts (the subject has none that work). */
export function emailLinkText(campaign: Pick<CampaignRow, 'email'>): string {
  return `${campaign.email?.html ?? ''}\n${campaign.email?.text ?? ''}`;
}

/** Every merge field an email uses is somewhere in this text (its four parts). */
export function emailMergeText(campaign: Pick<CampaignRow, 'email'>): string {
  const e = campaign.email;
  return [e?.subject, e?.preheader, e?.html, e?.text].join('\n');
}

/**
 * The HTML part: the body placed in a document, the hidden preheader first, the open pixel (if any)
 * and the unsubscribe footer last. Pure, so a stored message's parts always give the same email.
 */
export function emailHtml(parts: EmailHtmlParts): string {
  // A plain-text-only email stays one: no HTML part is made up for it.
  if (!parts.body.trim()) return '';
  return inDocument(
    parts.body,
    parts.preheader.trim() ? preheaderHtml(parts.preheader) : '',
    (parts.openUrl ? pixelHtml(parts.openUrl) : '') + footerHtml(parts.unsubscribeUrl),
  );
}

type StoredEmail = Pick<
  MessageRow,
  'id' | 'to' | 'text' | 'subject' | 'htmlBody' | 'preheader' | 'unsubscribeUrl' | 'openUrl'
>;

/** A prepared message's HTML part, rebuilt from what the row stores. */
export function storedEmailHtml(m: StoredEmail): string {
  const parts: EmailHtmlParts = {
    body: m.htmlBody ?? '',
    preheader: m.preheader ?? '',
    unsubscribeUrl: m.unsubscribeUrl ?? '',
  };
  if (m.openUrl) parts.openUrl = m.openUrl;
  return emailHtml(parts);
}

/** A prepared email as the SMTP sender takes it. */
export function emailOutgoing(m: StoredEmail): OutgoingMessage {
  return {
    messageId: m.id,
    to: m.to ?? '',
    email: {
      subject: m.subject ?? '',
      html: storedEmailHtml(m),
      text: m.text ?? '',
      unsubscribeUrl: m.unsubscribeUrl ?? '',
    },
  };
}

function footerHtml(unsubscribeUrl: string): string {
  return (
    '<p style="font-size:12px;color:#666;margin-top:24px">' +
    'You are getting this email because you agreed to hear from us. ' +
    `<a href="${escapeHtml(unsubscribeUrl)}">${UNSUBSCRIBE_LABEL}</a></p>`
  );
}

/** The open pixel: an image any mail app may load, so an "open" is a hint, never proof. */
function pixelHtml(openUrl: string): string {
  return `<img src="${escapeHtml(openUrl)}" width="1" height="1" alt="" style="display:block;border:0">`;
}

/** The preheader as inboxes read it: the first text of the body, hidden when the email is opened. */
function preheaderHtml(preheader: string): string {
  return `<div style="display:none;max-height:0;overflow:hidden;opacity:0;mso-hide:all">${preheader}</div>`;
}

/** The body placed in a document: a full document keeps its own, a fragment gets a minimal one. */
function inDocument(body: string, preheader: string, footer: string): string {
  const open = /<body[^>]*>/i.exec(body);
  const close = body.search(/<\/body>/i);
  if (open && close > open.index) {
    const start = open.index + open[0].length;
    return `${body.slice(0, start)}${preheader}${body.slice(start, close)}${footer}${body.slice(close)}`;
  }
  return (
    '<!doctype html><html><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1"></head>' +
    `<body>${preheader}${body}${footer}</body></html>`
  );
}

/** What is wrong with an email campaign as written, for the composer to show before Prepare. */
export function emailWarnings(campaign: CampaignRow): string[] {
  const email = campaign.email;
  const warnings: string[] = [];
  if (!email?.subject.trim()) warnings.push('An email needs a subject.');
  if (!email?.html.trim() && !email?.text.trim())
    warnings.push('Write the HTML part or the plain-text part.');
  const urls = findUrls(emailLinkText(campaign));
  if (urls.some((u) => u.url.includes('&amp;'))) {
    warnings.push('A link contains "&amp;": write the URL with a plain "&" so its destination is right.');
  }
  return warnings;
}

export function renderEmail(
  campaign: CampaignRow,
  contact: ContactRow,
  links: Parameters<typeof replaceTrackedUrls>[1],
  shortUrlOf: (linkId: string) => string,
  unsubscribeUrl: string,
  /** The open pixel's URL, used only when the campaign tracks opens. */
  openUrl?: string,
): RenderedEmail {
  const email = campaign.email;
  // Links are swapped before merge fields are filled, as in SMS: a value that looks like a URL stays text.
  const html = renderMergeFields(
    replaceTrackedUrls(email?.html ?? '', links, shortUrlOf),
    contact,
    escapeHtml,
  );
  const text = renderMergeFields(replaceTrackedUrls(email?.text ?? '', links, shortUrlOf), contact);
  const preheader = renderMergeFields(email?.preheader ?? '', contact, escapeHtml);
  const parts: EmailHtmlParts = { body: html, preheader, unsubscribeUrl };
  if (email?.openTracking && openUrl) parts.openUrl = openUrl;
  return {
    subject: oneLine(renderMergeFields(email?.subject ?? '', contact)),
    html: emailHtml(parts),
    body: html,
    preheader,
    text: `${text.replace(/\s+$/, '')}\n\n--\n${UNSUBSCRIBE_LABEL}: ${unsubscribeUrl}\n`,
  };
}
