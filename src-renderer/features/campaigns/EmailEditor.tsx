// The email editor: subject, preheader, HTML and plain-text parts with merge fields, the links found
// in both parts, the unsubscribe every email carries, and a test send of the previewed email.
import { Alert, Button, Checkbox, Group, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { IconAlertTriangle, IconInfoCircle, IconSend } from '@tabler/icons-react';
import { useRef, useState } from 'react';
import {
  emailLinkText,
  emailMergeText,
  emailOutgoing,
  emailWarnings,
  placeholderUnsubscribeUrl,
} from '../../campaigns/email';
import { syncCampaignLinks } from '../../campaigns/links';
import { unknownMergeFields } from '../../campaigns/merge-fields';
import { renderMessage } from '../../campaigns/render';
import { checkEmail } from '../../contacts-io/normalize';
import type { EmailSettings } from '../../db/types';
import { bridge } from '../../platform';
import { SendBlockedReason, sendBlocked } from '../links/SendBlocked';
import type { ComposerProps } from './Composer';
import { FieldButtons, LinksTable } from './ComposerParts';

type Part = 'subject' | 'preheader' | 'html' | 'text';

const EMPTY: EmailSettings = { subject: '', preheader: '', html: '', text: '' };

export function EmailEditor(props: ComposerProps) {
  const { draft } = props;
  const email = draft.email ?? EMPTY;
  const [target, setTarget] = useState<Part>('html');
  const refs = {
    subject: useRef<HTMLInputElement>(null),
    preheader: useRef<HTMLInputElement>(null),
    html: useRef<HTMLTextAreaElement>(null),
    text: useRef<HTMLTextAreaElement>(null),
  };
  const set = (patch: Partial<EmailSettings>) => {
    const next = { ...email, ...patch };
    props.update({
      email: next,
      links: syncCampaignLinks(emailLinkText({ email: next }), draft.links ?? []),
    });
  };
  const insert = (field: string) => {
    const value = email[target] ?? '';
    const el = refs[target].current;
    const at = el?.selectionStart ?? value.length;
    const end = el?.selectionEnd ?? value.length;
    set({ [target]: `${value.slice(0, at)}{{${field}}}${value.slice(end)}` });
  };
  const unknown = unknownMergeFields(emailMergeText(draft), props.customFields);
  const warnings = emailWarnings(draft);
  const part = (name: Part) => ({
    readOnly: props.locked,
    value: email[name] ?? '',
    onFocus: () => setTarget(name),
    onChange: (e: { currentTarget: { value: string } }) => set({ [name]: e.currentTarget.value }),
  });

  return (
    <Stack gap="xs">
      <TextInput ref={refs.subject} size="xs" label="Subject" withAsterisk {...part('subject')} />
      <TextInput
        ref={refs.preheader}
        size="xs"
        label="Preheader"
        description="The preview line inboxes show after the subject; hidden in the email itself."
        {...part('preheader')}
      />
      <Textarea
        ref={refs.html}
        label="HTML part"
        description="Merge fields like {{first_name|there}}; their values are escaped, so a name is never markup. Links (http/https) get a tracked link per recipient."
        autosize
        minRows={5}
        maxRows={16}
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
        {...part('html')}
      />
      <Textarea
        ref={refs.text}
        label="Plain-text part"
        description="For mail apps that show no HTML; the same merge fields and links."
        autosize
        minRows={3}
        maxRows={10}
        {...part('text')}
      />
      <FieldButtons customFields={props.customFields} onInsert={insert} disabled={props.locked} />
      {unknown.length > 0 && (
        <Alert color="red" icon={<IconAlertTriangle size={16} />} p="xs" title="Unknown merge fields">
          No contact has {unknown.map((f) => `{{${f}}}`).join(', ')}: fix the spelling or add a fallback
          before preparing.
        </Alert>
      )}
      {warnings.map((w) => (
        <Text key={w} size="xs" c="orange">
          {w}
        </Text>
      ))}
      <Text size="xs" c="dimmed">
        <IconInfoCircle size={12} /> Every email ends with an unsubscribe link and carries a one-click
        List-Unsubscribe header: an unsubscribe withdraws the contact's email consent at once.
      </Text>
      <Checkbox
        size="xs"
        label="Track opens (unreliable)"
        description="Adds a 1×1 image per recipient. Apple Mail Privacy Protection and image proxies load every image, so an open may be a machine; many apps block images, so a reader may not count."
        disabled={props.locked}
        checked={email.openTracking === true}
        onChange={(e) => set({ openTracking: e.currentTarget.checked })}
      />
      <LinksTable {...props} />
      <TestSend {...props} />
    </Stack>
  );
}

/** Sends the email as the first (or previewed) recipient would get it to one address, outside the campaign. */
function TestSend(props: ComposerProps) {
  const [to, setTo] = useState('');
  const [state, setState] = useState<{ busy: boolean; ok?: string; error?: string }>({ busy: false });
  const checked = to.trim() ? checkEmail(to) : null;
  const recipient = props.recipients[0];
  // Its unsubscribe link and tracked links start with the link base, as the campaign's will.
  const blocked = sendBlocked(props.linkReach, true);
  const send = async () => {
    if (!checked?.ok || !recipient) return;
    setState({ busy: true });
    try {
      const rendered = renderMessage(props.draft, recipient.contact, new Map(), props.linkBase);
      const message = emailOutgoing({
        id: `${props.draft.id}:test`,
        to: checked.email,
        text: rendered.text,
        subject: `[Test] ${rendered.email?.subject ?? ''}`,
        htmlBody: rendered.email?.body ?? '',
        preheader: rendered.email?.preheader ?? '',
        unsubscribeUrl: placeholderUnsubscribeUrl(props.linkBase),
      });
      const [result] = await bridge.invoke('messaging.send', {
        campaignId: props.draft.id,
        channel: 'email',
        messages: [message],
      });
      if (result?.ok) setState({ busy: false, ok: `Test email sent to ${checked.email}.` });
      else setState({ busy: false, error: result?.error ?? 'The test email was not sent.' });
    } catch (e) {
      setState({ busy: false, error: (e as Error).message });
    }
  };
  return (
    <Stack gap={4}>
      <Group align="flex-end" gap="xs">
        <TextInput
          size="xs"
          w={280}
          label="Test send to"
          placeholder="you@example.com"
          value={to}
          onChange={(e) => setTo(e.currentTarget.value)}
          error={checked && !checked.ok ? checked.reason : undefined}
        />
        <Button
          size="xs"
          variant="light"
          leftSection={<IconSend size={14} />}
          disabled={!checked?.ok || !recipient || state.busy || blocked}
          loading={state.busy}
          onClick={() => void send()}
        >
          Send test
        </Button>
      </Group>
      {blocked && <SendBlockedReason base={props.linkBase} testId="test-send-blocked" />}
      <Text size="xs" c="dimmed">
        {recipient
          ? `Filled in for ${`${recipient.contact.firstName} ${recipient.contact.lastName}`.trim() || recipient.to}; its links are stand-ins that track nothing.`
          : 'A test send needs a recipient in the audience to fill the merge fields.'}
      </Text>
      {state.ok && (
        <Text size="xs" c="teal" role="status">
          {state.ok}
        </Text>
      )}
      {state.error && (
        <Alert color="red" p="xs" role="alert">
          {state.error}
        </Alert>
      )}
    </Stack>
  );
}
