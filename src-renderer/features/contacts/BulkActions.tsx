// The bar over the contact list while contacts are selected (some rows, or every contact matching the
// search and filters): add or remove a tag, add to a list, set a custom field, record consent, delete —
// each confirmed with the count.
import {
  Autocomplete,
  Button,
  Group,
  Modal,
  Paper,
  Progress,
  Radio,
  Select,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { IconChecks, IconForms, IconListDetails, IconTag, IconTagOff, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { CONSENT_CHANNEL_LABEL, CONSENT_CHANNELS } from '../../db/consent';
import type { ConsentChannel } from '../../db/types';
import { bridge } from '../../platform';
import { appDb } from '../../state/db';
import { formatCount } from '../../ui/format';
import { notify, notifyError } from '../../ui/notifications';
import {
  addToContacts,
  deleteContacts,
  recordConsent,
  removeFromContacts,
  setCustomField,
} from './bulk-actions';

type Dialog = 'tag' | 'untag' | 'list' | 'field' | 'consent' | 'delete' | null;

export interface BulkSelection {
  /** How many contacts the selection holds (all matches, not only the loaded rows). */
  count: number;
  /** The selected ids, resolved when an action runs (all matches are read then, not held in memory). */
  resolveIds: () => Promise<string[]>;
}

const today = (): string => new Date().toISOString().slice(0, 10);

export function BulkActions(props: {
  selection: BulkSelection;
  onClear: () => void;
  tags: string[];
  /** Custom field names in use, for the "Set a field" picker (read when it opens: `onFieldsWanted`). */
  fields: string[];
  onFieldsWanted: () => void;
}) {
  const { selection } = props;
  const [dialog, setDialog] = useState<Dialog>(null);
  const [name, setName] = useState('');
  const [value, setValue] = useState('');
  const [channel, setChannel] = useState<ConsentChannel>('sms');
  const [granted, setGranted] = useState(true);
  const [source, setSource] = useState('');
  const [date, setDate] = useState(today);
  const [busy, setBusy] = useState(false);
  const [deleted, setDeleted] = useState<number | null>(null);
  const [deleting, setDeleting] = useState(0);
  if (selection.count === 0) return null;
  const count = `${formatCount(selection.count)} ${selection.count === 1 ? 'contact' : 'contacts'}`;

  const open = (which: Dialog) => {
    setName('');
    setValue('');
    setSource('');
    setDate(today());
    setGranted(true);
    setDialog(which);
  };

  /** Runs one change over the selection, then says how many it changed, or that nothing was. */
  const runBulk = async (
    change: (ids: string[]) => Promise<number>,
    say: (changed: string) => { title: string; message: string },
  ) => {
    setBusy(true);
    try {
      const changed = await change(await selection.resolveIds());
      notify({ ...say(formatCount(changed)), color: 'teal' });
      setDialog(null);
    } catch (error) {
      notifyError('Nothing was changed', error);
    } finally {
      setBusy(false);
    }
  };

  const applyName = (field: 'tags' | 'lists') =>
    runBulk(
      (ids) => addToContacts(appDb(), ids, field, name),
      (changed) => ({
        title: field === 'tags' ? `Tag "${name.trim()}" added` : `Added to list "${name.trim()}"`,
        message: `${changed} of ${count} changed.`,
      }),
    );

  const removeTag = () =>
    runBulk(
      (ids) => removeFromContacts(appDb(), ids, 'tags', name),
      (changed) => ({ title: `Tag "${name.trim()}" removed`, message: `${changed} of ${count} had it.` }),
    );

  const applyField = () =>
    runBulk(
      (ids) => setCustomField(appDb(), ids, name, value),
      (changed) => ({
        title: value.trim() ? `${name.trim()} set to "${value.trim()}"` : `${name.trim()} cleared`,
        message: `${changed} of ${count} changed; the others already had this value.`,
      }),
    );

  const applyConsent = () => {
    const at = Date.parse(`${date}T12:00:00`);
    return runBulk(
      (ids) =>
        recordConsent(appDb(), ids, channel, {
          granted,
          at: Number.isFinite(at) ? at : Date.now(),
          source: `Bulk action: ${source.trim()}`,
        }),
      (changed) => ({
        title: `${CONSENT_CHANNEL_LABEL[channel]} consent ${granted ? 'recorded' : 'withdrawn'}`,
        message: `${changed} of ${count} changed; the others already had this answer.`,
      }),
    );
  };

  const remove = async () => {
    setDeleted(0);
    try {
      const ids = await selection.resolveIds();
      setDeleting(ids.length);
      await deleteContacts(appDb(), bridge, ids, setDeleted);
      notify({ title: `${count} deleted`, color: 'teal' });
      props.onClear();
    } catch (error) {
      notifyError('Deleting stopped', error);
    } finally {
      setDeleted(null);
      setDialog(null);
    }
  };

  const channelLabel = CONSENT_CHANNEL_LABEL[channel];
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
          leftSection={<IconTagOff size={14} />}
          onClick={() => open('untag')}
        >
          Remove tag
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
          variant="default"
          leftSection={<IconForms size={14} />}
          onClick={() => {
            props.onFieldsWanted();
            open('field');
          }}
        >
          Set a field
        </Button>
        <Button
          size="compact-sm"
          variant="default"
          leftSection={<IconChecks size={14} />}
          onClick={() => open('consent')}
        >
          Record consent
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
              <Button type="submit" disabled={!name.trim()} loading={busy}>
                {dialog === 'tag' ? 'Add tag' : 'Add to list'}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>

      <Modal opened={dialog === 'untag'} onClose={() => setDialog(null)} title={`Remove a tag from ${count}`}>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void removeTag();
          }}
        >
          <Stack gap="sm">
            <Select
              label="Tag to remove"
              data={props.tags}
              value={name || null}
              onChange={(v) => setName(v ?? '')}
              searchable
              nothingFoundMessage="No such tag"
              data-autofocus
            />
            <Group justify="flex-end" gap="xs">
              <Button variant="default" onClick={() => setDialog(null)}>
                Cancel
              </Button>
              <Button type="submit" disabled={!name.trim()} loading={busy}>
                Remove tag from {count}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>

      <Modal opened={dialog === 'field'} onClose={() => setDialog(null)} title={`Set a field on ${count}`}>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void applyField();
          }}
        >
          <Stack gap="sm">
            <Autocomplete
              label="Field"
              description="A custom field such as City or Company; a new name adds the field."
              data={props.fields}
              value={name}
              onChange={setName}
              data-autofocus
            />
            <TextInput
              label="Value"
              description="Leave empty to remove the field from these contacts."
              value={value}
              onChange={(event) => setValue(event.currentTarget.value)}
            />
            <Group justify="flex-end" gap="xs">
              <Button variant="default" onClick={() => setDialog(null)}>
                Cancel
              </Button>
              <Button type="submit" disabled={!name.trim()} loading={busy}>
                {value.trim()
                  ? `Set ${name.trim() || 'field'} on ${count}`
                  : `Clear ${name.trim() || 'field'} on ${count}`}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>

      <Modal
        opened={dialog === 'consent'}
        onClose={() => setDialog(null)}
        title={`Record consent for ${count}`}
      >
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void applyConsent();
          }}
        >
          <Stack gap="sm">
            <Select
              label="Channel"
              data={CONSENT_CHANNELS.map((c) => ({ value: c, label: CONSENT_CHANNEL_LABEL[c] }))}
              value={channel}
              allowDeselect={false}
              onChange={(value) => value && setChannel(value as ConsentChannel)}
            />
            <Radio.Group
              label="Answer"
              value={granted ? 'given' : 'withdrawn'}
              onChange={(value) => setGranted(value === 'given')}
            >
              <Group gap="md" mt={4}>
                <Radio value="given" label="They agreed" />
                <Radio value="withdrawn" label="They withdrew consent" />
              </Group>
            </Radio.Group>
            <TextInput
              label={granted ? 'Where they agreed' : 'How they withdrew'}
              placeholder={granted ? 'e.g. paper form at the spring fair' : 'e.g. replied STOP'}
              value={source}
              onChange={(event) => setSource(event.currentTarget.value)}
              required
              data-autofocus
            />
            <TextInput
              type="date"
              label={granted ? 'When they agreed' : 'When they withdrew'}
              value={date}
              onChange={(event) => setDate(event.currentTarget.value)}
            />
            <Text size="sm" role="note">
              {granted
                ? `This records ${channelLabel} consent for ${count}: campaigns on ${channelLabel} will reach them.`
                : `This withdraws ${channelLabel} consent for ${count}: campaigns on ${channelLabel} will leave them out.`}{' '}
              The source and date are kept on each profile.
            </Text>
            <Group justify="flex-end" gap="xs">
              <Button variant="default" onClick={() => setDialog(null)}>
                Cancel
              </Button>
              <Button type="submit" disabled={!source.trim()} loading={busy}>
                {granted ? `Record consent for ${count}` : `Withdraw consent for ${count}`}
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
            <Progress
              value={deleting > 0 ? (deleted / deleting) * 100 : 0}
              aria-label="Deleting contacts"
              animated
            />
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
