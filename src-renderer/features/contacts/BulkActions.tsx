// The bar over the contact list while contacts are selected: add a tag, add to a list, delete.
import { Autocomplete, Button, Group, Modal, Paper, Progress, Stack, Text } from '@mantine/core';
import { IconListDetails, IconTag, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { bridge } from '../../platform';
import { appDb } from '../../state/db';
import { formatCount } from '../../ui/format';
import { notify, notifyError } from '../../ui/notifications';
import { addToContacts, deleteContacts } from './bulk-actions';

type Dialog = 'tag' | 'list' | 'delete' | null;

export function BulkActions(props: { selected: string[]; onClear: () => void; tags: string[] }) {
  const { selected } = props;
  const [dialog, setDialog] = useState<Dialog>(null);
  const [name, setName] = useState('');
  const [deleted, setDeleted] = useState<number | null>(null);
  if (selected.length === 0) return null;
  const count = `${formatCount(selected.length)} ${selected.length === 1 ? 'contact' : 'contacts'}`;

  const open = (which: Dialog) => {
    setName('');
    setDialog(which);
  };

  const applyName = async (field: 'tags' | 'lists') => {
    try {
      const changed = await addToContacts(appDb(), selected, field, name);
      notify({
        title: field === 'tags' ? `Tag "${name.trim()}" added` : `Added to list "${name.trim()}"`,
        message: `${formatCount(changed)} of ${count} changed.`,
        color: 'teal',
      });
      setDialog(null);
    } catch (error) {
      notifyError('Nothing was changed', error);
    }
  };

  const remove = async () => {
    setDeleted(0);
    try {
      await deleteContacts(appDb(), bridge, selected, setDeleted);
      notify({ title: `${count} deleted`, color: 'teal' });
      props.onClear();
    } catch (error) {
      notifyError('Deleting stopped', error);
    } finally {
      setDeleted(null);
      setDialog(null);
    }
  };

  return (
    <Paper withBorder p={6} mb="xs" bg="blue.0" role="region" aria-label="Selected contacts">
      <Group gap="xs">
        <Text size="sm" fw={600}>
          {count} selected
        </Text>
        <Button
          size="compact-sm"
          variant="default"
          leftSection={<IconTag size={14} />}
          onClick={() => open('tag')}
        >
          Add tag
        </Button>
        <Button
          size="compact-sm"
          variant="default"
          leftSection={<IconListDetails size={14} />}
          onClick={() => open('list')}
        >
          Add to list
        </Button>
        <Button
          size="compact-sm"
          color="red"
          variant="light"
          leftSection={<IconTrash size={14} />}
          onClick={() => open('delete')}
        >
          Delete
        </Button>
        <Button size="compact-sm" variant="subtle" onClick={props.onClear}>
          Clear selection
        </Button>
      </Group>

      <Modal
        opened={dialog === 'tag' || dialog === 'list'}
        onClose={() => setDialog(null)}
        title={dialog === 'tag' ? `Add a tag to ${count}` : `Add ${count} to a list`}
      >
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (dialog === 'tag' || dialog === 'list') void applyName(dialog === 'tag' ? 'tags' : 'lists');
          }}
        >
          <Stack gap="sm">
            <Autocomplete
              label={dialog === 'tag' ? 'Tag name' : 'List name'}
              data={dialog === 'tag' ? props.tags : []}
              value={name}
              onChange={setName}
              data-autofocus
            />
            <Group justify="flex-end" gap="xs">
              <Button variant="default" onClick={() => setDialog(null)}>
                Cancel
              </Button>
              <Button type="submit" disabled={!name.trim()}>
                {dialog === 'tag' ? 'Add tag' : 'Add to list'}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>

      <Modal
        opened={dialog === 'delete'}
        onClose={() => deleted === null && setDialog(null)}
        title={`Delete ${count}?`}
      >
        <Stack gap="sm">
          <Text size="sm">
            Each contact is removed with their history: their events, the browsers linked to them, their
            messages and the links between them. Events of theirs that arrive or are replayed later are
            suppressed. This cannot be undone.
          </Text>
          {deleted !== null && (
            <Progress value={(deleted / selected.length) * 100} aria-label="Deleting contacts" animated />
          )}
          <Group justify="flex-end" gap="xs">
            <Button variant="default" onClick={() => setDialog(null)} disabled={deleted !== null}>
              Cancel
            </Button>
            <Button color="red" onClick={remove} loading={deleted !== null}>
              Delete contacts
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Paper>
  );
}
