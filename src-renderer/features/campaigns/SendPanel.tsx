// Prepare and send: render every message and mint every link, then either export the send file and
// mark the messages sent, or send them through Twilio (SMTP for email) and record each recipient's outcome.
import {
  Alert,
  Badge,
  Box,
  Button,
  Card,
  Collapse,
  Group,
  Modal,
  NumberInput,
  Progress,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconDownload, IconSend, IconSettings } from '@tabler/icons-react';
import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useState } from 'react';
import type { MessagingStatus, OutgoingMessage } from '../../../src-main/shared/messaging';
import { emailMergeText, emailOutgoing } from '../../campaigns/email';
import { unknownMergeFields } from '../../campaigns/merge-fields';
import {
  markCampaignSent,
  prepareCampaign,
  preparedMessages,
  recordSendOutcomes,
} from '../../campaigns/prepare';
import { trackedLinksOf } from '../../campaigns/render';
import { sendFileCsv } from '../../campaigns/send-file';
import { contentVariables } from '../../campaigns/whatsapp';
import type { CampaignRow, MessageRow } from '../../db/types';
import { bridge } from '../../platform';
import { appDb } from '../../state/db';
import { saveTextFile } from '../../ui/save-file';
import { LinkBaseWarning } from '../links/LinkBaseWarning';
import { EmlButton, SmtpCard } from './SmtpCard';

const SEND_CHUNK = 50;
const TABLE_ROWS = 200;

interface Job {
  label: string;
  done: number;
  total: number;
}

