// The steps of the import wizard: choose a file, map its columns, set options, watch it run, and
// read the result (with the rejected rows to download and fix).
import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Fieldset,
  Group,
  Input,
  Progress,
  Radio,
  ScrollArea,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { IconDownload, IconFileImport } from '@tabler/icons-react';
import { getCountries } from 'libphonenumber-js/max';
import { useId, useMemo, useState } from 'react';
import { Link } from 'react-router';
import type { DuplicatePolicy } from '../../contacts-io/commit';
import { type ColumnMapping, FIELD_LABELS, type FieldTarget } from '../../contacts-io/mapping';
import { rejectedRowsCsv } from '../../contacts-io/rejected';
import { CONSENT_CHANNEL_LABEL, CONSENT_CHANNELS } from '../../db/consent';
import type { ConsentChannel } from '../../db/types';
import type { CountryCode } from '../../stitching/identifiers';
import { saveTextFile } from '../../ui/save-file';
import type { ChosenFile, ImportResult } from './ImportPage';

export function ChooseFileStep(props: {
  desktop: boolean;
  onBrowserFile: (file: File) => void;
  onDesktopPick: () => void;
}) {
  const inputId = useId();
  return (
    <Stack gap="xs" maw={560} mt="md">
      <Text size="sm">
        A CSV file (comma, semicolon, tab or pipe separated, UTF-8) with a header row, or a JSON array of
        contact objects. Phone numbers are normalised to E.164; you map the columns in the next step.
      </Text>
      {props.desktop ? (
        <Group>
          <Button leftSection={<IconFileImport size={16} />} size="xs" onClick={props.onDesktopPick}>
            Choose file…
          </Button>
        </Group>
      ) : (
        <Input.Wrapper label="Contacts file" id={inputId}>
          <input
            id={inputId}
            type="file"
            accept=".csv,.tsv,.txt,.json,text/csv,application/json"
            style={{ display: 'block', marginTop: 4, fontSize: 13 }}
            onChange={(event) => {
              const file = event.currentTarget.files?.[0];
              if (file) props.onBrowserFile(file);
              event.currentTarget.value = '';
            }}
          />
        </Input.Wrapper>
      )}
    </Stack>
  );
}

const TARGET_OPTIONS = (Object.keys(FIELD_LABELS) as FieldTarget[])
  .filter((target) => target !== 'custom')
  .map((target) => ({ value: target, label: FIELD_LABELS[target] }));

