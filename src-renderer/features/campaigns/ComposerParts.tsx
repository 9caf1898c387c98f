// Pieces the composer's editors share: merge-field insert buttons and the table of links found in
// the text, each tracked or left as typed.
import { Button, Checkbox, Group, Table, Text } from '@mantine/core';
import { withUtm } from '../../campaigns/links';
import { BUILT_IN_FIELDS } from '../../campaigns/merge-fields';
import type { ComposerProps } from './Composer';

export function FieldButtons(props: {
  customFields: ReadonlySet<string>;
  onInsert: (field: string) => void;
  disabled: boolean;
}) {
  const fields = [
    ...BUILT_IN_FIELDS.filter((f) => f === 'first_name' || f === 'last_name'),
    ...[...props.customFields].map((f) => `custom.${f}`),
  ];
  return (
    <Group gap={4}>
      <Text size="xs" c="dimmed">
        Insert:
      </Text>
      {fields.map((field) => (
        <Button
          key={field}
          size="compact-xs"
          variant="light"
          disabled={props.disabled}
          onClick={() => props.onInsert(field)}
        >
          {`{{${field}}}`}
        </Button>
      ))}
    </Group>
  );
}

export function LinksTable(props: ComposerProps) {
  const { draft } = props;
  const links = props.draft.links ?? [];
  if (links.length === 0) return null;
  return (
    <Table fz="xs" verticalSpacing={2} aria-label="Links in the message">
      <Table.Thead>
        <Table.Tr>
          <Table.Th w={60}>Track</Table.Th>
          <Table.Th>Link in the text</Table.Th>
          <Table.Th>Destination</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {links.map((link) => (
          <Table.Tr key={link.linkId}>
            <Table.Td>
              <Checkbox
                size="xs"
                aria-label={`Track ${link.url}`}
                disabled={props.locked}
                checked={link.tracked}
                onChange={(e) => {
                  const tracked = e.currentTarget.checked;
                  props.update({
                    links: links.map((l) => (l.linkId === link.linkId ? { ...l, tracked } : l)),
                  });
                }}
              />
            </Table.Td>
            <Table.Td style={{ wordBreak: 'break-all' }}>{link.url}</Table.Td>
            <Table.Td style={{ wordBreak: 'break-all' }} c="dimmed">
              {link.tracked ? withUtm(link.url, draft.utm) : 'Sent as typed, not tracked'}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