export function SendPanel(props: {
  campaign: CampaignRow;
  linkBase: string;
  customFields: ReadonlySet<string>;
}) {
  const { campaign } = props;
  const db = appDb();
  const messages = useLiveQuery(() => preparedMessages(db, campaign.id), [db, campaign.id]);
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [sendTime, setSendTime] = useState(() => localDateTime(Date.now()));
  const [confirmSent, setConfirmSent] = useState(false);

  const counts = countByStatus(messages ?? []);
  const sentAny = counts.sent + counts.failed > 0;
  const busy = job !== null;
  const unknown = unknownFields(campaign, props.customFields);

  const run = async (
    label: string,
    work: (progress: (done: number, total: number, step?: string) => void) => Promise<string>,
  ) => {
    setError(null);
    setNotice(null);
    setJob({ label, done: 0, total: 1 });
    try {
      const message = await work((done, total, step) => setJob({ label: step ?? label, done, total }));
      setNotice(message);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setJob(null);
    }
  };

  const prepare = () =>
    run('Preparing', async (progress) => {
      const result = await prepareCampaign(
        db,
        campaign.id,
        {
          register: (input) => bridge.invoke('links.register', input),
          mint: (request) => bridge.invoke('links.mint', request),
          mintUnsubscribe: (request) => bridge.invoke('links.mintUnsubscribe', request),
        },
        props.linkBase,
        progress,
      );
      return `Prepared ${result.recipients.toLocaleString()} messages${
        campaign.channel === 'sms' ? ` (${result.segments.toLocaleString()} SMS segments)` : ''
      }.`;
    });

  const exportFile = async () => {
    const rows = await preparedMessages(db, campaign.id);
    const csv = sendFileCsv(campaign, rows);
    const name = `${campaign.name.replace(/[^\w-]+/g, '-').replace(/^-+|-+$/g, '') || 'campaign'}-send-file.csv`;
    const saved = await saveTextFile(name, csv, 'text/csv;charset=utf-8');
    if (saved.saved) setNotice(`Saved to ${saved.where}.`);
  };

  const markSent = () =>
    run('Recording sends', async (progress) => {
      const at = new Date(sendTime).getTime();
      if (Number.isNaN(at)) throw new Error('Pick a send time.');
      const n = await markCampaignSent(db, campaign.id, at, progress);
      return `Marked ${n.toLocaleString()} messages as sent.`;
    });

  const sendWithProvider = () =>
    run('Sending', async (progress) => {
      const pending = (await preparedMessages(db, campaign.id)).filter((m) => m.status === 'prepared');
      await db.campaigns.update(campaign.id, { status: 'sending' });
      let sent = 0;
      let failed = 0;
      // Each chunk's outcomes are recorded while the next chunk is being sent, so the provider is
      // kept busy at its rate instead of waiting on the store between chunks.
      let recording: Promise<void> = Promise.resolve();
      try {
        for (let start = 0; start < pending.length; start += SEND_CHUNK) {
          const chunk = pending.slice(start, start + SEND_CHUNK);
          const results = await bridge.invoke('messaging.send', {
            campaignId: campaign.id,
            channel: campaign.channel,
            messages: chunk.map((m) => outgoing(campaign, m)),
          });
          await recording;
          recording = recordSendOutcomes(db, campaign.id, results, Date.now()).then((outcome) => {
            sent += outcome.sent;
            failed += outcome.failed;
            progress(start + chunk.length, pending.length, 'Sending');
          });
        }
        await recording;
      } finally {
        // A send that failed midway still records the outcomes it has.
        await recording.catch(() => undefined);
        await db.campaigns.update(campaign.id, {
          status: sent > 0 ? 'sent' : 'prepared',
          sentAt: Date.now(),
        });
      }
      return `Sent ${sent.toLocaleString()}, failed ${failed.toLocaleString()}.`;
    });

  return (
    <Stack gap="sm">
      {error && (
        <Alert color="red" withCloseButton onClose={() => setError(null)}>
          {error}
        </Alert>
      )}
      {notice && (
        <Alert color="green" withCloseButton onClose={() => setNotice(null)}>
          {notice}
        </Alert>
      )}
      <Card withBorder padding="sm">
        <Title order={4} mb="xs">
          1. Prepare
        </Title>
        <Text size="sm" mb="xs">
          Renders every recipient's message and mints their tracked links. Prepare again after changing the
          audience or the text; once messages are sent the campaign is final (duplicate it to send again).
        </Text>
        {trackedLinksOf(props.campaign).length > 0 && (
          <Box mb="xs">
            <LinkBaseWarning base={props.linkBase} what="Tracked links" />
          </Box>
        )}
        {unknown.length > 0 && (
          <Alert color="red" p="xs" mb="xs">
            Unknown merge fields: {unknown.map((f) => `{{${f}}}`).join(', ')}. Fix them in Build first.
          </Alert>
        )}
        <Group>
          <Button size="xs" onClick={prepare} disabled={busy || sentAny || unknown.length > 0}>
            Prepare
          </Button>
          <Text size="sm" data-testid="prepared-count">
            {counts.prepared.toLocaleString()} prepared · {counts.sent.toLocaleString()} sent
            {counts.failed > 0 ? ` · ${counts.failed.toLocaleString()} failed` : ''}
          </Text>
        </Group>
        {job && (
          <Stack gap={2} mt="xs">
            <Text size="xs">
              {job.label}… {job.done.toLocaleString()} / {job.total.toLocaleString()}
            </Text>
            <Progress value={(100 * job.done) / Math.max(1, job.total)} aria-label={job.label} animated />
          </Stack>
        )}
      </Card>
      <Card withBorder padding="sm">
        <Title order={4} mb="xs">
          2a. Send with your own tool
        </Title>
        <Text size="sm" mb="xs">
          {campaign.channel === 'email'
            ? "The send file has one row per email: address, subject, the HTML and plain-text parts, the tracked link and the recipient's unsubscribe URL, for your own email platform; the .eml is the first recipient's email exactly as it would be sent."
            : 'The send file has one row per message: phone (E.164), the exact text, the tracked link and, for WhatsApp templates, the template name and variables.'}{' '}
          After sending it, mark the messages as sent so they appear on each contact's timeline.
        </Text>
        <Group align="flex-end">
          <Button
            size="xs"
            variant="default"
            leftSection={<IconDownload size={14} />}
            disabled={busy || counts.prepared + counts.sent === 0}
            onClick={() => exportFile().catch((e: Error) => setError(e.message))}
          >
            Export send file
          </Button>
          {campaign.channel === 'email' && (
            <EmlButton
              campaign={campaign}
              disabled={busy || counts.prepared + counts.sent === 0}
              onError={setError}
            />
          )}
          <TextInput
            size="xs"
            type="datetime-local"
            label="Send time"
            value={sendTime}
            onChange={(e) => setSendTime(e.currentTarget.value)}
          />
          <Button size="xs" onClick={() => setConfirmSent(true)} disabled={busy || counts.prepared === 0}>
            Mark as sent
          </Button>
        </Group>
        <Modal
          opened={confirmSent}
          onClose={() => setConfirmSent(false)}
          title={`Mark ${counts.prepared.toLocaleString()} ${counts.prepared === 1 ? 'message' : 'messages'} as sent?`}
        >
          <Stack gap="sm">
            <Text size="sm">
              Do this once your SMS or WhatsApp tool has sent the send file. Each of the{' '}
              {counts.prepared.toLocaleString()} prepared messages is recorded on its contact's timeline as
              sent at the send time you picked, and the campaign becomes final: this cannot be undone.
            </Text>
            <Group justify="flex-end" gap="xs">
              <Button variant="default" onClick={() => setConfirmSent(false)}>
                Cancel
              </Button>
              <Button
                onClick={() => {
                  setConfirmSent(false);
                  void markSent();
                }}
              >
                Mark {counts.prepared.toLocaleString()} as sent
              </Button>
            </Group>
          </Stack>
        </Modal>
      </Card>
      {campaign.channel === 'email' ? (
        <SmtpCard busy={busy} prepared={counts.prepared} onSend={sendWithProvider} onError={setError} />
      ) : (
        <ProviderCard
          campaign={campaign}
          busy={busy}
          prepared={counts.prepared}
          onSend={sendWithProvider}
          onError={setError}
        />
      )}
      {messages && messages.length > 0 && <MessagesTable messages={messages} />}
    </Stack>
  );
}

