// The contact form, in a modal: "Add contact" from the list, "Edit contact" on a profile. Phones
// show the E.164 number they will be saved as; nothing is saved while a field is wrong.
import { Button, Checkbox, Group, Modal, SimpleGrid, Stack, Textarea, TextInput } from '@mantine/core';
import { useLayoutEffect, useState } from 'react';
import type { ContactRow } from '../../db/types';
import { appDb } from '../../state/db';
import { notifyError } from '../../ui/notifications';
import { useDefaultCountry } from '../../ui/useSettings';
import {
  type ContactDraft,
  checkDraft,
  type DraftErrors,
  draftOf,
  emptyDraft,
  findDuplicates,
  saveContact,
} from './contact-form';

export function ContactFormModal(props: {
  opened: boolean;
  onClose: () => void;
  /** Editing this contact; absent for a new one. */
  contact?: ContactRow;
  onSaved?: (contactId: string) => void;
}) {
  const { opened, contact } = props;
  const country = useDefaultCountry();
  const [draft, setDraft] = useState<ContactDraft>(emptyDraft);
  const [errors, setErrors] = useState<DraftErrors>({});
  const [saving, setSaving] = useState(false);

  // A layout effect, so the form is reset before the browser paints it: with a plain effect a fast
  // typist (or a test) could fill the first field in between and see it wiped. Keyed on the
  // contact's id, not the row: a live row changes whenever ingest touches its stats, and that must
  // not throw away what the marketer is typing.
  const contactId = contact?.id;
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset per opening and per contact, not per row version.
  useLayoutEffect(() => {
    if (!opened) return;
    setDraft(contact ? draftOf(contact) : emptyDraft());
    setErrors({});
  }, [opened, contactId]);

  const set = <K extends keyof ContactDraft>(field: K, value: ContactDraft[K]) => {
    setDraft((d) => ({ ...d, [field]: value }));
    if (field in errors) setErrors((e) => ({ ...e, [field]: undefined }));
  };

  const live = checkDraft(draft, country);
  const e164Hint = (field: 'phone' | 'whatsapp') =>
    live[field] && live[field] !== draft[field].trim() ? `Saved as ${live[field]}` : undefined;

  const submit = async () => {
    const checked = checkDraft(draft, country);
    if (Object.keys(checked.errors).length > 0) {
      setErrors(checked.errors);
      return;
    }
    setSaving(true);
    try {
      const db = appDb();
      const duplicates = await findDuplicates(db, checked, contact?.id);
      if (Object.keys(duplicates).length > 0) {
        setErrors(duplicates);
        return;
      }
      const id = await saveContact(db, draft, checked, contact);
      props.onClose();
      props.onSaved?.(id);
    } catch (error) {
      notifyError('The contact was not saved', error);
    } finally {
      setSaving(false);
    }
  };

  const title = contact ? 'Edit contact' : 'Add contact';
  return (
    <Modal opened={opened} onClose={props.onClose} title={title} size="lg">
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <Stack gap="sm">
          <SimpleGrid cols={2} spacing="sm">
            <TextInput
              label="First name"
              value={draft.firstName}
              error={errors.firstName}
              onChange={(e) => set('firstName', e.currentTarget.value)}
              data-autofocus
            />
            <TextInput
              label="Last name"
              value={draft.lastName}
              onChange={(e) => set('lastName', e.currentTarget.value)}
            />
          </SimpleGrid>
          <TextInput
            label="Email"
            type="email"
            value={draft.email}
            error={errors.email}
            onChange={(e) => set('email', e.currentTarget.value)}
          />
          <SimpleGrid cols={2} spacing="sm">
            <TextInput
              label="Phone"
              type="tel"
              placeholder={`+1 415 555 2671 or a ${country} number`}
              value={draft.phone}
              error={errors.phone}
              description={e164Hint('phone')}
              onChange={(e) => set('phone', e.currentTarget.value)}
            />
            <TextInput
              label="WhatsApp number"
              type="tel"
              value={draft.whatsapp}
              error={errors.whatsapp}
              description={e164Hint('whatsapp')}
              onChange={(e) => set('whatsapp', e.currentTarget.value)}
            />
          </SimpleGrid>
          <SimpleGrid cols={2} spacing="sm">
            <TextInput
              label="Tags"
              description="Comma-separated"
              value={draft.tags}
              onChange={(e) => set('tags', e.currentTarget.value)}
            />
            <TextInput
              label="Lists"
              description="Comma-separated"
              value={draft.lists}
              onChange={(e) => set('lists', e.currentTarget.value)}
            />
          </SimpleGrid>
          <Textarea
            label="Custom fields"
            description="One per line, as Field: value (City: Lisbon). Usable as merge fields, e.g. {{custom.City}}."
            autosize
            minRows={2}
            maxRows={8}
            value={draft.custom}
            error={errors.custom}
            onChange={(e) => set('custom', e.currentTarget.value)}
          />
          <Group gap="lg">
            {(
              [
                ['sms', 'SMS consent'],
                ['whatsapp', 'WhatsApp consent'],
                ['email', 'Email consent'],
              ] as const
            ).map(([channel, label]) => (
              <Checkbox
                key={channel}
                label={label}
                checked={draft.consent[channel]}
                onChange={(e) => set('consent', { ...draft.consent, [channel]: e.currentTarget.checked })}
              />
            ))}
          </Group>
          <Group justify="flex-end" gap="xs">
            <Button variant="default" onClick={props.onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={saving}>
              Save contact
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
