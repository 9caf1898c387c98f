// The send file: one CSV row per prepared message, for sending through any SMS/WhatsApp tool or
// email platform (emails: address, subject, both parts, the tracked link and the unsubscribe URL).
// Cells a spreadsheet would run as a formula are neutralised by the contact export's own helper;
// `send_at` carries each recipient's computed send time when the campaign is scheduled.
import Papa from 'papaparse';
import { neutralizeCell } from '../contacts-io/export';
import type { CampaignRow, MessageRow } from '../db/types';
import { storedEmailHtml } from './email';
import { contentVariables } from './whatsapp';

export const SEND_FILE_COLUMNS = [
  'message_id',
  'phone',
  'channel',
  'text',
  'link',
  'template_name',
  'content_sid',
  'template_variables',
  'send_at',
] as const;

export const EMAIL_SEND_FILE_COLUMNS = [
  'message_id',
  'email',
  'subject',
  'text',
  'html',
  'link',
  'unsubscribe_url',
  'send_at',
] as const;

/**
 * `sendTimes`: each message's computed send time (the outbox planner's: quiet hours in the
 * recipient's zone), written as an ISO 8601 UTC instant; empty when not given.
 */
export function sendFileCsv(
  campaign: CampaignRow,
  messages: readonly MessageRow[],
  sendTimes?: ReadonlyMap<string, number>,
): string {
  const sendAt = (m: MessageRow) =>
    sendTimes?.has(m.id) ? new Date(sendTimes.get(m.id) ?? 0).toISOString() : '';
  if (campaign.channel === 'email') {
    const rows = messages.map((m) => [
      ...[
        m.id,
        m.to ?? '',
        m.subject ?? '',
        m.text ?? '',
        storedEmailHtml(m),
        m.linkUrl ?? '',
        m.unsubscribeUrl ?? '',
      ].map(neutralizeCell),
      sendAt(m),
    ]);
    return Papa.unparse({ fields: [...EMAIL_SEND_FILE_COLUMNS], data: rows }, { newline: '\r\n' });
  }
  const template = campaign.channel === 'whatsapp' && campaign.whatsapp?.mode === 'template';
  const rows = messages.map((m) => {
    const variables = template ? JSON.stringify(contentVariables(m.templateVariables ?? [], m.code)) : '';
    return [
      m.id,
      // The one neutraliser keeps E.164 numbers as they are: quoting them would corrupt the number.
      neutralizeCell(m.to ?? ''),
      m.channel,
      neutralizeCell(m.text ?? ''),
      neutralizeCell(m.linkUrl ?? ''),
      neutralizeCell(template ? (campaign.whatsapp?.templateName ?? '') : ''),
      neutralizeCell(template ? (campaign.whatsapp?.contentSid ?? '') : ''),
      neutralizeCell(variables),
      sendAt(m),
    ];
  });
  return Papa.unparse({ fields: [...SEND_FILE_COLUMNS], data: rows }, { newline: '\r\n' });
}