function outgoing(campaign: CampaignRow, m: MessageRow): OutgoingMessage {
  if (campaign.channel === 'email') return emailOutgoing(m);
  const message: OutgoingMessage = { messageId: m.id, to: m.to ?? '' };
  const contentSid = campaign.whatsapp?.contentSid;
  if (campaign.channel === 'whatsapp' && campaign.whatsapp?.mode === 'template' && contentSid) {
    message.template = { contentSid, variables: contentVariables(m.templateVariables ?? [], m.code) };
  } else {
    message.body = m.text ?? '';
  }
  return message;
}

function unknownFields(campaign: CampaignRow, customFields: ReadonlySet<string>): string[] {
  if (campaign.channel === 'whatsapp' && campaign.whatsapp?.mode === 'template') {
    return campaign.whatsapp.variables.flatMap((spec) =>
      spec ? unknownMergeFields(`{{${spec}}}`, customFields) : [],
    );
  }
  return unknownMergeFields(
    campaign.channel === 'email' ? emailMergeText(campaign) : (campaign.body ?? ''),
    customFields,
  );
}

function countByStatus(messages: readonly MessageRow[]) {
  const counts = { prepared: 0, sent: 0, failed: 0 };
  for (const m of messages) {
    if (m.status === 'prepared') counts.prepared += 1;
    else if (m.status === 'sent') counts.sent += 1;
    else if (m.status === 'failed') counts.failed += 1;
  }
  return counts;
}

