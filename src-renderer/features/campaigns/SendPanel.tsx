// Prepare and send: render every message and mint every link, pick when (a send time, quiet hours
// in each recipient's zone), then either export the send file (with each recipient's computed time)
// and mark the messages sent, or hand them to the main-process outbox that sends them through Twilio
// (SMS, WhatsApp) or SMTP (email).
import {
  Alert,
  Badge,
  Box,
  Button,
  Card,
  Checkbox,
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
import type { LinkBaseReach } from '../../../src-main/shared/links';
import type { MessagingStatus, OutgoingMessage } from '../../../src-main/shared/messaging';
import type {
  CampaignOutboxStatus,
  CampaignSchedule,
  ScheduledMessageInput,
} from '../../../src-main/shared/scheduling';
import { emailMergeText, emailOutgoing } from '../../campaigns/email';
import { unknownMergeFields } from '../../campaigns/merge-fields';
import { markCampaignSent, prepareCampaign, preparedMessages } from '../../campaigns/prepare';
import { trackedLinksOf } from '../../campaigns/render';
import { sendFileCsv } from '../../campaigns/send-file';
import { contentVariables } from '../../campaigns/whatsapp';
import type { CampaignRow, ContactRow, MessageRow } from '../../db/types';
import { bridge } from '../../platform';
import { appDb } from '../../state/db';
import { saveTextFile } from '../../ui/save-file';
import { LinkBaseWarning } from '../links/LinkBaseWarning';
import { SendBlockedReason, sendBlocked } from '../links/SendBlocked';
import { EmlButton, SmtpCard } from './SmtpCard';

/** Messages per `outbox.submit` call, each durable before it is answered; well under 1 MB a call. */
const SEND_CHUNK = 100;
const PLAN_CHUNK = 2_000;
const TABLE_ROWS = 200;

interface Job {
  label: string;
  done: number;
  total: number;
}

export function SendPanel(props: {
  campaign: CampaignRow;
  linkBase: string;
  linkReach: LinkBaseReach;
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
  const [when, setWhen] = useState<WhenForm>(() => whenFormOf(campaign.schedule));

  const counts = countByStatus(messages ?? []);
  const sentAny = counts.sent + counts.failed + counts.scheduled + counts.unknown > 0;
  const busy = job !== null;
  const unknown = unknownFields(campaign, props.customFields);
  // Every email carries its unsubscribe link; SMS and WhatsApp only the tracked links in them.
  const hasLinks = campaign.channel === 'email' || trackedLinksOf(campaign).length > 0;
  const blockedBase = sendBlocked(props.linkReach, hasLinks) ? props.linkBase : null;

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
    const schedule = scheduleOf(when);
    const contacts = await db.contacts.bulkGet(rows.map((m) => m.contactId));
    const times = new Map<string, number>();
    for (let start = 0; start < rows.length; start += PLAN_CHUNK) {
      const chunk = rows
        .slice(start, start + PLAN_CHUNK)
        .flatMap((m, i) => (m.to ? [withZone({ messageId: m.id, to: m.to }, contacts[start + i])] : []));
      const planned = await bridge.invoke('outbox.plan', { ...schedule, messages: chunk });
      for (const p of planned) times.set(p.messageId, p.sendAt);
    }
    const csv = sendFileCsv(campaign, rows, times);
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

  // The outbox in the main process sends them (window open or not); its outcomes come back through
  // the store's outbox sync. Each chunk is durable in the outbox before it is marked scheduled here.
  const sendWithProvider = () =>
    run('Scheduling', async (progress) => {
      const schedule = scheduleOf(when);
      const pending = (await preparedMessages(db, campaign.id)).filter((m) => m.status === 'prepared');
      const contacts = await db.contacts.bulkGet(pending.map((m) => m.contactId));
      await db.campaigns.update(campaign.id, { status: 'sending', schedule });
      let held = 0;
      let waiting = 0;
      let next = Number.POSITIVE_INFINITY;
      for (let start = 0; start < pending.length; start += SEND_CHUNK) {
        const chunk = pending.slice(start, start + SEND_CHUNK);
        const result = await bridge
          .invoke('outbox.submit', {
            campaignId: campaign.id,
            channel: campaign.channel,
            ...schedule,
            messages: chunk.map((m, i) => withZone(outgoing(campaign, m), contacts[start + i])),
          })
          .catch(async (refusal: unknown) => {
            // Refused before anything was handed over (links no phone can open, say): still prepared.
            if (held === 0) await db.campaigns.update(campaign.id, { status: campaign.status });
            throw refusal;
          });
        const planned = new Map(result.planned.map((p) => [p.messageId, p.sendAt]));
        for (const at of planned.values()) {
          if (at <= Date.now() + 1_000) continue;
          waiting += 1;
          next = Math.min(next, at);
        }
        await db.messages
          .where('id')
          .anyOf(chunk.map((m) => m.id))
          .modify((m) => {
            if (m.status !== 'prepared') return;
            m.status = 'scheduled';
            const at = planned.get(m.id);
            if (at !== undefined) m.scheduledAt = at;
          });
        held += chunk.length;
        progress(start + chunk.length, pending.length, 'Scheduling');
      }
      if (waiting === 0) return `Sending ${held.toLocaleString()} messages.`;
      return `Scheduled ${held.toLocaleString()} messages: ${(held - waiting).toLocaleString()} go out now, ${waiting.toLocaleString()} wait for their send time or quiet hours (next ${new Date(next).toLocaleString()}).`;
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
            <LinkBaseWarning base={props.linkBase} reach={props.linkReach} what="Tracked links" />
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
            {counts.scheduled > 0 ? ` · ${counts.scheduled.toLocaleString()} scheduled` : ''}
            {counts.unknown > 0 ? ` · ${counts.unknown.toLocaleString()} unknown` : ''}
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
      <WhenCard when={when} onChange={setWhen} />
      <Card withBorder padding="sm">
        <Title order={4} mb="xs">
          3a. Send with your own tool
        </Title>
        <Text size="sm" mb="xs">
          {campaign.channel === 'email'
            ? "The send file has one row per email: address, subject, the HTML and plain-text parts, the tracked link, the recipient's unsubscribe URL and send time (step 2, UTC), for your own email platform; the .eml is the first recipient's email exactly as it would be sent."
            : "The send file has one row per message: phone (E.164), the exact text, the tracked link, for WhatsApp templates the template name and variables, and each recipient's send time (step 2, UTC)."}{' '}
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
        <SmtpCard
          busy={busy}
          prepared={counts.prepared}
          blockedBase={blockedBase}
          onSend={sendWithProvider}
          onError={setError}
        />
      ) : (
        <ProviderCard
          campaign={campaign}
          busy={busy}
          prepared={counts.prepared}
          later={isLater(when)}
          blockedBase={blockedBase}
          onSend={sendWithProvider}
          onError={setError}
        />
      )}
      <OutboxCard campaignId={campaign.id} onError={setError} />
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
  const counts = { prepared: 0, scheduled: 0, sent: 0, failed: 0, unknown: 0, pending: 0 };
  for (const m of messages) counts[m.status] += 1;
  return counts;
}

interface WhenForm {
  /** `YYYY-MM-DDTHH:mm`, the sender's local time. */
  sendAt: string;
  quiet: boolean;
  start: string;
  end: string;
}

function whenFormOf(schedule: CampaignSchedule | undefined): WhenForm {
  return {
    sendAt: localDateTime(Math.max(Date.now(), schedule?.sendAt ?? 0)),
    quiet: schedule ? schedule.quietHours !== null : true,
    start: schedule?.quietHours?.start ?? '21:00',
    end: schedule?.quietHours?.end ?? '08:00',
  };
}

function scheduleOf(when: WhenForm): CampaignSchedule {
  const sendAt = new Date(when.sendAt).getTime();
  if (Number.isNaN(sendAt)) throw new Error('Pick a date and time to send at.');
  if (!when.quiet) return { sendAt, quietHours: null };
  if (!/^\d\d:\d\d$/.test(when.start) || !/^\d\d:\d\d$/.test(when.end) || when.start === when.end) {
    throw new Error('Quiet hours need a start and an end time that differ.');
  }
  return { sendAt, quietHours: { start: when.start, end: when.end } };
}

/** Whether the schedule may hold messages back (a later time, or quiet hours somewhere). */
function isLater(when: WhenForm): boolean {
  const at = new Date(when.sendAt).getTime();
  return when.quiet || (!Number.isNaN(at) && at > Date.now() + 60_000);
}

/** A contact's own IANA zone (`custom.timezone`) overrides the one its phone number's country gives. */
/** The recipient's zone: the contact's own field, else (for an email) the region of their phone. */
function withZone<T extends { messageId: string; to: string }>(
  message: T,
  contact: ContactRow | undefined,
): T & Pick<ScheduledMessageInput, 'timeZone' | 'regionPhone'> {
  const zone = contact?.custom.timezone?.trim();
  if (zone) return { ...message, timeZone: zone };
  const phone = contact?.phone ?? contact?.whatsapp;
  return phone && !message.to.startsWith('+') ? { ...message, regionPhone: phone } : message;
}

function WhenCard(props: { when: WhenForm; onChange: (when: WhenForm) => void }) {
  const { when, onChange } = props;
  return (
    <Card withBorder padding="sm">
      <Title order={4} mb="xs">
        2. When
      </Title>
      <Text size="sm" mb="xs">
        Messages go out from the send time on. Quiet hours apply in each recipient's own time zone — from
        their phone number's country (in a country with several zones, in all of them), or their{' '}
        <code>custom.timezone</code> field (such as Europe/Berlin) when set; a message that falls in them
        waits for the morning.
      </Text>
      <Group align="flex-end">
        <TextInput
          size="xs"
          type="datetime-local"
          label="Send at"
          value={when.sendAt}
          onChange={(e) => onChange({ ...when, sendAt: e.currentTarget.value })}
        />
        <Checkbox
          size="xs"
          mb={6}
          label="Quiet hours"
          checked={when.quiet}
          onChange={(e) => onChange({ ...when, quiet: e.currentTarget.checked })}
        />
        <TextInput
          size="xs"
          type="time"
          label="Quiet from"
          disabled={!when.quiet}
          value={when.start}
          onChange={(e) => onChange({ ...when, start: e.currentTarget.value })}
        />
        <TextInput
          size="xs"
          type="time"
          label="Quiet until"
          disabled={!when.quiet}
          value={when.end}
          onChange={(e) => onChange({ ...when, end: e.currentTarget.value })}
        />
      </Group>
    </Card>
  );
}

const OUTBOX_STATE_LABEL: Record<CampaignOutboxStatus['state'], string> = {
  active: 'Sending',
  paused: 'Paused',
  cancelled: 'Cancelled',
  done: 'Done',
};

/** The campaign's sending in the outbox: what waits, what went, and pause / resume / cancel. */
function OutboxCard(props: { campaignId: string; onError: (message: string) => void }) {
  const [status, setStatus] = useState<CampaignOutboxStatus | null>(null);
  const { campaignId, onError } = props;
  useEffect(() => {
    bridge.invoke('outbox.status', { campaignId }).then(setStatus, () => undefined);
    return bridge.on('outbox.status', (next) => {
      if (next.campaignId === campaignId) setStatus(next);
    });
  }, [campaignId]);
  if (!status) return null;
  const act = (channel: 'outbox.pause' | 'outbox.resume' | 'outbox.cancel') =>
    bridge.invoke(channel, { campaignId }).then(setStatus, (e: Error) => onError(e.message));
  const { counts } = status;
  return (
    <Card withBorder padding="sm" role="region" aria-label="Outbox">
      <Group justify="space-between" mb="xs">
        <Title order={4}>Outbox</Title>
        <Badge variant="light" data-testid="outbox-state">
          {OUTBOX_STATE_LABEL[status.state]}
        </Badge>
      </Group>
      <Text size="sm" data-testid="outbox-counts">
        {counts.scheduled.toLocaleString()} waiting · {counts.sent.toLocaleString()} sent ·{' '}
        {counts.failed.toLocaleString()} failed
        {counts.unknown > 0
          ? ` · ${counts.unknown.toLocaleString()} unknown (check Twilio's message log)`
          : ''}
        {counts.cancelled > 0 ? ` · ${counts.cancelled.toLocaleString()} cancelled` : ''}
        {status.nextSendAt !== null ? ` · next ${new Date(status.nextSendAt).toLocaleString()}` : ''}
      </Text>
      {status.held && (
        <Text size="sm" c="red.9" mt="xs" role="alert" data-testid="outbox-held">
          Held: {status.held}. Nothing is marked failed; fix the{' '}
          {status.channel === 'email' ? 'SMTP' : 'Twilio'} settings and sending resumes by itself.
        </Text>
      )}
      {(status.state === 'active' || status.state === 'paused') && (
        <Group gap="xs" mt="xs">
          {status.state === 'active' ? (
            <Button size="xs" variant="default" onClick={() => void act('outbox.pause')}>
              Pause sending
            </Button>
          ) : (
            <Button size="xs" variant="default" onClick={() => void act('outbox.resume')}>
              Resume sending
            </Button>
          )}
          <Button size="xs" color="red" variant="light" onClick={() => void act('outbox.cancel')}>
            Cancel the rest
          </Button>
        </Group>
      )}
    </Card>
  );
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
  /** The schedule may hold messages back: the button says Schedule rather than Send. */
  later: boolean;
  /** The link base no phone can open (sending is refused), or null when sending may go ahead. */
  blockedBase: string | null;
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
        <Title order={4}>3b. Send with Twilio</Title>
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
        disabled={
          !status?.configured ||
          props.busy ||
          props.prepared === 0 ||
          missingSid ||
          props.blockedBase !== null
        }
        onClick={props.onSend}
      >
        {props.later ? 'Schedule' : 'Send'} {props.prepared.toLocaleString()} with Twilio
      </Button>
      {props.blockedBase !== null && <SendBlockedReason base={props.blockedBase} />}
      <Text size="xs" c="dimmed" mt={4}>
        The app sends them itself, at the account's rate, also with the window closed; a message interrupted
        mid-send (the app killed) is reported as unknown, never sent twice.
      </Text>
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
                {m.status === 'scheduled' && m.scheduledAt
                  ? ` for ${new Date(m.scheduledAt).toLocaleString()}`
                  : ''}
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
