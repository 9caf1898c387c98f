// Contacts: the people campaigns go to. A virtualized table over the whole store (only the visible
// window of rows is loaded, through `contactsPage`), with search, filters, sorting and bulk actions.
import {
  Anchor,
  Badge,
  Button,
  Checkbox,
  Group,
  Skeleton,
  Table,
  Text,
  TextInput,
  UnstyledButton,
} from '@mantine/core';
import {
  IconAddressBook,
  IconArrowDown,
  IconArrowsSort,
  IconArrowUp,
  IconDownload,
  IconPlus,
  IconSearch,
  IconUpload,
} from '@tabler/icons-react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useLiveQuery } from 'dexie-react-hooks';
import { memo, useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { distinctStringKeys } from '../../db/distinct-keys';
import type { ContactRow } from '../../db/types';
import {
  type ContactFilters,
  type ContactSort,
  type CustomFieldFilter,
  contactsPage,
  contactsTotal,
  customFieldNames,
  matchingContactIds,
} from '../../queries/contacts';
import { appDb } from '../../state/db';
import { fullName } from '../../ui/contact-text';
import { EmptyState } from '../../ui/EmptyState';
import { formatAgo, formatCount, formatDateTime } from '../../ui/format';
import { notify } from '../../ui/notifications';
import { PageHeader } from '../../ui/PageHeader';
import { useDefaultCountry } from '../../ui/useSettings';
import { BulkActions } from './BulkActions';
import { ContactFilterPickers, type YesNo } from './ContactFilterPickers';
import { ContactFormModal } from './ContactFormModal';

const ROW_HEIGHT = 37;
/** Rows are loaded in blocks, so scrolling inside a block does not query again. */
const BLOCK = 100;

interface Column {
  id: string;
  label: string;
  width: number | string;
  sort?: ContactSort;
  numeric?: boolean;
}

const COLUMNS: Column[] = [
  { id: 'name', label: 'Name', width: '18%', sort: 'name' },
  { id: 'email', label: 'Email', width: '19%' },
  { id: 'phone', label: 'Phone', width: 140 },
  { id: 'tags', label: 'Tags', width: '14%' },
  { id: 'visitors', label: 'Stitched visitors', width: 130, numeric: true },
  { id: 'lastSeen', label: 'Last seen', width: 110, sort: 'lastSeen' },
  { id: 'pageViews', label: 'Page views', width: 115, sort: 'pageViews', numeric: true },
  { id: 'clicks', label: 'Clicks', width: 80, sort: 'clicks', numeric: true },
];

/** One empty list for pickers whose names are still loading (a new `[]` each render defeats memo). */
const NO_NAMES: string[] = [];

export function ContactsPage() {
  const db = appDb();
  const navigate = useNavigate();
  const defaultCountry = useDefaultCountry();
  const [search, setSearch] = useState('');
  // Each keystroke queries at once: a scan of the in-memory search index takes a few milliseconds
  // at 100,000 contacts, and deferring the term cost a whole extra render before the query began.
  const searchTerm = search;
  // The search index is read once per window: start when the page is idle, so the first rows paint first.
  useEffect(() => {
    if (typeof requestIdleCallback !== 'function') return db.searchIndex.warm();
    const idle = requestIdleCallback(() => db.searchIndex.warm(), { timeout: 2_000 });
    return () => cancelIdleCallback(idle);
  }, [db]);
  const [sortBy, setSortBy] = useState<ContactSort>('lastSeen');
  const [direction, setDirection] = useState<'asc' | 'desc'>('desc');
  const [stitched, setStitched] = useState<YesNo | null>(null);
  const [engaged, setEngaged] = useState<ContactFilters['engaged'] | null>(null);
  const [consent, setConsent] = useState<ContactFilters['consent'] | null>(null);
  const [tag, setTag] = useState<string | null>(null);
  const [list, setList] = useState<string | null>(null);
  const [customField, setCustomField] = useState<string | null>(null);
  const [customOp, setCustomOp] = useState<CustomFieldFilter['op']>('equals');
  const [customValue, setCustomValue] = useState('');
  const customText = useDeferredValue(customValue);
  // Read when a field picker opens (again each time, so a new import's columns show), not on every render.
  const [fieldNames, setFieldNames] = useState<string[]>([]);
  const loadFieldNames = useCallback(() => void customFieldNames(db).then(setFieldNames), [db]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  // "Select all N matching": the selection is the query, resolved when an action runs.
  const [allMatching, setAllMatching] = useState(false);
  const [adding, setAdding] = useState(false);

  const filters = useMemo(() => {
    const f: ContactFilters = {};
    if (stitched) f.stitched = stitched === 'yes';
    if (engaged) f.engaged = engaged;
    if (consent) f.consent = consent;
    if (tag) f.tag = tag;
    if (list) f.list = list;
    if (customField && customText.trim())
      f.custom = { field: customField, op: customOp, value: customText.trim() };
    return f;
  }, [stitched, engaged, consent, tag, list, customField, customOp, customText]);
  const queryKey = JSON.stringify({ sortBy, direction, searchTerm, filters, defaultCountry });
  const narrowed = searchTerm.trim() !== '' || Object.keys(filters).length > 0;

  // Whether the store holds any contact: one row read, not a count (IndexedDB counts row by row).
  const storeEmpty = useLiveQuery(async () => (await db.contacts.limit(1).toArray()).length === 0, [db]);
  const tags = useLiveQuery(() => distinctStringKeys(db.contacts, 'tags'), [db]);
  const lists = useLiveQuery(() => distinctStringKeys(db.contacts, 'lists'), [db]);

  const scrollRef = useRef<HTMLDivElement>(null);
  const [total, setTotal] = useState(0);
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    // Rows past the visible ones, each side: a few keep a fast scroll filled (rows are loaded in
    // blocks of BLOCK); each one more is ~20 Mantine elements mounted when the list opens.
    overscan: 5,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;
  const windowStart = Math.floor(first / BLOCK) * BLOCK;
  const windowEnd = (Math.floor(last / BLOCK) + 1) * BLOCK;

  // A live query over the visible window: it re-runs when contacts change (ingest, edits, bulk actions).
  const page = useLiveQuery(async () => {
    const result = await contactsPage(db, {
      sortBy,
      direction,
      search: searchTerm,
      filters,
      defaultCountry,
      offset: windowStart,
      limit: windowEnd - windowStart,
      countTable: false,
    });
    return { ...result, key: queryKey, offset: windowStart };
  }, [db, queryKey, windowStart, windowEnd]);
  // A total that needs counting the whole table comes apart, after the rows: they paint first.
  const tableCount = page !== undefined && page.total === undefined;
  const counted = useLiveQuery(
    async () => (tableCount ? { key: queryKey, total: await contactsTotal(db, filters) } : null),
    [db, queryKey, tableCount],
  );
  const knownTotal = page?.total ?? (counted?.key === queryKey ? counted.total : undefined);
  // Derived while rendering (not in an effect, which would paint the old count once more). Until
  // counted, the list is as long as the rows loaded, so they show.
  const nextTotal = knownTotal ?? (page ? Math.max(total, page.offset + page.rows.length) : total);
  if (nextTotal !== total) setTotal(nextTotal);
  // A new search, sort or filter starts at the top.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the query changes.
  useEffect(() => {
    // Only when scrolled (the offset the virtualizer tracked from scroll events: reading the
    // element's scrollTop, or scrolling, would force a layout in the middle of a search).
    if ((virtualizer.scrollOffset ?? 0) > 0) virtualizer.scrollToOffset(0);
    setAllMatching(false);
  }, [queryKey]);

  const current = page?.key === queryKey ? page : undefined;
  const rowAt = (index: number): ContactRow | undefined =>
    current && index >= current.offset ? current.rows[index - current.offset] : undefined;
  const loadedRows = current?.rows ?? [];

  const toggleSort = (column: ContactSort) => {
    if (column === sortBy) setDirection(direction === 'asc' ? 'desc' : 'asc');
    else {
      setSortBy(column);
      setDirection(column === 'name' ? 'asc' : 'desc');
    }
  };
  const toggle = (id: string, on: boolean) => {
    if (allMatching) {
      // Leaving "all matching" for a hand-picked selection: the loaded rows minus this one.
      setAllMatching(false);
      setSelected(new Set(loadedRows.map((c) => c.id).filter((c) => c !== id)));
      return;
    }
    setSelected((s) => {
      const next = new Set(s);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  };
  // One stable handler for every row, so a row re-renders only when its contact or selection changes
  // (typing in the search box re-renders the page first with the old rows: that must stay cheap).
  const toggleNow = useRef(toggle);
  toggleNow.current = toggle;
  const onToggle = useCallback((id: string, on: boolean) => toggleNow.current(id, on), []);
  const allLoadedSelected =
    allMatching || (loadedRows.length > 0 && loadedRows.every((c) => selected.has(c.id)));
  const someLoadedSelected = loadedRows.some((c) => selected.has(c.id));
  const clearSelection = () => {
    setAllMatching(false);
    setSelected(new Set());
  };
  const selection = allMatching
    ? {
        count: total,
        resolveIds: () => matchingContactIds(db, { search: searchTerm, filters, defaultCountry }),
      }
    : { count: selected.size, resolveIds: async () => [...selected] };

  // The rows loaded when "select all shown" is ticked: read at the tick, as the head is memoized.
  const loadedNow = useRef(loadedRows);
  loadedNow.current = loadedRows;
  // biome-ignore lint/correctness/useExhaustiveDependencies: toggleSort reads only sortBy and direction.
  const thead = useMemo(
    () => (
      <Table.Thead>
        <Table.Tr>
          <Table.Th w={36}>
            <Checkbox
              size="xs"
              aria-label="Select all shown contacts"
              checked={allLoadedSelected}
              indeterminate={!allLoadedSelected && someLoadedSelected}
              onChange={(e) => {
                const on = e.currentTarget.checked;
                if (!on) setAllMatching(false);
                setSelected((s) => {
                  const next = new Set(s);
                  for (const c of loadedNow.current) {
                    if (on) next.add(c.id);
                    else next.delete(c.id);
                  }
                  return next;
                });
              }}
            />
          </Table.Th>
          {COLUMNS.map((column) => (
            <Table.Th
              key={column.id}
              w={column.width}
              ta={column.numeric ? 'right' : undefined}
              style={{ whiteSpace: 'nowrap' }}
              aria-sort={
                column.sort
                  ? column.sort === sortBy
                    ? direction === 'asc'
                      ? 'ascending'
                      : 'descending'
                    : 'none'
                  : undefined
              }
            >
              {column.sort ? (
                <SortButton
                  label={column.label}
                  active={column.sort === sortBy}
                  direction={direction}
                  onClick={() => column.sort && toggleSort(column.sort)}
                />
              ) : (
                column.label
              )}
            </Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
    ),
    [sortBy, direction, allLoadedSelected, someLoadedSelected],
  );

  // Page header, form and table head are memoized elements: typing a search re-renders the page
  // several times, and these Mantine trees need to render only when what they show changes.
  const header = useMemo(
    () => (
      <PageHeader title="Contacts">
        <Button size="xs" leftSection={<IconPlus size={14} />} onClick={() => setAdding(true)}>
          Add contact
        </Button>
        <Button
          size="xs"
          variant="default"
          leftSection={<IconUpload size={14} />}
          onClick={() => navigate('/import')}
        >
          Import contacts
        </Button>
        <Button
          size="xs"
          variant="default"
          leftSection={<IconDownload size={14} />}
          onClick={() => navigate('/export')}
        >
          Export contacts
        </Button>
      </PageHeader>
    ),
    [navigate],
  );
  // Keyed: the page swaps between the empty state and the list when the first contact arrives (from
  // ingest catching up, another window, this very form), and an unkeyed form would be mounted anew
  // at its new place in the tree, wiping what the marketer had typed.
  const form = useMemo(
    () => (
      <ContactFormModal
        key="contact-form"
        opened={adding}
        onClose={() => setAdding(false)}
        onSaved={(id) =>
          notify({
            title: 'Contact saved',
            color: 'teal',
            action: { label: 'Open profile', run: () => navigate(`/contacts/${id}`) },
          })
        }
      />
    ),
    [adding, navigate],
  );

  if (storeEmpty === true) {
    return (
      <>
        {header}
        <EmptyState
          icon={<IconAddressBook />}
          title="No contacts yet"
          action={
            <Group gap="xs">
              <Button onClick={() => setAdding(true)}>Add contact</Button>
              <Button variant="default" onClick={() => navigate('/import')}>
                Import a file
              </Button>
              <Button variant="light" onClick={() => navigate('/demo')}>
                Try the 60-second demo
              </Button>
            </Group>
          }
        >
          Add the people your SMS and WhatsApp campaigns go to, one by one or from a CSV or JSON file. Phone
          numbers are normalised to international format so campaigns can reach them.
        </EmptyState>
        {form}
      </>
    );
  }

  const virtualRows = items;
  const padTop = virtualRows[0]?.start ?? 0;
  const padBottom = virtualizer.getTotalSize() - (virtualRows[virtualRows.length - 1]?.end ?? 0);

  return (
    <>
      {header}
      <Group gap="xs" mb="xs" align="flex-end" wrap="wrap">
        <TextInput
          size="xs"
          w={260}
          aria-label="Search contacts"
          placeholder="Search contacts: name, email or phone"
          leftSection={<IconSearch size={14} />}
          value={search}
          onFocus={() => db.searchIndex.warm()}
          onChange={(e) => setSearch(e.currentTarget.value)}
        />
        <ContactFilterPickers
          {...{ stitched, engaged, consent, tag, list, customField, customOp, customValue }}
          {...{
            setStitched,
            setEngaged,
            setConsent,
            setTag,
            setList,
            setCustomField,
            setCustomOp,
            setCustomValue,
          }}
          tags={tags ?? NO_NAMES}
          lists={lists ?? NO_NAMES}
          fieldNames={fieldNames}
          onFieldsWanted={loadFieldNames}
        />
        <Text size="xs" c="dimmed" ml="auto" aria-live="polite">
          {knownTotal !== undefined
            ? `${formatCount(total)} ${total === 1 ? 'contact' : 'contacts'}`
            : page
              ? 'Counting…'
              : 'Loading…'}
        </Text>
      </Group>
      {allLoadedSelected && total > loadedRows.length && (
        <Group gap="xs" mb={4} role="status">
          <Text size="sm">
            {allMatching
              ? `All ${formatCount(total)} contacts matching this view are selected.`
              : `The ${formatCount(selected.size)} loaded contacts are selected.`}
          </Text>
          {!allMatching && (
            <Button size="compact-sm" variant="subtle" onClick={() => setAllMatching(true)}>
              Select all {formatCount(total)} matching contacts
            </Button>
          )}
        </Group>
      )}
      <BulkActions
        selection={selection}
        onClear={clearSelection}
        tags={tags ?? NO_NAMES}
        fields={fieldNames}
        onFieldsWanted={loadFieldNames}
      />
      <div
        ref={scrollRef}
        style={{ height: 'calc(100vh - 250px)', minHeight: 240, overflow: 'auto', contain: 'strict' }}
      >
        <Table
          stickyHeader
          layout="fixed"
          highlightOnHover
          verticalSpacing={6}
          fz="sm"
          aria-label="Contacts"
          aria-rowcount={total + 1}
        >
          {thead}
          <Table.Tbody>
            {padTop > 0 && (
              <tr aria-hidden>
                <td colSpan={COLUMNS.length + 1} style={{ height: padTop, padding: 0, border: 0 }} />
              </tr>
            )}
            {virtualRows.map((item) => {
              const contact = rowAt(item.index);
              return contact ? (
                <ContactListRow
                  key={contact.id}
                  contact={contact}
                  index={item.index}
                  selected={allMatching || selected.has(contact.id)}
                  onToggle={onToggle}
                />
              ) : (
                <Table.Tr key={`loading-${item.index}`} h={ROW_HEIGHT} aria-rowindex={item.index + 2}>
                  <Table.Td colSpan={COLUMNS.length + 1}>
                    <Skeleton h={12} />
                  </Table.Td>
                </Table.Tr>
              );
            })}
            {padBottom > 0 && (
              <tr aria-hidden>
                <td colSpan={COLUMNS.length + 1} style={{ height: padBottom, padding: 0, border: 0 }} />
              </tr>
            )}
          </Table.Tbody>
        </Table>
        {page && knownTotal === 0 && (
          <EmptyState icon={<IconSearch />} title="No contacts match">
            {narrowed
              ? 'Nothing matches this search and these filters. Clear a filter or try part of a name, an email, or the last digits of a phone number.'
              : 'Every contact was merged into another one.'}
          </EmptyState>
        )}
      </div>
      {form}
    </>
  );
}

function SortButton(props: {
  label: string;
  active: boolean;
  direction: 'asc' | 'desc';
  onClick: () => void;
}) {
  const Icon = !props.active ? IconArrowsSort : props.direction === 'asc' ? IconArrowUp : IconArrowDown;
  return (
    <UnstyledButton onClick={props.onClick} fw={600} fz="sm">
      <Group gap={4} wrap="nowrap">
        {props.label}
        <Icon size={12} opacity={props.active ? 1 : 0.4} aria-hidden />
      </Group>
    </UnstyledButton>
  );
}

const ContactListRow = memo(function ContactListRow(props: {
  contact: ContactRow;
  index: number;
  selected: boolean;
  onToggle: (contactId: string, on: boolean) => void;
}) {
  const { contact } = props;
  const name = fullName(contact);
  const cell = { style: { whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' } } as const;
  return (
    <Table.Tr h={ROW_HEIGHT} aria-rowindex={props.index + 2} bg={props.selected ? 'blue.0' : undefined}>
      <Table.Td>
        <Checkbox
          size="xs"
          aria-label={`Select ${name}`}
          checked={props.selected}
          onChange={(e) => props.onToggle(contact.id, e.currentTarget.checked)}
        />
      </Table.Td>
      <Table.Td {...cell}>
        <Anchor component={Link} to={`/contacts/${contact.id}`} fz="sm" fw={500}>
          {name}
        </Anchor>
      </Table.Td>
      <Table.Td {...cell}>{contact.email ?? ''}</Table.Td>
      <Table.Td {...cell}>{contact.phone ?? contact.whatsapp ?? ''}</Table.Td>
      <Table.Td {...cell}>
        <Group gap={4} wrap="nowrap">
          {contact.tags.slice(0, 3).map((t) => (
            <Badge key={t} size="xs" variant="light" style={{ flexShrink: 0 }}>
              {t}
            </Badge>
          ))}
          {contact.tags.length > 3 && (
            <Text size="xs" c="dimmed">
              +{contact.tags.length - 3}
            </Text>
          )}
        </Group>
      </Table.Td>
      <Table.Td ta="right">{formatCount(contact.stats.visitors)}</Table.Td>
      <Table.Td {...cell} title={contact.stats.lastSeen ? formatDateTime(contact.stats.lastSeen) : undefined}>
        {formatAgo(contact.stats.lastSeen)}
      </Table.Td>
      <Table.Td ta="right">{formatCount(contact.stats.pageViews)}</Table.Td>
      <Table.Td ta="right">{formatCount(contact.stats.clicks)}</Table.Td>
    </Table.Tr>
  );
});
