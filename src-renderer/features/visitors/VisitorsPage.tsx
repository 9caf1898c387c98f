// Visitors: browsers seen on the team's websites that are not linked to a contact, newest first,
// each with its sessions and pages; one can be linked to a contact by hand (and the link undone).
import { ActionIcon, Anchor, Button, Card, Group, Modal, Select, Stack, Table, Text } from '@mantine/core';
import { IconChevronDown, IconChevronRight, IconLink, IconWorldWww } from '@tabler/icons-react';
import { useLiveQuery } from 'dexie-react-hooks';
import { Fragment, useEffect, useState } from 'react';
import type { Site } from '../../../src-main/shared/collector';
import type { ContactRow, SessionRow, VisitorRow } from '../../db/types';
import { bridge } from '../../platform';
import { type AnonymousVisitor, anonymousVisitors } from '../../queries/visitors';
import { appDb } from '../../state/db';
import { describeDevice } from '../../stitching/device';
import { stitchVisitorManually } from '../../stitching/manual';
import { ContactPicker } from '../../ui/ContactPicker';
import { fullName } from '../../ui/contact-text';
import { EmptyState } from '../../ui/EmptyState';
import { formatAgo, formatDateTime, safeHttpUrl } from '../../ui/format';
import { notifyError } from '../../ui/notifications';
import { PageHeader } from '../../ui/PageHeader';
import { notifyUndoable } from '../../ui/undo';
import { currentIngestSettings } from '../../ui/useSettings';

const PAGE = 50;
const HOUR = 3_600_000;
const RANGES: { value: string; label: string; hours: number | null }[] = [
  { value: '24h', label: 'Last 24 hours', hours: 24 },
  { value: '7d', label: 'Last 7 days', hours: 24 * 7 },
  { value: '30d', label: 'Last 30 days', hours: 24 * 30 },
  { value: 'all', label: 'Any time', hours: null },
];

/** Short, stable label for an anonymous browser (its id is long and random). */
const visitorLabel = (visitor: VisitorRow): string => `Visitor ${visitor.id.slice(0, 8)}`;

export function VisitorsPage() {
  const db = appDb();
  const [sites, setSites] = useState<Site[]>([]);
  const [siteId, setSiteId] = useState<string | null>(null);
  const [range, setRange] = useState('all');
  const [limit, setLimit] = useState(PAGE);
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const [linking, setLinking] = useState<VisitorRow | null>(null);

  useEffect(() => {
    bridge.invoke('sites.list', undefined).then(setSites, () => setSites([]));
  }, []);
  const hours = RANGES.find((r) => r.value === range)?.hours ?? null;
  const visitors = useLiveQuery(() => {
    const query: Parameters<typeof anonymousVisitors>[1] = { limit: limit + 1 };
    if (siteId) query.siteId = siteId;
    if (hours) query.since = Date.now() - hours * HOUR;
    return anonymousVisitors(db, query);
  }, [db, siteId, hours, limit]);
  const anyVisitor = useLiveQuery(async () => (await db.visitors.count()) > 0, [db]);
  const siteName = (id: string | undefined) => (id ? (sites.find((s) => s.id === id)?.name ?? id) : '—');
  const shown = visitors?.slice(0, limit) ?? [];

  if (anyVisitor === false) {
    return (
      <>
        <PageHeader title="Visitors" />
        <EmptyState icon={<IconWorldWww />} title="No visitors recorded">
          Add the tracking snippet from the Collector page to your website. Every browser that visits appears
          here as an anonymous visitor until it clicks a tracked link or submits a form with a known email or
          phone.
        </EmptyState>
      </>
    );
  }

  return (
    <>
      <PageHeader title="Visitors" />
      <Text size="sm" c="dimmed" mb="sm">
        Browsers seen on your websites that are not linked to any contact. A browser is linked when it opens a
        tracked link or a form names a known email or phone — or by hand, with "Link to contact…".
      </Text>
      <Group gap="xs" mb="xs">
        <Select
          size="xs"
          w={200}
          aria-label="Website"
          placeholder="All websites"
          clearable
          data={sites.map((s) => ({ value: s.id, label: s.name }))}
          value={siteId}
          onChange={setSiteId}
        />
        <Select
          size="xs"
          w={160}
          aria-label="Time range"
          allowDeselect={false}
          data={RANGES.map(({ value, label }) => ({ value, label }))}
          value={range}
          onChange={(v) => v && setRange(v)}
        />
      </Group>
      {visitors && shown.length === 0 ? (
        <EmptyState icon={<IconWorldWww />} title="No anonymous visitors here">
          No unlinked browser visited {siteId ? siteName(siteId) : 'your websites'} in this time range. Pick
          another website or a longer range.
        </EmptyState>
      ) : (
        <Table highlightOnHover fz="sm" verticalSpacing={4} aria-label="Anonymous visitors">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={32} />
              <Table.Th>Visitor</Table.Th>
              <Table.Th>Browser</Table.Th>
              <Table.Th>Website</Table.Th>
              <Table.Th>First seen</Table.Th>
              <Table.Th>Last seen</Table.Th>
              <Table.Th ta="right">Sessions</Table.Th>
              <Table.Th ta="right">Page views</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {shown.map((entry) => (
              <VisitorRows
                key={entry.visitor.id}
                entry={entry}
                siteName={siteName(entry.visitor.siteId)}
                open={expanded.has(entry.visitor.id)}
                onToggle={() =>
                  setExpanded((s) => {
                    const next = new Set(s);
                    if (!next.delete(entry.visitor.id)) next.add(entry.visitor.id);
                    return next;
                  })
                }
                onLink={() => setLinking(entry.visitor)}
              />
            ))}
          </Table.Tbody>
        </Table>
      )}
      {visitors && visitors.length > limit && (
        <Group justify="center" mt="sm">
          <Button size="xs" variant="default" onClick={() => setLimit(limit + PAGE)}>
            Load more
          </Button>
        </Group>
      )}
      <LinkToContactModal visitor={linking} onClose={() => setLinking(null)} />
    </>
  );
}

