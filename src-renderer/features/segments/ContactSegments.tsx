// The profile's list of saved segments the contact is in now.
import { Anchor, Badge, Card, Group, Text, Title } from '@mantine/core';
import { useLiveQuery } from 'dexie-react-hooks';
import { Link } from 'react-router';
import { segmentsOfContact } from '../../segments/membership';
import { appDb } from '../../state/db';

export function ContactSegments(props: { contactId: string }) {
  const db = appDb();
  const segments = useLiveQuery(() => segmentsOfContact(db, props.contactId), [db, props.contactId]);
  return (
    <Card withBorder p="sm" mt="md" component="section" aria-label="Segments">
      <Title order={3} size="h5" mb="xs">
        Segments
      </Title>
      {segments === undefined ? null : segments.length === 0 ? (
        <Text size="sm" c="dimmed">
          In no saved segment.{' '}
          {/* Underlined: a link inside a sentence must not rely on colour alone (axe link-in-text-block). */}
          <Anchor component={Link} to="/segments" size="sm" underline="always">
            Build one on the Segments page
          </Anchor>
        </Text>
      ) : (
        <Group gap={6} role="group" aria-label="Segments this contact is in">
          {segments.map((s) => (
            <Badge key={s.id} variant="light">
              {s.name}
            </Badge>
          ))}
        </Group>
      )}
    </Card>
  );
}
