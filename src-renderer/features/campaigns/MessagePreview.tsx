// The exact message one recipient will get (short links at their real length), its SMS encoding and
// segments with the characters forcing UCS-2 marked, and the campaign's total segments; or the email.
import { Badge, Group, Mark, Paper, Select, Stack, Text } from '@mantine/core';
import { useMemo, useState } from 'react';
import type { RenderedEmail } from '../../campaigns/email';
import { renderMessage } from '../../campaigns/render';
import { SMS_MAX_CHARACTERS, smsInfo } from '../../campaigns/sms';
import type { ComposerProps } from './Composer';

const PREVIEW_OPTIONS = 500;

export function MessagePreview(props: ComposerProps) {
  const { draft, recipients, linkBase } = props;
  const [chosen, setChosen] = useState<string | null>(null);
  const recipient = recipients.find((r) => r.contact.id === chosen) ?? recipients[0];
  const noLinks = useMemo(() => new Map(), []);
  const rendered = recipient ? renderMessage(draft, recipient.contact, noLinks, linkBase) : null;
  const info = draft.channel === 'sms' && rendered ? smsInfo(rendered.text) : null;

  // Every recipient's message differs (names, fields), so the campaign total is counted per recipient.
  const totals = useMemo(() => {
    if (draft.channel !== 'sms') return null;
    let segments = 0;
    let overLimit = 0;
    for (const r of recipients) {
      const one = smsInfo(renderMessage(draft, r.contact, noLinks, linkBase).text);
      segments += one.segments;
      if (one.overLimit) overLimit += 1;
    }
    return { segments, overLimit };
  }, [draft, recipients, linkBase, noLinks]);

  const options = useMemo(
    () =>
      recipients.slice(0, PREVIEW_OPTIONS).map((r) => ({
        value: r.contact.id,
        label: `${`${r.contact.firstName} ${r.contact.lastName}`.trim() || r.contact.id} (${r.to})`,
      })),
    [recipients],
  );

  return (
    <Stack gap={6}>
      <Group align="flex-end" gap="sm">
        <Select
          size="xs"
          w={320}
          label="Preview for"
          searchable
          data={options}
          value={recipient?.contact.id ?? null}
          onChange={setChosen}
          nothingFoundMessage="No recipient matches"
          placeholder={recipients.length === 0 ? 'No recipients yet' : undefined}
        />
        {totals && (
          <Text size="xs" c="dimmed" data-testid="campaign-segments">
            Campaign total: {totals.segments.toLocaleString()} segment{totals.segments === 1 ? '' : 's'} for{' '}
            {recipients.length.toLocaleString()} recipient{recipients.length === 1 ? '' : 's'}
          </Text>
        )}
      </Group>
      <Paper withBorder p="xs" bg="var(--mantine-color-gray-0)" aria-label="Message preview">
        {rendered?.email ? (
          <EmailPreview email={rendered.email} />
        ) : rendered ? (
          <Text size="sm" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
            {highlight(rendered.text, new Set(info?.ucs2Characters ?? []))}
          </Text>
        ) : (
          <Text size="sm" c="dimmed">
            The preview shows the exact message once the audience has a recipient.
          </Text>
        )}
      </Paper>
      {info && (
        <Group gap="xs" data-testid="sms-counter">
          <Badge size="sm" variant="light" color={info.encoding === 'GSM-7' ? 'green' : 'orange'}>
            {info.encoding}
          </Badge>
          <Text size="xs">
            {info.characters.toLocaleString()} characters · {info.segments} segment
            {info.segments === 1 ? '' : 's'} (
            {info.encoding === 'GSM-7'
              ? '160 per single SMS, 153 per part'
              : '70 per single SMS, 67 per part'}
            )
          </Text>
          {info.overLimit && (
            <Text size="xs" c="red">
              Over the {SMS_MAX_CHARACTERS.toLocaleString()}-character limit
            </Text>
          )}
        </Group>
      )}
      {totals && totals.overLimit > 0 && (
        <Text size="xs" c="red">
          {totals.overLimit} recipient message{totals.overLimit === 1 ? ' is' : 's are'} over{' '}
          {SMS_MAX_CHARACTERS.toLocaleString()} characters.
        </Text>
      )}
      {rendered?.buttonSuffix !== undefined && (
        <Text size="xs" c="dimmed">
          Button URL suffix for this recipient: the link code (16 characters)
        </Text>
      )}
    </Stack>
  );
}

/**
 * An email as the recipient's mail app shows it: subject, then the HTML part in a sandboxed frame
 * (no scripts, no same-origin access), then the plain-text part.
 */
function EmailPreview(props: { email: RenderedEmail }) {
  return (
    <Stack gap={4}>
      <Text size="sm" fw={600} data-testid="email-subject">
        {props.email.subject || '(no subject)'}
      </Text>
      {props.email.html ? (
        <iframe
          title="Email HTML preview"
          sandbox=""
          srcDoc={props.email.html}
          style={{
            width: '100%',
            height: 320,
            border: '1px solid var(--mantine-color-gray-3)',
            background: 'white',
          }}
        />
      ) : (
        <Text size="xs" c="dimmed">
          No HTML part: mail apps show the plain text.
        </Text>
      )}
      <Text size="xs" c="dimmed">
        Plain-text part
      </Text>
      <Text size="sm" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }} data-testid="email-text">
        {props.email.text}
      </Text>
    </Stack>
  );
}

function highlight(text: string, marked: ReadonlySet<string>) {
  if (marked.size === 0) return text;
  const parts: (string | { mark: string; at: number })[] = [];
  let plain = '';
  let at = 0;
  for (const char of text) {
    if (marked.has(char)) {
      if (plain) parts.push(plain);
      plain = '';
      parts.push({ mark: char, at });
    } else plain += char;
    at += char.length;
  }
  if (plain) parts.push(plain);
  return parts.map((part) =>
    typeof part === 'string' ? (
      part
    ) : (
      <Mark key={part.at} color="orange" title="Forces UCS-2">
        {part.mark}
      </Mark>
    ),
  );
}
