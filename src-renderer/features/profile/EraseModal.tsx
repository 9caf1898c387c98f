// "Erase contact": names what will be deleted before anything is, then erases (rule 7) and returns
// to the contact list. An erasure cannot be undone; later replays of her events are suppressed.
import { Button, Group, List, Modal, Stack, Text } from '@mantine/core';
import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import type { ContactRow } from '../../db/types';
import { bridge } from '../../platform';
import { appDb } from '../../state/db';
import { eraseContact, JournalNotRedactedError } from '../../stitching/erase';
import { fullName } from '../../ui/contact-text';
import { formatCount } from '../../ui/format';
import { notify, notifyError } from '../../ui/notifications';
import { erasurePreview } from './profile-data';

const plural = (n: number, one: string, many: string) => `${formatCount(n)} ${n === 1 ? one : many}`;

export function EraseModal(props: { contact: ContactRow; opened: boolean; onClose: () => void }) {
  const { contact, opened } = props;
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  const preview = useLiveQuery(
    () => (opened ? erasurePreview(appDb(), contact.id) : undefined),
    [opened, contact.id],
  );
  const name = fullName(contact);

  const erase = async () => {
    setBusy(true);
    try {
      await eraseContact(appDb(), bridge, contact.id);
      notify({ title: `${name} erased`, color: 'teal' });
      navigate('/contacts');
    } catch (error) {
      if (error instanceof JournalNotRedactedError) {
        // The contact is gone from the store: this page has nothing left to show.
        notifyError(`${name} was erased from the app, not yet from the event journal`, error);
        navigate('/contacts');
        return;
      }
      notifyError('The contact was not erased', error);
      setBusy(false);
    }
  };

  return (
    <Modal opened={opened} onClose={props.onClose} title={`Erase ${name}?`}>
      <Stack gap="sm">
        <Text size="sm">This permanently deletes {name} and everything the app holds about them:</Text>
        {preview ? (
          <List size="sm" spacing={2}>
            <List.Item>
              {plural(preview.events, 'event', 'events')} (page views, clicks, sends, forms)
            </List.Item>
            <List.Item>
              {plural(preview.browsers, 'linked browser', 'linked browsers')} and their visits
            </List.Item>
            <List.Item>{plural(preview.messages, 'message', 'messages')} sent to them</List.Item>
            {preview.merged > 0 && (
              <List.Item>{plural(preview.merged, 'contact merged', 'contacts merged')} into them</List.Item>
            )}
          </List>
        ) : (
          <Text size="sm" c="dimmed">
            Counting…
          </Text>
        )}
        <Text size="sm">
          Their email, phone numbers and browsers are remembered only as one-way hashes, so events of theirs
          that are replayed or arrive later are suppressed. This cannot be undone.
        </Text>
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={props.onClose}>
            Cancel
          </Button>
          <Button color="red" onClick={erase} loading={busy} disabled={!preview}>
            Erase contact
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
