// Settings: collector address, tracked links, journal retention, the stitching rules and, in the
// desktop app, start at login and updates.
import {
  Alert,
  Button,
  Card,
  Group,
  NumberInput,
  Select,
  Stack,
  Switch,
  TextInput,
  Title,
} from '@mantine/core';
import { useEffect, useState } from 'react';
import type { Settings } from '../../../src-main/shared/settings';
import { bridge } from '../../platform';
import { PageHeader } from '../../ui/PageHeader';
import { LinkBaseCheck } from '../links/LinkBaseCheck';
import { AuditLogPanel } from './AuditLogPanel';
import { BackupPanel } from './BackupPanel';
import { DesktopAppPanel } from './DesktopAppPanel';
import { MaintenancePanel } from './MaintenancePanel';

export function SettingsPage() {
  const [saved, setSaved] = useState<Settings | null>(null);
  const [draft, setDraft] = useState<Settings | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [collectorAddress, setCollectorAddress] = useState('');

  useEffect(() => {
    bridge.invoke('settings.get', undefined).then(
      (settings) => {
        setSaved(settings);
        setDraft(settings);
      },
      (error: Error) => setMessage({ ok: false, text: error.message }),
    );
    bridge.invoke('collector.status', undefined).then(
      (status) => setCollectorAddress(status.address),
      () => undefined,
    );
  }, []);

  if (!draft || !saved) return <PageHeader title="Settings" />;

  const update = <K extends keyof Settings>(section: K, patch: Partial<Settings[K]>) =>
    setDraft({ ...draft, [section]: { ...draft[section], ...patch } });

  const save = async () => {
    try {
      const next = await bridge.invoke('settings.update', draft);
      setSaved(next);
      setDraft(next);
      const restart =
        next.collector.port !== saved.collector.port || next.collector.host !== saved.collector.host;
      setMessage({
        ok: true,
        text: restart ? 'Saved. The collector address applies after a restart.' : 'Saved.',
      });
    } catch (error) {
      setMessage({ ok: false, text: (error as Error).message });
    }
  };

  return (
    <>
      <PageHeader title="Settings">
        <Button onClick={save} disabled={JSON.stringify(draft) === JSON.stringify(saved)}>
          Save settings
        </Button>
      </PageHeader>
      {message && (
        <Alert color={message.ok ? 'teal' : 'red'} mb="md" withCloseButton onClose={() => setMessage(null)}>
          {message.text}
        </Alert>
      )}
      <Stack>
        <Card withBorder>
          <Title order={4} mb="sm">
            Stitching
          </Title>
          <Stack gap="sm" maw={480}>
            <Select
              label="Lookback when a visitor is linked"
              description="Which of the visitor's earlier visits join the contact's timeline"
              data={[
                { value: 'all', label: 'Whole visitor history' },
                { value: 'session', label: 'Current session only' },
                { value: 'click', label: 'From the click on' },
              ]}
              value={draft.stitching.lookback}
              onChange={(value) =>
                value && update('stitching', { lookback: value as Settings['stitching']['lookback'] })
              }
              allowDeselect={false}
            />
            <NumberInput
              label="Forwarded-link threshold"
              description="Past this many browsers (of a kind the channel is read on) opening one message link, no further browser is linked on that link alone"
              min={1}
              max={1000}
              value={draft.stitching.forwardThreshold}
              onChange={(value) =>
                typeof value === 'number' && update('stitching', { forwardThreshold: value })
              }
            />
            <NumberInput
              label="Click token lifetime (hours)"
              description="A tracked-link tap links the browser that opens it within this many hours; later, or in another browser, it links nobody"
              min={1}
              max={744}
              value={draft.stitching.clickTokenTtlHours}
              onChange={(value) =>
                typeof value === 'number' && update('stitching', { clickTokenTtlHours: value })
              }
            />
            <TextInput
              label="Default country for phone numbers"
              description="Two-letter code used for numbers written without a + prefix, e.g. US, GB, IN"
              maxLength={2}
              value={draft.stitching.defaultCountry}
              onChange={(event) =>
                update('stitching', { defaultCountry: event.currentTarget.value.toUpperCase() })
              }
            />
            <Switch
              label="Create a contact when a form brings an unknown email or phone"
              checked={draft.stitching.createContactsFromForms}
              onChange={(event) =>
                update('stitching', { createContactsFromForms: event.currentTarget.checked })
              }
            />
          </Stack>
        </Card>
        <Card withBorder id="links">
          <Title order={4} mb="sm">
            Collector and links
          </Title>
          <Stack gap="sm" maw={480}>
            <TextInput
              label="Listen address"
              description="127.0.0.1 keeps the collector private to this computer"
              value={draft.collector.host}
              onChange={(event) => update('collector', { host: event.currentTarget.value })}
            />
            <NumberInput
              label="Port"
              min={0}
              max={65535}
              value={draft.collector.port}
              onChange={(value) => typeof value === 'number' && update('collector', { port: value })}
            />
            <TextInput
              label="Tracked link base URL"
              description="Phones open tracked links at this address. Leave empty for the collector's own (this computer only); for real campaigns, a public domain or a tunnel that forwards /r/ to the collector. Check tests the typed address, saved or not."
              placeholder="https://go.example.com"
              value={draft.links.baseUrl ?? ''}
              onChange={(event) => update('links', { baseUrl: event.currentTarget.value.trim() || null })}
            />
            <LinkBaseCheck base={draft.links.baseUrl ?? collectorAddress} />
            <TextInput
              label="Click token parameter"
              value={draft.links.clickTokenParam}
              onChange={(event) => update('links', { clickTokenParam: event.currentTarget.value })}
            />
            <NumberInput
              label="Archive acknowledged journal segments after (hours)"
              description="Older events are compressed into the journal's archive, which a rebuild still reads"
              min={0}
              value={draft.journal.retentionHours}
              onChange={(value) => typeof value === 'number' && update('journal', { retentionHours: value })}
            />
            <NumberInput
              label="Delete archived events after (days)"
              description="Leave empty to keep every event; a rebuild cannot restore events deleted here"
              placeholder="Keep forever"
              min={1}
              max={36500}
              allowDecimal={false}
              value={draft.journal.archiveExpiryDays ?? ''}
              onChange={(value) =>
                update('journal', { archiveExpiryDays: typeof value === 'number' ? value : null })
              }
            />
          </Stack>
        </Card>
        {bridge.platform === 'electron' && (
          <DesktopAppPanel desktop={draft.desktop} onChange={(patch) => update('desktop', patch)} />
        )}
        <AuditLogPanel />
        <MaintenancePanel />
        <BackupPanel />
        <Group />
      </Stack>
    </>
  );
}
