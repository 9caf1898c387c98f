// The composer: SMS text, a WhatsApp template/session message or an email, merge fields, tracked links with
// UTM parameters, and a live preview of the exact message for a chosen recipient.
import {
  Alert,
  Button,
  Card,
  Checkbox,
  Code,
  Group,
  SegmentedControl,
  Select,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { IconAlertTriangle, IconInfoCircle } from '@tabler/icons-react';
import { useRef } from 'react';
import type { LinkBaseReach } from '../../../src-main/shared/links';
import type { Recipient } from '../../campaigns/audience';
import { defaultUtm, syncCampaignLinks } from '../../campaigns/links';
import { BUILT_IN_FIELDS, unknownMergeFields } from '../../campaigns/merge-fields';
import { trackedLinksOf } from '../../campaigns/render';
import { hasSmartPunctuation, OPT_OUT_FOOTER, replaceSmartPunctuation, smsInfo } from '../../campaigns/sms';
import { buttonUrlTemplate, templateVariableCount } from '../../campaigns/whatsapp';
import type { CampaignRow, WhatsAppSettings } from '../../db/types';
import { LinkBaseWarning } from '../links/LinkBaseWarning';
import { FieldButtons, LinksTable } from './ComposerParts';
import { EmailEditor } from './EmailEditor';
import { MessagePreview } from './MessagePreview';

export interface ComposerProps {
  draft: CampaignRow;
  update: (patch: Partial<CampaignRow>) => void;
  recipients: readonly Recipient[];
  customFields: ReadonlySet<string>;
  linkBase: string;
  /** Whether a phone can open links at `linkBase` (sending is refused while it cannot). */
  linkReach: LinkBaseReach;
  locked: boolean;
}

export function Composer(props: ComposerProps) {
  const { draft } = props;
  const template = draft.channel === 'whatsapp' && draft.whatsapp?.mode === 'template';
  const whatsapp: WhatsAppSettings = draft.whatsapp ?? {
    mode: 'session',
    templateName: '',
    templateBody: '',
    variables: [],
  };
  const setWhatsApp = (patch: Partial<WhatsAppSettings>) => {
    const next = { ...whatsapp, ...patch };
    const change: Partial<CampaignRow> = { whatsapp: next };
    if (patch.buttonDestination !== undefined) {
      change.links = syncCampaignLinks(patch.buttonDestination, draft.links ?? []);
    }
    if (patch.mode !== undefined) {
      change.links = syncCampaignLinks(
        patch.mode === 'template' ? (next.buttonDestination ?? '') : (draft.body ?? ''),
        draft.links ?? [],
      );
    }
    props.update(change);
  };

  return (
    <Card withBorder padding="sm">
      <Title order={4} mb="xs">
        Message
      </Title>
      <Stack gap="sm">
        {draft.channel === 'whatsapp' && (
          <SegmentedControl
            size="xs"
            aria-label="WhatsApp message type"
            disabled={props.locked}
            value={whatsapp.mode}
            onChange={(mode) => setWhatsApp({ mode: mode === 'template' ? 'template' : 'session' })}
            data={[
              { value: 'template', label: 'Template' },
              { value: 'session', label: 'Session message' },
            ]}
            w="fit-content"
          />
        )}
        {draft.channel === 'whatsapp' && !template && (
          <Alert color="yellow" icon={<IconAlertTriangle size={16} />} p="xs">
            A session (free-form) message only reaches contacts who wrote to you on WhatsApp in the last 24
            hours. Everyone else needs an approved template.
          </Alert>
        )}
        {template ? (
          <TemplateEditor {...props} whatsapp={whatsapp} setWhatsApp={setWhatsApp} />
        ) : draft.channel === 'email' ? (
          <EmailEditor {...props} />
        ) : (
          <BodyEditor {...props} />
        )}
        {(template ? !!whatsapp.buttonDestination : trackedLinksOf(draft).length > 0) && (
          <LinkBaseWarning
            base={props.linkBase}
            reach={props.linkReach}
            what={template ? "The WhatsApp button's URL and tracked links" : 'Tracked links'}
          />
        )}
        <UtmEditor {...props} />
        <MessagePreview {...props} />
      </Stack>
    </Card>
  );
}

function BodyEditor(props: ComposerProps) {
  const { draft } = props;
  const ref = useRef<HTMLTextAreaElement>(null);
  const body = draft.body ?? '';
  const setBody = (text: string) =>
    props.update({ body: text, links: syncCampaignLinks(text, draft.links ?? []) });
  const unknown = unknownMergeFields(body, props.customFields);
  const info = draft.channel === 'sms' ? smsInfo(body) : null;
  const insert = (field: string) => {
    const el = ref.current;
    const at = el ? el.selectionStart : body.length;
    const end = el ? el.selectionEnd : body.length;
    setBody(`${body.slice(0, at)}{{${field}}}${body.slice(end)}`);
  };
  return (
    <>
      <Textarea
        ref={ref}
        label="Message text"
        description="Merge fields: {{first_name}}, {{last_name}}, {{custom.<field>}}; a fallback after |, e.g. {{first_name|there}}. Links (http/https) get a short tracked link per recipient."
        autosize
        minRows={4}
        maxRows={12}
        readOnly={props.locked}
        value={body}
        onChange={(e) => setBody(e.currentTarget.value)}
      />
      <FieldButtons customFields={props.customFields} onInsert={insert} disabled={props.locked} />
      {unknown.length > 0 && (
        <Alert color="red" icon={<IconAlertTriangle size={16} />} p="xs" title="Unknown merge fields">
          No contact has {unknown.map((f) => `{{${f}}}`).join(', ')}: fix the spelling or add a fallback
          before preparing.
        </Alert>
      )}
      {info && info.ucs2Characters.length > 0 && (
        <Group gap="xs">
          <Text size="xs" c="orange">
            {info.ucs2Characters.map((c) => JSON.stringify(c)).join(' ')} force UCS-2 (70 characters per SMS
            instead of 160).
          </Text>
          {hasSmartPunctuation(body) && (
            <Button
              size="compact-xs"
              variant="light"
              disabled={props.locked}
              onClick={() => setBody(replaceSmartPunctuation(body))}
            >
              Replace smart quotes and dashes
            </Button>
          )}
        </Group>
      )}
      {draft.channel === 'sms' && (
        <Checkbox
          size="xs"
          label={`Add opt-out footer ("${OPT_OUT_FOOTER}")`}
          disabled={props.locked}
          checked={draft.optOutFooter === true}
          onChange={(e) => props.update({ optOutFooter: e.currentTarget.checked })}
        />
      )}
      <LinksTable {...props} />
    </>
  );
}

function TemplateEditor(
  props: ComposerProps & {
    whatsapp: WhatsAppSettings;
    setWhatsApp: (patch: Partial<WhatsAppSettings>) => void;
  },
) {
  const { whatsapp, setWhatsApp } = props;
  const count = templateVariableCount(whatsapp.templateBody);
  const fieldOptions = [...BUILT_IN_FIELDS, ...[...props.customFields].map((f) => `custom.${f}`)];
  const unknown = whatsapp.variables
    .slice(0, count)
    .flatMap((spec) => unknownMergeFields(`{{${spec}}}`, props.customFields).filter((f) => f !== ''));
  return (
    <>
      <Group grow>
        <TextInput
          size="xs"
          label="Template name"
          readOnly={props.locked}
          value={whatsapp.templateName}
          onChange={(e) => setWhatsApp({ templateName: e.currentTarget.value })}
        />
        <TextInput
          size="xs"
          label="Content SID"
          description="Twilio's HX… id, for sending through Twilio"
          readOnly={props.locked}
          value={whatsapp.contentSid ?? ''}
          onChange={(e) => setWhatsApp({ contentSid: e.currentTarget.value.trim() })}
        />
      </Group>
      <Textarea
        label="Template body"
        description="As approved by WhatsApp, with {{1}}, {{2}}… where each recipient's values go."
        autosize
        minRows={3}
        readOnly={props.locked}
        value={whatsapp.templateBody}
        onChange={(e) => {
          const templateBody = e.currentTarget.value;
          const n = templateVariableCount(templateBody);
          const variables = Array.from(
            { length: n },
            (_, i) => whatsapp.variables[i] ?? (i === 0 ? 'first_name' : ''),
          );
          setWhatsApp({ templateBody, variables });
        }}
      />
      {count > 0 && (
        <Group gap="xs">
          {Array.from({ length: count }, (_, i) => (
            <Select
              // biome-ignore lint/suspicious/noArrayIndexKey: variables are positional by definition.
              key={i}
              size="xs"
              w={180}
              label={`Variable {{${i + 1}}}`}
              searchable
              disabled={props.locked}
              data={fieldOptions}
              value={whatsapp.variables[i] || null}
              onChange={(value) => {
                const variables = [...whatsapp.variables];
                variables[i] = value ?? '';
                setWhatsApp({ variables });
              }}
            />
          ))}
        </Group>
      )}
      {unknown.length > 0 && (
        <Alert color="red" p="xs" title="Unknown merge fields">
          {unknown.join(', ')}
        </Alert>
      )}
      <TextInput
        size="xs"
        label="Button destination"
        description="Optional URL button. Its URL in WhatsApp Manager must be the fixed base below with a dynamic suffix: each recipient gets their link code as the suffix."
        placeholder="https://www.example.com/offer"
        readOnly={props.locked}
        value={whatsapp.buttonDestination ?? ''}
        onChange={(e) => setWhatsApp({ buttonDestination: e.currentTarget.value.trim() })}
      />
      {whatsapp.buttonDestination && (
        <Text size="xs">
          Button URL to register: <Code>{buttonUrlTemplate(props.linkBase)}</Code>
        </Text>
      )}
    </>
  );
}

function UtmEditor(props: ComposerProps) {
  const { draft } = props;
  const utm = draft.utm ?? defaultUtm(draft.name, draft.channel);
  if (trackedLinksOf(draft).length === 0) {
    return (
      <Text size="xs" c="dimmed">
        <IconInfoCircle size={12} /> Add a link to your website to see who clicks: each recipient gets their
        own short link.
      </Text>
    );
  }
  return (
    <Group align="flex-end" gap="xs">
      <Checkbox
        size="xs"
        label="Add UTM parameters"
        disabled={props.locked}
        checked={utm.enabled}
        onChange={(e) => props.update({ utm: { ...utm, enabled: e.currentTarget.checked } })}
      />
      {(['source', 'medium', 'campaign'] as const).map((key) => (
        <TextInput
          key={key}
          size="xs"
          w={150}
          label={`utm_${key}`}
          disabled={!utm.enabled}
          readOnly={props.locked}
          value={utm[key]}
          onChange={(e) => props.update({ utm: { ...utm, [key]: e.currentTarget.value } })}
        />
      ))}
    </Group>
  );
}
