// The campaign report: sends, deliveries, clicks, previews, forwarded links, stitched visitors and
// what they did after the click, per link and per recipient (sortable, clickers first), over a date
// range, with a CSV export.
import {
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
  Tooltip,
  UnstyledButton,
} from '@mantine/core';
import { IconArrowDown, IconArrowsSort, IconArrowUp, IconDownload } from '@tabler/icons-react';
import { useLiveQuery } from 'dexie-react-hooks';
import Papa from 'papaparse';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { neutralizeCell } from '../../contacts-io/export';
import {
  type CampaignReport,
  campaignReport,
  DEFAULT_RECIPIENT_SORT,
  type RecipientSort,
  type RecipientSortKey,
  sortRecipients,
} from '../../queries/reports';
import { appDb } from '../../state/db';
import { formatDateTime } from '../../ui/format';
import { saveTextFile } from '../../ui/save-file';
import { CampaignGoals } from '../goals/CampaignGoals';
import { RangePicker, useRangeChoice } from '../reports/RangePicker';
import { ClicksChart } from './ClicksChart';
import { CONVERSIONS_EXPLAINED, percent } from './labels';

const TABLE_ROWS = 300;

export function ReportPanel(props: { campaignId: string }) {
  const db = appDb();
  const [choice, setChoice, range] = useRangeChoice();
  const { from, to } = range;
  const report = useLiveQuery(
    () => campaignReport(db, props.campaignId, { from, to }),
    [db, props.campaignId, from, to],
  );
  const [sort, setSort] = useState<RecipientSort>(DEFAULT_RECIPIENT_SORT);
  const rows = useMemo(() => (report ? sortRecipients(report.recipientRows, sort) : []), [report, sort]);
  const snapshot = useLiveQuery(
    async () => (await db.campaigns.get(props.campaignId))?.audienceSnapshot,
    [db, props.campaignId],
  );
  if (!report) return null;
  const stats: [string, string, string?][] = [
    ['Sent', report.sent.toLocaleString()],
    [
      'Delivered',
      report.delivered === null ? '—' : report.delivered.toLocaleString(),
      'Delivery reports from Twilio, polled after each send until final',
    ],
    ['Failed', report.failed.toLocaleString()],
    ['Link clicks', report.clicks.toLocaleString()],
    ['Unique clickers', report.uniqueClickers.toLocaleString()],
    ['Click rate', percent(report.clickRate), 'Unique clickers ÷ sent'],
    [
      'Previews filtered',
      report.previews.toLocaleString(),
      'Link-preview fetchers and HEAD requests: not counted as clicks',
    ],
    [
      'Forwarded links',
      report.forwarded.toLocaleString(),
      'Opened by more than one browser, or shared in a chat',
    ],
    [
      "Recipients' browsers",
      report.openedBy.owner.toLocaleString(),
      'Browsers that opened a link and are its recipient’s, on the evidence or by your decision',
    ],
    [
      'Tentative browsers',
      report.openedBy.tentative.toLocaleString(),
      'Opened a link without enough evidence to be its recipient’s: decide on the profile; not counted below',
    ],
    [
      'Forwarded to others',
      report.openedBy.forwarded.toLocaleString(),
      'Browsers you marked as not the recipient’s',
    ],
    [
      'Stitched visitors',
      report.stitchedVisitors.toLocaleString(),
      'Browsers linked to a recipient by a click',
    ],
    ['Post-click sessions', report.postClickSessions.toLocaleString()],
    ['Post-click page views', report.postClickPageViews.toLocaleString()],
    ['Conversions', report.conversions.toLocaleString(), CONVERSIONS_EXPLAINED],
  ];
  return (
    <Stack gap="sm">
      <Group justify="space-between" align="flex-end">
        <RangePicker value={choice} onChange={setChoice} />
        <Button
          size="xs"
          variant="default"
          leftSection={<IconDownload size={14} />}
          onClick={() => void downloadReport(report)}
        >
          Export report CSV
        </Button>
      </Group>
      <SimpleGrid cols={{ base: 3, md: 6 }} spacing="xs" aria-label="Campaign results">
        {stats.map(([label, value, hint]) => (
          <Card key={label} withBorder padding="xs" aria-label={label}>
            <Tooltip label={hint ?? label} disabled={!hint}>
              <Text size="xs" c="dimmed">
                {label}
              </Text>
            </Tooltip>
            <Text fw={700} size="lg" data-testid={`stat-${label.toLowerCase().replace(/\s+/g, '-')}`}>
              {value}
            </Text>
          </Card>
        ))}
      </SimpleGrid>
      {snapshot && (
        <Text size="sm" data-testid="audience-snapshot">
          {snapshot.segmentId === null ? (
            <>
              Sent to <b>{snapshot.segmentName}</b> as they matched at {formatDateTime(snapshot.resolvedAt)}
            </>
          ) : (
            <>
              Sent to the segment <b>{snapshot.segmentName}</b> as it was at{' '}
              {formatDateTime(snapshot.resolvedAt)}
            </>
          )}
          : {snapshot.matched.toLocaleString()} contact{snapshot.matched === 1 ? '' : 's'} matched then.
        </Text>
      )}
      <Text size="xs" c="gray.7" data-testid="conversions-explained">
        <b>Conversions</b>: {CONVERSIONS_EXPLAINED}
      </Text>
      <CampaignGoals campaignId={props.campaignId} range={range} />
      <Card withBorder padding="sm">
        <Title order={5} mb="xs">
          Clicks over time
        </Title>
        <ClicksChart times={report.clickTimes} />
      </Card>
      <Card withBorder padding="sm">
        <Title order={5} mb="xs">
          Links
        </Title>
        {report.links.length === 0 ? (
          <Text size="sm" c="dimmed">
            This campaign has no tracked links.
          </Text>
        ) : (
          <Table fz="xs" verticalSpacing={2} aria-label="Per-link results">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Link</Table.Th>
                <Table.Th>Destination</Table.Th>
                <Table.Th ta="right">Clicks</Table.Th>
                <Table.Th ta="right">Clickers</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {report.links.map((link) => (
                <Table.Tr key={link.linkId}>
                  <Table.Td>{link.linkId}</Table.Td>
                  <Table.Td style={{ wordBreak: 'break-all' }}>{link.destination}</Table.Td>
                  <Table.Td ta="right">{link.clicks}</Table.Td>
                  <Table.Td ta="right">{link.clickers}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Card>
      <Card withBorder padding="sm">
        <Title order={5} mb="xs">
          Recipients
        </Title>
        <Table fz="xs" verticalSpacing={2} striped aria-label="Recipients">
          <Table.Thead>
            <Table.Tr>
              <SortHeader label="Recipient" sortKey="name" sort={sort} onSort={setSort} />
              <Table.Th>Number</Table.Th>
              <SortHeader label="Status" sortKey="status" sort={sort} onSort={setSort} />
              <Table.Th>Delivered</Table.Th>
              <SortHeader label="Clicks" sortKey="clicks" sort={sort} onSort={setSort} right />
              <Table.Th ta="right">Stitched</Table.Th>
              <Table.Th>Flags</Table.Th>
              <SortHeader label="Last click" sortKey="lastClick" sort={sort} onSort={setSort} />
              <Table.Th>Last seen</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.slice(0, TABLE_ROWS).map((r) => (
              <Table.Tr key={r.messageId}>
                <Table.Td>
                  <Anchor component={Link} to={`/contacts/${r.contactId}`} size="xs">
                    {r.name}
                  </Anchor>
                </Table.Td>
                <Table.Td>{r.to}</Table.Td>
                <Table.Td>{r.error ? `${r.status}: ${r.error}` : r.status}</Table.Td>
                <Table.Td>
                  {r.delivery ? (
                    <Badge size="xs" variant="light" color={r.delivery === 'Delivered' ? 'green' : 'red'}>
                      {r.delivery}
                    </Badge>
                  ) : (
                    (r.providerStatus ?? '—')
                  )}
                </Table.Td>
                <Table.Td ta="right">{r.clicks}</Table.Td>
                <Table.Td ta="right">{r.stitched}</Table.Td>
                <Table.Td>
                  {r.forwarded && (
                    <Badge size="xs" color="orange" variant="light">
                      Forwarded link
                    </Badge>
                  )}
                  {r.previews > 0 && (
                    <Badge size="xs" color="gray" variant="light" ml={4}>
                      {r.previews} preview{r.previews === 1 ? '' : 's'}
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>{r.lastClickAt ? formatDateTime(r.lastClickAt) : '—'}</Table.Td>
                <Table.Td>{r.lastSeen ? new Date(r.lastSeen).toLocaleString() : '—'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {report.recipientRows.length > TABLE_ROWS && (
          <Text size="xs" c="dimmed" mt={4}>
            First {TABLE_ROWS} of {report.recipientRows.length.toLocaleString()}; the report CSV has them all.
          </Text>
        )}
      </Card>
    </Stack>
  );
}

/** A column header that sorts (the APG sortable table): a button named as the column, `aria-sort` on the cell. */
function SortHeader(props: {
  label: string;
  sortKey: RecipientSortKey;
  sort: RecipientSort;
  onSort: (next: RecipientSort) => void;
  right?: boolean;
}) {
  const active = props.sort.key === props.sortKey;
  // Numbers and times start high-to-low (the busiest first), names and statuses A to Z.
  const firstDir = props.sortKey === 'clicks' || props.sortKey === 'lastClick' ? 'desc' : 'asc';
  const nextDir = active ? (props.sort.dir === 'asc' ? 'desc' : 'asc') : firstDir;
  const Icon = !active ? IconArrowsSort : props.sort.dir === 'asc' ? IconArrowUp : IconArrowDown;
  return (
    <Table.Th
      ta={props.right ? 'right' : undefined}
      aria-sort={active ? (props.sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
    >
      <UnstyledButton
        fz="xs"
        fw={700}
        onClick={() => props.onSort({ key: props.sortKey, dir: nextDir })}
        title={`Sort ${nextDir === 'asc' ? 'ascending' : 'descending'}`}
      >
        <Group gap={2} wrap="nowrap" component="span">
          {props.label}
          <Icon size={12} aria-hidden />
        </Group>
      </UnstyledButton>
    </Table.Th>
  );
}

async function downloadReport(report: CampaignReport): Promise<void> {
  const csv = Papa.unparse(
    {
      fields: [
        'message_id',
        'contact_id',
        'name',
        'phone',
        'status',
        'delivery',
        'clicks',
        'previews',
        'stitched_visitors',
        'forwarded',
        'last_seen',
      ],
      data: report.recipientRows.map((r) => [
        r.messageId,
        r.contactId,
        neutralizeCell(r.name),
        r.to ?? '',
        r.status,
        r.delivery ?? r.providerStatus ?? '',
        r.clicks,
        r.previews,
        r.stitched,
        r.forwarded ? 'yes' : 'no',
        r.lastSeen ? new Date(r.lastSeen).toISOString() : '',
      ]),
    },
    { newline: '\r\n' },
  );
  await saveTextFile(`${report.name.replace(/[^\w-]+/g, '-')}-report.csv`, csv, 'text/csv;charset=utf-8');
}
