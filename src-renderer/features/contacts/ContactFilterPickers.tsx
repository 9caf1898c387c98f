// The contact list's filter pickers (stitched, engaged via, tag, list, consent, custom field). Kept
// apart and memoized: each Mantine Select is a deep tree, and typing a search re-renders the page
// several times (the term, the rows, the count); the pickers need to render only when a filter does.
import { Group, Select, TextInput } from '@mantine/core';
import { memo } from 'react';
import type { ContactFilters, CustomFieldFilter } from '../../queries/contacts';

export type YesNo = 'yes' | 'no';

export interface FilterPickerValues {
  stitched: YesNo | null;
  engaged: ContactFilters['engaged'] | null;
  consent: ContactFilters['consent'] | null;
  tag: string | null;
  list: string | null;
  customField: string | null;
  customOp: CustomFieldFilter['op'];
  customValue: string;
}

export interface FilterPickerSetters {
  setStitched: (value: YesNo | null) => void;
  setEngaged: (value: ContactFilters['engaged'] | null) => void;
  setConsent: (value: ContactFilters['consent'] | null) => void;
  setTag: (value: string | null) => void;
  setList: (value: string | null) => void;
  setCustomField: (value: string | null) => void;
  setCustomOp: (value: CustomFieldFilter['op']) => void;
  setCustomValue: (value: string) => void;
}

export const ContactFilterPickers = memo(function ContactFilterPickers(
  props: FilterPickerValues &
    FilterPickerSetters & {
      tags: string[];
      lists: string[];
      /** Custom field names in use; read when the picker opens (`onFieldsWanted`). */
      fieldNames: string[];
      onFieldsWanted: () => void;
    },
) {
  const { customField, fieldNames } = props;
  return (
    <>
      <Select
        size="xs"
        w={140}
        aria-label="Stitched"
        placeholder="Stitched: any"
        clearable
        data={[
          { value: 'yes', label: 'Stitched' },
          { value: 'no', label: 'Not stitched' },
        ]}
        value={props.stitched}
        onChange={(v) => props.setStitched(v as YesNo | null)}
      />
      <Select
        size="xs"
        w={150}
        aria-label="Engaged via"
        placeholder="Engaged via: any"
        clearable
        data={[
          { value: 'sms', label: 'Engaged via SMS' },
          { value: 'whatsapp', label: 'Engaged via WhatsApp' },
          { value: 'web', label: 'Engaged on the web' },
        ]}
        value={props.engaged}
        onChange={(v) => props.setEngaged(v as ContactFilters['engaged'] | null)}
      />
      <Select
        size="xs"
        w={140}
        aria-label="Tag"
        placeholder="Tag: any"
        clearable
        searchable
        data={props.tags}
        value={props.tag}
        onChange={props.setTag}
        nothingFoundMessage="No such tag"
      />
      <Select
        size="xs"
        w={140}
        aria-label="List"
        placeholder="List: any"
        clearable
        searchable
        data={props.lists}
        value={props.list}
        onChange={props.setList}
        nothingFoundMessage="No such list"
      />
      <Select
        size="xs"
        w={150}
        aria-label="Consent"
        placeholder="Consent: any"
        clearable
        data={[
          { value: 'sms', label: 'SMS consent' },
          { value: 'whatsapp', label: 'WhatsApp consent' },
          { value: 'email', label: 'Email consent' },
        ]}
        value={props.consent}
        onChange={(v) => props.setConsent(v as ContactFilters['consent'] | null)}
      />
      <Group gap={4} wrap="nowrap" role="group" aria-label="Custom field filter">
        <Select
          size="xs"
          w={150}
          aria-label="Custom field"
          placeholder="Custom field: any"
          clearable
          searchable
          data={customField && !fieldNames.includes(customField) ? [customField, ...fieldNames] : fieldNames}
          value={customField}
          onChange={props.setCustomField}
          onDropdownOpen={props.onFieldsWanted}
          nothingFoundMessage="No custom fields"
        />
        {customField && (
          <>
            <Select
              size="xs"
              w={100}
              aria-label={`How ${customField} matches`}
              allowDeselect={false}
              data={[
                { value: 'equals', label: 'is' },
                { value: 'contains', label: 'contains' },
              ]}
              value={props.customOp}
              onChange={(v) => v && props.setCustomOp(v as CustomFieldFilter['op'])}
            />
            <TextInput
              size="xs"
              w={130}
              aria-label={`${customField} value`}
              placeholder="Value"
              value={props.customValue}
              onChange={(e) => props.setCustomValue(e.currentTarget.value)}
            />
          </>
        )}
      </Group>
    </>
  );
});
