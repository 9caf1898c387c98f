// "Merge with…": pick the duplicate, compare both side by side, merge it into this contact. Nothing
// is rewritten (the duplicate only points here), so the merge can be undone from the notice.
import { Alert, Button, Group, Modal, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import type { ContactRow } from '../../db/types';
import { appDb } from '../../state/db';
import { mergeContacts } from '../../stitching/manual';
import { ContactPicker } from '../../ui/ContactPicker';
import { fullName } from '../../ui/contact-text';
import { formatAgo, formatDate } from '../../ui/format';
import { notifyError } from '../../ui/notifications';
import { notifyUndoable } from '../../ui/undo';
import { currentIngestSettings } from '../../ui/useSettings';

const FIELDS: { label: string; value: (c: ContactRow) => string }[] = [
  { label: 'Name', value: fullName },
  { label: 'Email', value: (c) => c.email ?? '—' },
  { label: 'Phone', value: (c) => c.phone ?? '—' },
  { label: 'WhatsApp', value: (c) => c.whatsapp ?? '—' },
  { label: 'Tags', value: (c) => c.tags.join(', ') || '—' },
  { label: 'Lists', value: (c) => c.lists.join(', ') || '—' },
  { label: 'Created', value: (c) => formatDate(c.createdAt) },
  { label: 'Messages', value: (c) => String(c.stats.messages) },
  { label: 'Clicks', value: (c) => String(c.stats.clicks) },
  { label: 'Linked browsers', value: (c) => String(c.stats.visitors) },
  { label: 'Sessions', value: (c) => String(c.stats.sessions) },
  { label: 'Page views', value: (c) => String(c.stats.pageViews) },
  { label: 'Last seen', value: (c) => formatAgo(c.stats.lastSeen) },
];

export function MergeModal(props: { contact: ContactRow; opened: boolean; onClose: () => void }) {
  const { contact } = props;
  const [other, setOther] = useState<ContactRow | null>(null);
  const [busy, setBusy] = useState(false);
  const close = () => {
    setOther(null);
    props.onClose();
  };
  const merge = async () => {
    if (!other) return;
    setBusy(true);
    try {
      const { auditId } = await mergeContacts(appDb(), {
        targetId: contact.id,
        sourceId: other.id,
        settings: await currentIngestSettings(),
      });
      notifyUndoable('Contacts merged', `${fullName(other)} was merged into ${fullName(contact)}.`, auditId);
      close();
    } catch (error) {
      notifyError('The contacts were not merged', error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened={props.opened} onClose={close} title={`Merge with ${fullName(contact)}`} size="xl">
      <Stack gap="sm">
        <ContactPicker
          label="Duplicate contact to merge in"
          value={other?.id ?? null}
          onChange={setOther}
          exclude={[contact.id]}
          autoFocus
        />
        {other && (
          <>
            <Table withTableBorder withColumnBorders fz="sm" verticalSpacing={4} aria-label="Merge preview">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={140} />
                  <Table.Th>{fullName(contact)} (kept)</Table.Th>
                  <Table.Th>{fullName(other)} (merged in)</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {FIELDS.map((field) => (
                  <Table.Tr key={field.label}>
                    <Table.Th>{field.label}</Table.Th>
                    <Table.Td>{field.value(contact)}</Table.Td>
                    <Table.Td>{field.value(other)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            <Alert color="blue" p="xs">
              <Text size="sm">
                {fullName(other)}'s messages, clicks and linked browsers will show on {fullName(contact)}'s
                profile, and {fullName(other)} leaves the contact list. {fullName(contact)}'s own fields are
                kept. Nothing is deleted: you can undo the merge.
              </Text>
            </Alert>
          </>
        )}
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={close}>
            Cancel
          </Button>
          <Button onClick={merge} disabled={!other} loading={busy}>
            Merge contacts
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