export function MappingStep(props: {
  file: ChosenFile;
  mapping: ColumnMapping[];
  onChange: (mapping: ColumnMapping[]) => void;
}) {
  const { table } = props.file;
  const preview = table.sample.slice(0, 5);
  const setColumn = (index: number, value: string | null): void => {
    const header = table.headers[index] ?? `Column ${index + 1}`;
    const next = [...props.mapping];
    next[index] =
      value === 'custom'
        ? {
            target: 'custom',
            customName: props.mapping[index]?.customName ?? header.replace(/^custom\./i, ''),
          }
        : { target: (value ?? 'ignore') as FieldTarget };
    props.onChange(next);
  };
  return (
    <Stack gap="sm" mt="md">
      <Text size="sm" c="dimmed">
        {props.file.name}:{' '}
        {table.format === 'csv' ? `CSV separated by ${delimiterName(table.delimiter)}` : 'JSON'},{' '}
        {table.headers.length} columns. First rows:
      </Text>
      <ScrollArea type="auto">
        <Table striped withTableBorder fz="xs" aria-label="File preview">
          <Table.Thead>
            <Table.Tr>
              {table.headers.map((header, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: headers may repeat; their position is their identity
                <Table.Th key={i} style={{ whiteSpace: 'nowrap' }}>
                  {header || `Column ${i + 1}`}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {preview.map((row, r) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: preview rows have no identity but their order
              <Table.Tr key={r}>
                {table.headers.map((_, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: cells are positional
                  <Table.Td key={i} style={{ whiteSpace: 'nowrap', maxWidth: 240, overflow: 'hidden' }}>
                    {row[i] ?? ''}
                  </Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollArea>
      <Table withTableBorder fz="sm" aria-label="Column mapping" maw={760}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Column</Table.Th>
            <Table.Th>Example</Table.Th>
            <Table.Th>Import as</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {table.headers.map((header, i) => {
            const column = props.mapping[i] ?? { target: 'ignore' };
            const name = header || `Column ${i + 1}`;
            const customLabel = `Custom field “${column.customName ?? name.replace(/^custom\./i, '')}”`;
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: headers may repeat; their position is their identity
              <Table.Tr key={i}>
                <Table.Td fw={500}>{name}</Table.Td>
                <Table.Td c="dimmed" style={{ maxWidth: 220, overflow: 'hidden', whiteSpace: 'nowrap' }}>
                  {table.sample.find((row) => (row[i] ?? '').trim() !== '')?.[i] ?? ''}
                </Table.Td>
                <Table.Td w={260}>
                  <Select
                    size="xs"
                    aria-label={`Import column ${name} as`}
                    data={[...TARGET_OPTIONS, { value: 'custom', label: customLabel }]}
                    value={column.target}
                    allowDeselect={false}
                    onChange={(value) => setColumn(i, value)}
                  />
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

const delimiterName = (delimiter: string): string =>
  ({ ',': 'commas', ';': 'semicolons', '\t': 'tabs', '|': 'pipes' })[delimiter] ?? `"${delimiter}"`;

/** What the consent step says about the whole file (a row's consent column wins for its channel). */
export interface ConsentChoice {
  given: ConsentChannel[];
  /** Where they agreed, in the user's words. */
  source: string;
  /** `YYYY-MM-DD` they agreed on. */
  date: string;
}

const CONSENT_TARGET = { sms: 'consentSms', whatsapp: 'consentWhatsapp', email: 'consentEmail' } as const;

/** The file's column that carries each channel's consent, by header. */
export function consentColumns(
  headers: readonly string[],
  mapping: readonly ColumnMapping[],
): Partial<Record<ConsentChannel, string>> {
  const columns: Partial<Record<ConsentChannel, string>> = {};
  for (const channel of CONSENT_CHANNELS) {
    const index = mapping.findIndex((m) => m.target === CONSENT_TARGET[channel]);
    if (index >= 0) columns[channel] = headers[index] || `Column ${index + 1}`;
  }
  return columns;
}

export function ConsentStep(props: {
  columns: Partial<Record<ConsentChannel, string>>;
  choice: ConsentChoice;
  onChange: (choice: ConsentChoice) => void;
}) {
  const { choice, columns } = props;
  const toggle = (channel: ConsentChannel, on: boolean): void =>
    props.onChange({
      ...choice,
      given: on ? [...new Set([...choice.given, channel])] : choice.given.filter((c) => c !== channel),
    });
  return (
    <Fieldset legend="Consent" variant="unstyled">
      <Stack gap={6}>
        <Text size="xs">
          Campaigns only reach contacts who agreed to the channel. Tick what the people in this file agreed to
          receive; the source and date are kept on each contact's profile.
        </Text>
        {CONSENT_CHANNELS.map((channel) => {
          const column = columns[channel];
          return (
            <Checkbox
              key={channel}
              size="xs"
              label={`These contacts agreed to receive ${channel === 'email' ? 'email' : CONSENT_CHANNEL_LABEL[channel]}`}
              description={
                column
                  ? `The column “${column}” answers yes or no per row; this applies to rows where it is empty.`
                  : undefined
              }
              checked={choice.given.includes(channel)}
              onChange={(event) => toggle(channel, event.currentTarget.checked)}
            />
          );
        })}
        <Group gap="sm" align="flex-start">
          <TextInput
            size="xs"
            w={300}
            label="Where they agreed"
            placeholder="e.g. signup form on shop.example.com"
            value={choice.source}
            required={choice.given.length > 0}
            error={
              choice.given.length > 0 && !choice.source.trim()
                ? 'Say where they agreed: it is the proof of consent'
                : undefined
            }
            onChange={(event) => props.onChange({ ...choice, source: event.currentTarget.value })}
          />
          <TextInput
            size="xs"
            w={160}
            type="date"
            label="When they agreed"
            value={choice.date}
            onChange={(event) => props.onChange({ ...choice, date: event.currentTarget.value })}
          />
        </Group>
      </Stack>
    </Fieldset>
  );
}

export function OptionsStep(props: {
  country: CountryCode;
  onCountry: (country: CountryCode) => void;
  policy: DuplicatePolicy;
  onPolicy: (policy: DuplicatePolicy) => void;
  children?: React.ReactNode;
}) {
  const countries = useMemo(() => {
    const names = new Intl.DisplayNames(['en'], { type: 'region' });
    return getCountries()
      .map((code) => ({ value: code, label: `${names.of(code) ?? code} (${code})` }))
      .sort((a, b) => a.label.localeCompare(b.label));
  }, []);
  return (
    <Stack gap="md" mt="md" maw={560}>
      <Select
        size="xs"
        label="Default country for phone numbers"
        description="Numbers written without a + prefix are read in the row's Country column when the file has one (mapped in the previous step); this country is for rows without one."
        searchable
        data={countries}
        value={props.country}
        allowDeselect={false}
        onChange={(value) => value && props.onCountry(value as CountryCode)}
      />
      <Radio.Group
        label="When a contact already exists"
        description="Duplicates are found by email and by phone number, in your contacts and within the file."
        value={props.policy}
        onChange={(value) => props.onPolicy(value as DuplicatePolicy)}
      >
        <Stack gap={6} mt={6}>
          <Radio size="xs" value="skip" label="Skip the row (keep the existing contact as it is)" />
          <Radio size="xs" value="update" label="Update the contact with the file's values" />
          <Radio
            size="xs"
            value="merge"
            label="Merge: only fill in what the contact is missing, add tags and lists"
          />
        </Stack>
      </Radio.Group>
      {props.children}
    </Stack>
  );
}

export interface RunState {
  phase: 'reading' | 'checking' | 'writing';
  done: number;
  total: number;
  /** Rows read and accepted so far. */
  ready: number;
  rejected: number;
}

export function RunStep(props: { run: RunState; onCancel: () => void }) {
  const { run } = props;
  const percent = run.total > 0 ? Math.min(100, (run.done / run.total) * 100) : 0;
  const label =
    run.phase === 'reading'
      ? `Reading rows: ${run.done.toLocaleString()} read, ${run.ready.toLocaleString()} ready, ${run.rejected.toLocaleString()} rejected`
      : run.phase === 'checking'
        ? `Checking erased contacts: ${run.done.toLocaleString()} of ${run.total.toLocaleString()}`
        : `Writing contacts: ${run.done.toLocaleString()} of ${run.total.toLocaleString()}`;
  return (
    <Stack gap="xs" mt="md" maw={560}>
      <Text size="sm" role="status">
        {label}
      </Text>
      <Progress value={percent} animated aria-label="Import progress" />
      <Text size="xs" c="dimmed">
        Nothing is saved until the last row is written, so cancelling leaves your contacts as they were.
      </Text>
      <Group>
        <Button size="xs" color="red" variant="light" onClick={props.onCancel}>
          Cancel
        </Button>
      </Group>
    </Stack>
  );
}

const SHOWN_REJECTED = 200;

export function ResultStep(props: { result: ImportResult; file: ChosenFile; onAnother: () => void }) {
  const { result } = props;
  const [saved, setSaved] = useState<string | null>(null);
  const download = async (): Promise<void> => {
    const outcome = await saveTextFile(
      `${props.file.name.replace(/\.[^.]+$/, '')}-rejected.csv`,
      rejectedRowsCsv(props.file.table.headers, result.rejected),
      'text/csv;charset=utf-8',
    );
    setSaved(outcome.saved ? `Rejected rows saved to ${outcome.where}.` : null);
  };
  const counts: [string, number, string][] = [
    ['Imported', result.imported, 'new contacts'],
    ['Updated', result.updated, 'existing contacts changed'],
    ['Skipped', result.skipped, 'duplicates left as they were'],
    ['Rejected', result.rejected.length, 'rows not imported, listed below'],
  ];
  return (
    <Stack gap="sm" mt="md">
      <Table withTableBorder fz="sm" maw={480} aria-label="Import result">
        <Table.Tbody>
          {counts.map(([name, count, hint]) => (
            <Table.Tr key={name}>
              <Table.Th w={120}>{name}</Table.Th>
              <Table.Td w={80} fw={600} data-count={name}>
                {count.toLocaleString()}
              </Table.Td>
              <Table.Td c="dimmed">{hint}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Text size="xs" c="dimmed">
        {result.rowsRead.toLocaleString()} rows read from {props.file.name}.
      </Text>
      <Group gap="xs">
        <Button component={Link} to="/contacts" size="xs">
          View contacts
        </Button>
        <Button size="xs" variant="default" onClick={props.onAnother}>
          Import another file
        </Button>
        {result.rejected.length > 0 && (
          <Button size="xs" variant="default" leftSection={<IconDownload size={14} />} onClick={download}>
            Download rejected rows
          </Button>
        )}
      </Group>
      {saved && <Alert color="green">{saved}</Alert>}
      {result.rejected.length > 0 && (
        <>
          <Text fw={600} size="sm">
            Rejected rows{' '}
            <Badge size="sm" color="red" variant="light">
              {result.rejected.length.toLocaleString()}
            </Badge>
          </Text>
          <Table striped withTableBorder fz="xs" aria-label="Rejected rows" maw={900}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={70}>Line</Table.Th>
                <Table.Th>Reason</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {result.rejected.slice(0, SHOWN_REJECTED).map((row) => (
                <Table.Tr key={`${row.line}:${row.reason}`}>
                  <Table.Td>{row.line}</Table.Td>
                  <Table.Td>{`${row.where}: ${row.reason}`}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {result.rejected.length > SHOWN_REJECTED && (
            <Text size="xs" c="dimmed">
              The first {SHOWN_REJECTED} are shown; the download has all{' '}
              {result.rejected.length.toLocaleString()}.
            </Text>
          )}
        </>
      )}
    </Stack>
  );
}
