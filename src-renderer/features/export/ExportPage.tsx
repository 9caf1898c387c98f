// Export contacts: all of them or those matching a search, tag or list (the contact list's own
// filters), as CSV (formula-safe for spreadsheets) or JSON, with identities and activity stats.
import { Alert, Button, Group, Radio, Select, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconDownload } from '@tabler/icons-react';
import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { type ExportFormat, exportContacts } from '../../contacts-io/export';
import { distinctStringKeys } from '../../db/distinct-keys';
import { bridge } from '../../platform';
import { contactsPage } from '../../queries/contacts';
import { appDb } from '../../state/db';
import type { CountryCode } from '../../stitching/identifiers';
import { EmptyState } from '../../ui/EmptyState';
import { PageHeader } from '../../ui/PageHeader';
import { saveTextFile } from '../../ui/save-file';

export function ExportPage() {
  const [params] = useSearchParams();
  const [search, setSearch] = useState(params.get('search') ?? '');
  const [tag, setTag] = useState<string | null>(params.get('tag'));
  const [list, setList] = useState<string | null>(params.get('list'));
  const [format, setFormat] = useState<ExportFormat>('csv');
  const [country, setCountry] = useState<CountryCode | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [term] = useDebouncedValue(search.trim(), 250);

  useEffect(() => {
    bridge.invoke('settings.get', undefined).then(
      (settings) => setCountry(settings.stitching.defaultCountry as CountryCode),
      () => undefined,
    );
  }, []);

  const db = appDb();
  const tags = useLiveQuery(() => distinctStringKeys(db.contacts, 'tags'), [db]);
  const lists = useLiveQuery(() => distinctStringKeys(db.contacts, 'lists'), [db]);
  const query = {
    ...(term ? { search: term } : {}),
    ...(tag ? { tag } : {}),
    ...(list ? { list } : {}),
    ...(country ? { defaultCountry: country } : {}),
  };
  const matching = useLiveQuery(async () => {
    const filters = { ...(tag ? { tag } : {}), ...(list ? { list } : {}) };
    const page = await contactsPage(db, {
      filters,
      limit: 1,
      ...(term ? { search: term } : {}),
      ...(country ? { defaultCountry: country } : {}),
    });
    return page.total;
  }, [db, term, tag, list, country]);
  const total = useLiveQuery(() => db.contacts.count(), [db]);

  const runExport = async (): Promise<void> => {
    setBusy(true);
    setMessage(null);
    try {
      const file = await exportContacts(db, format, query);
      const outcome = await saveTextFile(file.suggestedName, file.content, file.mimeType);
      if (outcome.saved) {
        setMessage({
          ok: true,
          text: `Exported ${file.count.toLocaleString()} contacts to ${outcome.where}.`,
        });
      }
    } catch (error) {
      setMessage({ ok: false, text: `The export failed: ${(error as Error).message}` });
    } finally {
      setBusy(false);
    }
  };

  if (total === 0) {
    return (
      <>
        <PageHeader title="Export contacts" />
        <EmptyState
          icon={<IconDownload size={28} />}
          title="No contacts to export"
          action={
            <Button component={Link} to="/import" size="xs">
              Import contacts
            </Button>
          }
        >
          Import a CSV or JSON file, or add contacts on the Contacts page, then export them here.
        </EmptyState>
      </>
    );
  }

  return (
    <>
      <PageHeader title="Export contacts" />
      <Stack gap="sm" maw={560}>
        <Text size="sm" c="dimmed">
          Names, emails, phones, tags, lists, consent and custom fields (an export imports back as the same
          contacts), plus linked visitors, identity emails and phones, last seen, page views, sessions, clicks
          and messages.
        </Text>
        <TextInput
          size="xs"
          label="Only contacts matching"
          placeholder="Name, email or phone (empty: all contacts)"
          value={search}
          onChange={(event) => setSearch(event.currentTarget.value)}
        />
        <Group grow>
          <Select
            size="xs"
            label="Tag"
            placeholder="Any tag"
            data={tags ?? []}
            value={tag}
            onChange={setTag}
            clearable
            searchable
          />
          <Select
            size="xs"
            label="List"
            placeholder="Any list"
            data={lists ?? []}
            value={list}
            onChange={setList}
            clearable
            searchable
          />
        </Group>
        <Radio.Group label="Format" value={format} onChange={(value) => setFormat(value as ExportFormat)}>
          <Group gap="md" mt={6}>
            <Radio size="xs" value="csv" label="CSV (spreadsheets)" />
            <Radio size="xs" value="json" label="JSON" />
          </Group>
        </Radio.Group>
        <Text size="sm" role="status">
          {matching === undefined
            ? 'Counting contacts…'
            : `${matching.toLocaleString()} of ${(total ?? 0).toLocaleString()} contacts will be exported.`}
        </Text>
        <Group>
          <Button
            size="xs"
            leftSection={<IconDownload size={14} />}
            onClick={runExport}
            loading={busy}
            disabled={matching === 0}
          >
            {format === 'csv' ? 'Export CSV' : 'Export JSON'}
          </Button>
        </Group>
        {message && <Alert color={message.ok ? 'green' : 'red'}>{message.text}</Alert>}
      </Stack>
    </>
  );
}
