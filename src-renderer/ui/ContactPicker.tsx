// Choosing a contact by typing part of a name, email or phone (merge, "Link to contact…"): the
// search runs through `contactsPage`, so it stays fast over 100,000 contacts.
import { Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import type { ContactRow } from '../db/types';
import { contactsPage } from '../queries/contacts';
import { appDb } from '../state/db';
import { contactLabel } from './contact-text';
import { useDefaultCountry } from './useSettings';

export function ContactPicker(props: {
  label: string;
  value: string | null;
  onChange: (contact: ContactRow | null) => void;
  /** Contacts that may not be picked (e.g. the profile's own contact). */
  exclude?: string[];
  autoFocus?: boolean;
}) {
  const [search, setSearch] = useState('');
  const [picked, setPicked] = useState<ContactRow | null>(null);
  // Once a contact is picked, the box shows its label: that is not a search.
  const [debounced] = useDebouncedValue(search, 150);
  const term = picked && debounced === contactLabel(picked) ? '' : debounced;
  const defaultCountry = useDefaultCountry();
  const found = useLiveQuery(
    () =>
      contactsPage(appDb(), { search: term, sortBy: 'name', direction: 'asc', limit: 20, defaultCountry }),
    [term, defaultCountry],
  );
  const matches = (found?.rows ?? []).filter((c) => !props.exclude?.includes(c.id));
  const rows = picked && !matches.some((c) => c.id === picked.id) ? [picked, ...matches] : matches;
  return (
    <Select
      label={props.label}
      placeholder="Type a name, email or phone"
      searchable
      autoFocus={props.autoFocus}
      searchValue={search}
      onSearchChange={setSearch}
      // The options are already the search's matches; Mantine's own filter would hide phone matches.
      filter={({ options }) => options}
      nothingFoundMessage={term ? 'No contact matches' : 'Start typing to search'}
      data={rows.map((c) => ({ value: c.id, label: contactLabel(c) }))}
      value={props.value}
      onChange={(id) => {
        const contact = rows.find((c) => c.id === id) ?? null;
        setPicked(contact);
        props.onChange(contact);
      }}
      comboboxProps={{ withinPortal: true }}
    />
  );
}