/** `YYYY-MM-DDTHH:mm` in local time, as a datetime-local input wants. */
function localDateTime(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

function ProviderCard(props: {
  campaign: CampaignRow;
  busy: boolean;
  prepared: number;
  onSend: () => void;
  onError: (message: string) => void;
}) {
  const [status, setStatus] = useState<MessagingStatus | null>(null);
  const [editing, setEditing] = useState(false);
  const [form, setForm] = useState({
    accountSid: '',
    authToken: '',
    smsFrom: '',
    whatsappFrom: '',
    messagingServiceSid: '',
    baseUrl: '',
    ratePerSecond: 1,
  });
  useEffect(() => {
    bridge.invoke('messaging.status', undefined).then(
      (s) => {
        setStatus(s);
        setForm((f) => ({
          ...f,
          smsFrom: s.from.sms ?? '',
          whatsappFrom: s.from.whatsapp ?? '',
          baseUrl: s.baseUrl,
          ratePerSecond: s.ratePerSecond,
        }));
      },
      () => undefined,
    );
  }, []);
  const save = async () => {
    try {
      const input = {
        accountSid: form.accountSid.trim(),
        ...(form.authToken ? { authToken: form.authToken } : {}),
        smsFrom: form.smsFrom.trim(),
        whatsappFrom: form.whatsappFrom.trim(),
        messagingServiceSid: form.messagingServiceSid.trim(),
        ...(form.baseUrl.trim() ? { baseUrl: form.baseUrl.trim() } : {}),
        ratePerSecond: form.ratePerSecond,
      };
      setStatus(await bridge.invoke('messaging.configure', input));
      setForm((f) => ({ ...f, authToken: '' }));
      setEditing(false);
    } catch (e) {
      props.onError((e as Error).message);
    }
  };
  const template = props.campaign.channel === 'whatsapp' && props.campaign.whatsapp?.mode === 'template';
  const missingSid = template && !props.campaign.whatsapp?.contentSid;
  return (
    <Card withBorder padding="sm">
      <Group justify="space-between" mb="xs">
        <Title order={4}>2b. Send with Twilio</Title>
        <Button
          size="compact-xs"
          variant="subtle"
          leftSection={<IconSettings size={12} />}
          onClick={() => setEditing((v) => !v)}
        >
          Twilio settings
        </Button>
      </Group>
      {status?.configured ? (
        <Text size="sm" mb="xs">
          Account {status.accountSid} · SMS from {status.from.sms ?? status.from.messagingServiceSid ?? '—'} ·
          WhatsApp from {status.from.whatsapp ?? '—'} · {status.ratePerSecond}/s{' '}
          <Badge size="xs" variant="light">
            {status.baseUrl}
          </Badge>
        </Text>
      ) : (
        <Text size="sm" c="dimmed" mb="xs">
          Not set up. Sending through Twilio needs your account SID, auth token and a sender number, and a
          network connection. The auth token stays in the app's data folder and is never shown again.
        </Text>
      )}
      <Collapse expanded={editing}>
        <Stack gap="xs" mb="xs">
          <Group grow>
            <TextInput
              size="xs"
              label="Account SID"
              placeholder="AC…"
              value={form.accountSid}
              onChange={(e) => setForm({ ...form, accountSid: e.currentTarget.value })}
            />
            <TextInput
              size="xs"
              type="password"
              label="Auth token"
              placeholder={status?.configured ? 'unchanged' : ''}
              value={form.authToken}
              onChange={(e) => setForm({ ...form, authToken: e.currentTarget.value })}
            />
          </Group>
          <Group grow>
            <TextInput
              size="xs"
              label="SMS sender"
              placeholder="+14155550100"
              value={form.smsFrom}
              onChange={(e) => setForm({ ...form, smsFrom: e.currentTarget.value })}
            />
            <TextInput
              size="xs"
              label="WhatsApp sender"
              placeholder="+14155550100"
              value={form.whatsappFrom}
              onChange={(e) => setForm({ ...form, whatsappFrom: e.currentTarget.value })}
            />
            <TextInput
              size="xs"
              label="Messaging Service SID"
              placeholder="MG… (optional)"
              value={form.messagingServiceSid}
              onChange={(e) => setForm({ ...form, messagingServiceSid: e.currentTarget.value })}
            />
          </Group>
          <Group grow>
            <TextInput
              size="xs"
              label="API base URL"
              value={form.baseUrl}
              onChange={(e) => setForm({ ...form, baseUrl: e.currentTarget.value })}
            />
            <NumberInput
              size="xs"
              label="Messages per second"
              min={0.1}
              max={1000}
              decimalScale={1}
              value={form.ratePerSecond}
              onChange={(v) => setForm({ ...form, ratePerSecond: typeof v === 'number' ? v : 1 })}
            />
          </Group>
          <Group justify="flex-end">
            <Button size="xs" onClick={save} disabled={!form.accountSid.trim()}>
              Save Twilio settings
            </Button>
          </Group>
        </Stack>
      </Collapse>
      {missingSid && (
        <Text size="xs" c="orange" mb="xs">
          Templates are sent by Content SID: add it in Build.
        </Text>
      )}
      <Button
        size="xs"
        leftSection={<IconSend size={14} />}
        disabled={!status?.configured || props.busy || props.prepared === 0 || missingSid}
        onClick={props.onSend}
      >
        Send {props.prepared.toLocaleString()} with Twilio
      </Button>
    </Card>
  );
}

function MessagesTable(props: { messages: readonly MessageRow[] }) {
  const shown = props.messages.slice(0, TABLE_ROWS);
  return (
    <Card withBorder padding="sm">
      <Title order={4} mb="xs">
        Messages
      </Title>
      <Table fz="xs" verticalSpacing={2} striped aria-label="Prepared messages">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>#</Table.Th>
            <Table.Th>To</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Message</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {shown.map((m) => (
            <Table.Tr key={m.id}>
              <Table.Td>{m.id.slice(m.id.lastIndexOf(':') + 1)}</Table.Td>
              <Table.Td>{m.to}</Table.Td>
              <Table.Td>
                {m.status}
                {m.providerStatus ? ` (${m.providerStatus})` : ''}
                {m.error ? ` — ${m.error}` : ''}
              </Table.Td>
              <Table.Td style={{ whiteSpace: 'pre-wrap' }}>{m.text}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {props.messages.length > TABLE_ROWS && (
        <Text size="xs" c="dimmed" mt={4}>
          First {TABLE_ROWS} of {props.messages.length.toLocaleString()}; the send file has them all.
        </Text>
      )}
    </Card>
  );
}
