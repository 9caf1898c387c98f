// Sending email over SMTP: the server settings (the password is write-only, kept in the main
// process), the send button, and the `.eml` download for teams that send from their own platform.
import {
  Badge,
  Button,
  Card,
  Collapse,
  Group,
  NumberInput,
  Select,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconDownload, IconSend, IconSettings } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import type { EmailConfigInput, EmailStatus, SmtpSecurity } from '../../../src-main/shared/messaging';
import { emailOutgoing } from '../../campaigns/email';
import { preparedMessages } from '../../campaigns/prepare';
import type { CampaignRow } from '../../db/types';
import { bridge } from '../../platform';
import { appDb } from '../../state/db';
import { saveTextFile } from '../../ui/save-file';
import { SendBlockedReason } from '../links/SendBlocked';

const SECURITY_OPTIONS: { value: SmtpSecurity; label: string }[] = [
  { value: 'starttls', label: 'STARTTLS (port 587)' },
  { value: 'tls', label: 'TLS (port 465)' },
  { value: 'none', label: 'None (local relay)' },
];

export function SmtpCard(props: {
  busy: boolean;
  prepared: number;
  /** The link base no phone can open (sending is refused), or null when sending may go ahead. */
  blockedBase: string | null;
  onSend: () => void;
  onError: (message: string) => void;
}) {
  const [status, setStatus] = useState<EmailStatus | null>(null);
  const [editing, setEditing] = useState(false);
  const [form, setForm] = useState({
    host: '',
    port: 587,
    security: 'starttls' as SmtpSecurity,
    user: '',
    password: '',
    from: '',
    fromName: '',
    ratePerSecond: 10,
  });
  useEffect(() => {
    bridge.invoke('email.status', undefined).then(
      (s) => {
        setStatus(s);
        setForm((f) => ({
          ...f,
          host: s.host ?? '',
          port: s.port ?? f.port,
          security: s.security,
          user: s.user ?? '',
          from: s.from ?? '',
          fromName: s.fromName ?? '',
          ratePerSecond: s.ratePerSecond,
        }));
      },
      () => undefined,
    );
  }, []);
  const save = async () => {
    try {
      const input: EmailConfigInput = {
        host: form.host.trim(),
        port: form.port,
        security: form.security,
        from: form.from.trim(),
        ratePerSecond: form.ratePerSecond,
      };
      if (form.user.trim()) input.user = form.user.trim();
      if (form.password) input.password = form.password;
      if (form.fromName.trim()) input.fromName = form.fromName.trim();
      setStatus(await bridge.invoke('email.configure', input));
      setForm((f) => ({ ...f, password: '' }));
      setEditing(false);
    } catch (e) {
      props.onError((e as Error).message);
    }
  };
  return (
    <Card withBorder padding="sm">
      <Group justify="space-between" mb="xs">
        <Title order={4}>2b. Send by email (SMTP)</Title>
        <Button
          size="compact-xs"
          variant="subtle"
          leftSection={<IconSettings size={12} />}
          onClick={() => setEditing((v) => !v)}
        >
          SMTP settings
        </Button>
      </Group>
      {status?.configured ? (
        <Text size="sm" mb="xs" data-testid="smtp-status">
          {status.host}:{status.port} · from{' '}
          {status.fromName ? `${status.fromName} <${status.from}>` : status.from} · {status.ratePerSecond}/s{' '}
          <Badge size="xs" variant="light">
            {status.user ? `login ${status.user}` : 'no login'}
          </Badge>
        </Text>
      ) : (
        <Text size="sm" c="dimmed" mb="xs">
          Not set up. Sending email needs your SMTP server, a From address and, usually, a login. The password
          stays in the app's data folder and is never shown again.
        </Text>
      )}
      <Collapse expanded={editing}>
        <Stack gap="xs" mb="xs">
          <Group grow>
            <TextInput
              size="xs"
              label="SMTP host"
              placeholder="smtp.example.com"
              value={form.host}
              onChange={(e) => setForm({ ...form, host: e.currentTarget.value })}
            />
            <NumberInput
              size="xs"
              label="Port"
              min={1}
              max={65535}
              value={form.port}
              onChange={(v) => setForm({ ...form, port: typeof v === 'number' ? v : 587 })}
            />
            <Select
              size="xs"
              label="Security"
              data={SECURITY_OPTIONS}
              value={form.security}
              allowDeselect={false}
              onChange={(v) =>
                setForm({
                  ...form,
                  security: SECURITY_OPTIONS.find((o) => o.value === v)?.value ?? 'starttls',
                })
              }
            />
          </Group>
          <Group grow>
            <TextInput
              size="xs"
              label="SMTP user"
              placeholder="(none)"
              value={form.user}
              onChange={(e) => setForm({ ...form, user: e.currentTarget.value })}
            />
            <TextInput
              size="xs"
              type="password"
              label="SMTP password"
              placeholder={status?.hasPassword ? 'unchanged' : ''}
              value={form.password}
              onChange={(e) => setForm({ ...form, password: e.currentTarget.value })}
            />
          </Group>
          <Group grow>
            <TextInput
              size="xs"
              label="From address"
              placeholder="news@shop.example"
              value={form.from}
              onChange={(e) => setForm({ ...form, from: e.currentTarget.value })}
            />
            <TextInput
              size="xs"
              label="From name"
              placeholder="Shop News"
              value={form.fromName}
              onChange={(e) => setForm({ ...form, fromName: e.currentTarget.value })}
            />
            <NumberInput
              size="xs"
              label="Emails per second"
              min={0.1}
              max={1000}
              decimalScale={1}
              value={form.ratePerSecond}
              onChange={(v) => setForm({ ...form, ratePerSecond: typeof v === 'number' ? v : 10 })}
            />
          </Group>
          <Group justify="flex-end">
            <Button size="xs" onClick={save} disabled={!form.host.trim() || !form.from.trim()}>
              Save SMTP settings
            </Button>
          </Group>
        </Stack>
      </Collapse>
      <Button
        size="xs"
        leftSection={<IconSend size={14} />}
        disabled={!status?.configured || props.busy || props.prepared === 0 || props.blockedBase !== null}
        onClick={props.onSend}
      >
        Send {props.prepared.toLocaleString()} by email
      </Button>
      {props.blockedBase !== null && <SendBlockedReason base={props.blockedBase} />}
    </Card>
  );
}

/** The first prepared email as an `.eml` file, composed by the same code that sends it. */
export function EmlButton(props: {
  campaign: CampaignRow;
  disabled: boolean;
  onError: (message: string) => void;
}) {
  const download = async () => {
    const [first] = await preparedMessages(appDb(), props.campaign.id);
    if (!first) return;
    const { eml } = await bridge.invoke('email.compose', { message: emailOutgoing(first) });
    const base = props.campaign.name.replace(/[^\w-]+/g, '-').replace(/^-+|-+$/g, '') || 'campaign';
    await saveTextFile(`${base}-first-recipient.eml`, eml, 'message/rfc822');
  };
  return (
    <Button
      size="xs"
      variant="default"
      leftSection={<IconDownload size={14} />}
      disabled={props.disabled}
      onClick={() => download().catch((e: Error) => props.onError(e.message))}
    >
      Download .eml
    </Button>
  );
}
