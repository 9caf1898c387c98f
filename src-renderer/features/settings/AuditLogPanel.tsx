// Settings → Audit log: every manual link, unlink, merge, undo and erasure, newest first, with
// Undo while the action can still be undone.
import { Anchor, Badge, Button, Card, Group, Table, Text, Title } from '@mantine/core';
import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import { Link } from 'react-router';
import type { AuditAction, AuditRow, ContactRow } from '../../db/types';
import { appDb } from '../../state/db';
import { undo } from '../../stitching/manual';
import { fullName } from '../../ui/contact-text';
import { formatDateTime } from '../../ui/format';
import { notify, notifyError } from '../../ui/notifications';
import { currentIngestSettings } from '../../ui/useSettings';

const PAGE = 50;

const ACTION_LABEL: Record<AuditAction, { label: string; color: string }> = {
  stitch: { label: 'Visitor linked', color: 'teal' },
  unstitch: { label: 'Link removed', color: 'orange' },
  merge: { label: 'Contacts merged', color: 'blue' },
  undo: { label: 'Undo', color: 'gray' },
  erase: { label: 'Contact erased', color: 'red' },
  confirm: { label: 'Tentative link confirmed', color: 'teal' },
  reject: { label: 'Tentative link rejected', color: 'orange' },
};

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

function describeEntry(row: AuditRow, names: Map<string, ContactRow>): string {
  const name = (id: unknown) => {
    const contact = names.get(text(id));
    return contact ? fullName(contact) : 'an erased contact';
  };
  const d = row.details;
  switch (row.action) {
    case 'stitch':
      return `Browser ${text(d.visitorId).slice(0, 8)} linked by hand${d.endedIdentityId ? ' (its previous link ended)' : ''}`;
    case 'unstitch':
      return d.visitorId
        ? `Browser ${text(d.visitorId).slice(0, 8)} unlinked`
        : `${text(d.kind)} link removed`;
    case 'merge':
      return `${name(d.sourceId)} merged into ${name(d.targetId)}`;
    case 'undo':
      return `Undid entry #${String(d.undoneAuditId)} (${ACTION_LABEL[d.undoneAction as AuditAction]?.label ?? text(d.undoneAction)})`;
    case 'erase':
      return `${String(d.contacts)} contact(s), ${String(d.events)} events and ${String(d.visitors)} browsers erased`;
    case 'confirm':
      return `Browser ${text(d.visitorId).slice(0, 8)} confirmed as ${name(row.contactId)}'s`;
    case 'reject':
      return `Browser ${text(d.visitorId).slice(0, 8)} rejected: not ${name(row.contactId)}'s`;
  }
}

export function AuditLogPanel() {
  const db = appDb();
  const [limit, setLimit] = useState(PAGE);
  const log = useLiveQuery(async () => {
    const rows = await db.audit
      .orderBy('at')
      .reverse()
      .limit(limit + 1)
      .toArray();
    const ids = [
      ...new Set(rows.flatMap((r) => [r.contactId, text(r.details.sourceId), text(r.details.targetId)])),
    ];
    const contacts = (await db.contacts.bulkGet(ids.filter(Boolean))).filter((c) => c !== undefined);
    return { rows, names: new Map(contacts.map((c) => [c.id, c])) };
  }, [db, limit]);

  const undoEntry = async (row: AuditRow) => {
    if (row.id === undefined) return;
    try {
      await undo(db, row.id, { settings: await currentIngestSettings() });
      notify({ title: 'Undone', message: ACTION_LABEL[row.action].label, color: 'teal' });
    } catch (error) {
      notifyError('Could not undo', error);
    }
  };

  const rows = log?.rows.slice(0, limit) ?? [];
  return (
    <Card withBorder>
      <Title order={4} mb="xs">
        Audit log
      </Title>
      {log && rows.length === 0 ? (
        <Text size="sm" c="dimmed">
          Nothing yet. Linking a visitor by hand, removing a link, merging or erasing contacts is recorded
          here, and can be undone here (except erasures).
        </Text>
      ) : (
        <Table fz="sm" verticalSpacing={4} aria-label="Audit log" highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={170}>Time</Table.Th>
              <Table.Th w={140}>Action</Table.Th>
              <Table.Th w={200}>Contact</Table.Th>
              <Table.Th>Details</Table.Th>
              <Table.Th w={90} />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row) => {
              const contact = log?.names.get(row.contactId);
              const action = ACTION_LABEL[row.action];
              return (
                <Table.Tr key={row.id}>
                  <Table.Td>{formatDateTime(row.at)}</Table.Td>
                  <Table.Td>
                    <Badge size="sm" variant="light" color={action.color}>
                      {action.label}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    {contact ? (
                      <Anchor component={Link} to={`/contacts/${contact.id}`} size="sm">
                        {fullName(contact)}
                      </Anchor>
                    ) : (
                      <Text size="sm" c="dimmed">
                        {row.action === 'erase' ? 'Erased' : '—'}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{log ? describeEntry(row, log.names) : ''}</Table.Td>
                  <Table.Td ta="right">
                    {row.undoneAt !== undefined ? (
                      <Text size="xs" c="dimmed">
                        Undone
                      </Text>
                    ) : (
                      row.undo && (
                        <Button size="compact-xs" variant="default" onClick={() => undoEntry(row)}>
                          Undo
                        </Button>
                      )
                    )}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
      {log && log.rows.length > limit && (
        <Group justify="center" mt="xs">
          <Button size="xs" variant="default" onClick={() => setLimit(limit + PAGE)}>
            Show older entries
          </Button>
        </Group>
      )}
    </Card>
  );
}