function VisitorRows(props: {
  entry: AnonymousVisitor;
  siteName: string;
  open: boolean;
  onToggle: () => void;
  onLink: () => void;
}) {
  const { visitor, sessions } = props.entry;
  const device = describeDevice(visitor.userAgent);
  const label = visitorLabel(visitor);
  return (
    <Fragment>
      <Table.Tr aria-label={label}>
        <Table.Td>
          <ActionIcon
            size="sm"
            variant="subtle"
            aria-label={props.open ? `Hide sessions of ${label}` : `Show sessions of ${label}`}
            aria-expanded={props.open}
            onClick={props.onToggle}
          >
            {props.open ? <IconChevronDown size={14} /> : <IconChevronRight size={14} />}
          </ActionIcon>
        </Table.Td>
        <Table.Td title={visitor.id}>
          <Text ff="monospace" size="sm">
            {label}
          </Text>
          {props.entry.tokenNote && (
            <Text size="xs" c="red.9" maw={360}>
              {props.entry.tokenNote}
            </Text>
          )}
        </Table.Td>
        <Table.Td>
          {device.label}
          {visitor.device !== 'unknown' ? ` · ${visitor.device}` : ''}
        </Table.Td>
        <Table.Td>{props.siteName}</Table.Td>
        <Table.Td>{formatDateTime(visitor.firstSeen)}</Table.Td>
        <Table.Td title={formatDateTime(visitor.lastSeen)}>{formatAgo(visitor.lastSeen)}</Table.Td>
        <Table.Td ta="right">{visitor.sessions}</Table.Td>
        <Table.Td ta="right">{visitor.pageViews}</Table.Td>
        <Table.Td ta="right">
          <Button
            size="compact-xs"
            variant="light"
            leftSection={<IconLink size={12} />}
            onClick={props.onLink}
          >
            Link to contact…
          </Button>
        </Table.Td>
      </Table.Tr>
      {props.open && (
        <Table.Tr>
          <Table.Td />
          <Table.Td colSpan={8}>
            <Stack gap={6} py={4}>
              {sessions.length === 0 && (
                <Text size="xs" c="dimmed">
                  No sessions recorded.
                </Text>
              )}
              {sessions.map((session) => (
                <SessionPages key={session.id} session={session} />
              ))}
            </Stack>
          </Table.Td>
        </Table.Tr>
      )}
    </Fragment>
  );
}

/** One session and the pages it viewed, read when the row is opened. */
function SessionPages(props: { session: SessionRow }) {
  const { session } = props;
  const db = appDb();
  const pages = useLiveQuery(
    () =>
      db.events
        .where('[visitorId+type+timestamp]')
        .between(
          [session.visitorId, 'page', session.start],
          [session.visitorId, 'page', session.end],
          true,
          true,
        )
        .limit(200)
        .toArray(),
    [db, session.visitorId, session.start, session.end],
  );
  return (
    <Card withBorder p={6} aria-label={`Session ${formatDateTime(session.start)}`}>
      <Text size="xs" fw={600}>
        Session {formatDateTime(session.start)} · {session.pageViews}{' '}
        {session.pageViews === 1 ? 'page' : 'pages'}
        {session.referrer ? ` · from ${session.referrer}` : ''}
      </Text>
      <Stack gap={0}>
        {pages?.map((page) => {
          const href = safeHttpUrl(page.url);
          const where = page.path ?? page.url ?? '(no address)';
          return (
            <Group key={page.id} gap="xs" wrap="nowrap">
              <Text size="xs" c="dimmed" w={70}>
                {new Date(page.timestamp).toLocaleTimeString()}
              </Text>
              {href ? (
                <Anchor size="xs" href={href} target="_blank" rel="noopener noreferrer">
                  {where}
                </Anchor>
              ) : (
                <Text size="xs">{where}</Text>
              )}
              {page.title && (
                <Text size="xs" c="dimmed">
                  {page.title}
                </Text>
              )}
            </Group>
          );
        })}
      </Stack>
    </Card>
  );
}

function LinkToContactModal(props: { visitor: VisitorRow | null; onClose: () => void }) {
  const { visitor } = props;
  const [contact, setContact] = useState<ContactRow | null>(null);
  const [busy, setBusy] = useState(false);
  const close = () => {
    setContact(null);
    props.onClose();
  };
  const link = async () => {
    if (!visitor || !contact) return;
    setBusy(true);
    try {
      const { auditId } = await stitchVisitorManually(appDb(), {
        visitorId: visitor.id,
        contactId: contact.id,
        settings: await currentIngestSettings(),
      });
      notifyUndoable(
        'Visitor linked',
        `${visitorLabel(visitor)}'s visits now show on ${fullName(contact)}'s profile.`,
        auditId,
      );
      close();
    } catch (error) {
      notifyError('The visitor was not linked', error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      opened={visitor !== null}
      onClose={close}
      title={visitor ? `Link ${visitorLabel(visitor)} to a contact` : ''}
    >
      <Stack gap="sm">
        <Text size="sm">
          Every visit of this browser, past and future, will show on the contact's profile. The link is
          recorded in the audit log and can be undone.
        </Text>
        <ContactPicker label="Contact" value={contact?.id ?? null} onChange={setContact} autoFocus />
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={close}>
            Cancel
          </Button>
          <Button onClick={link} disabled={!contact} loading={busy}>
            Link visitor
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
