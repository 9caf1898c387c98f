// A contact's profile: who they are, which browsers are linked to them and why, and their stitched
// timeline — all live queries, so it updates while events arrive.
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Grid,
  Group,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { IconArrowMerge, IconEdit, IconInfoCircle, IconTrash, IconUserQuestion } from '@tabler/icons-react';
import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { CONSENT_CHANNEL_LABEL, CONSENT_CHANNELS } from '../../db/consent';
import type { ContactRow } from '../../db/types';
import { forwardedMessagesOf } from '../../queries/contacts';
import { appDb } from '../../state/db';
import { fullName } from '../../ui/contact-text';
import { EmptyState } from '../../ui/EmptyState';
import { formatAgo, formatCount, formatDate, formatDateTime } from '../../ui/format';
import { ContactFormModal } from '../contacts/ContactFormModal';
import { ContactSegments } from '../segments/ContactSegments';
import { ActivityChart } from './ActivityChart';
import { EraseModal } from './EraseModal';
import { IdentitiesPanel } from './IdentitiesPanel';
import { IdentityGraphPanel } from './IdentityGraphPanel';
import { MergeModal } from './MergeModal';
import { activityPerDay } from './profile-data';
import { TentativePanel } from './TentativePanel';
import { TimelinePanel } from './TimelinePanel';

type Dialog = 'edit' | 'merge' | 'erase' | null;

export function ProfilePage() {
  const { contactId = '' } = useParams();
  const db = appDb();
  // null = no such contact (erased, or a stale link); undefined = still loading.
  const contact = useLiveQuery(async () => (await db.contacts.get(contactId)) ?? null, [db, contactId]);
  const mergedInto = useLiveQuery(
    async () => (contact?.mergedInto ? ((await db.contacts.get(contact.mergedInto)) ?? null) : null),
    [db, contact?.mergedInto],
  );

  if (contact === undefined) return null;
  if (contact === null) {
    return (
      <EmptyState
        icon={<IconUserQuestion />}
        title="No such contact"
        action={
          <Button component={Link} to="/contacts" variant="default">
            Back to contacts
          </Button>
        }
      >
        This contact does not exist, or was erased.
      </EmptyState>
    );
  }
  if (contact.mergedInto) {
    return (
      <Stack>
        <Title order={1} size="h2">
          {fullName(contact)}
        </Title>
        <Alert color="blue" icon={<IconArrowMerge />}>
          This contact was merged into{' '}
          <Anchor component={Link} to={`/contacts/${contact.mergedInto}`}>
            {mergedInto ? fullName(mergedInto) : 'another contact'}
          </Anchor>
          ; its history shows there.
        </Alert>
      </Stack>
    );
  }
  return <Profile contact={contact} />;
}

function Profile(props: { contact: ContactRow }) {
  const { contact } = props;
  const db = appDb();
  const [dialog, setDialog] = useState<Dialog>(null);
  const [showTentative, setShowTentative] = useState(false);
  const activity = useLiveQuery(() => activityPerDay(db, contact.id), [db, contact.id]);
  const forwarded = useLiveQuery(() => forwardedMessagesOf(db, contact.id), [db, contact.id]);
  const { stats } = contact;

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Title order={1} size="h2">
            {fullName(contact)}
          </Title>
          <Group gap="md">
            {contact.phone && <Text size="sm">Phone {contact.phone}</Text>}
            {contact.whatsapp && <Text size="sm">WhatsApp {contact.whatsapp}</Text>}
            {contact.email && <Text size="sm">{contact.email}</Text>}
            {contact.emailBounce && contact.emailBounce.address === contact.email && (
              <Text size="sm" c="red.8" data-testid="email-bounce">
                Email bounced {formatDate(contact.emailBounce.at)}: {contact.emailBounce.reason}
              </Text>
            )}
          </Group>
          {Object.keys(contact.custom ?? {}).length > 0 && (
            <Group gap="md" aria-label="Custom fields" role="group">
              {Object.entries(contact.custom).map(([field, value]) => (
                <Text key={field} size="sm">
                  <Text span size="sm" c="dimmed">
                    {field}
                  </Text>{' '}
                  {value}
                </Text>
              ))}
            </Group>
          )}
          <Group gap={4}>
            {(['sms', 'whatsapp', 'email'] as const).map((channel) => (
              <Badge
                key={channel}
                size="sm"
                variant={contact.consent[channel] ? 'filled' : 'outline'}
                color={contact.consent[channel] ? 'teal' : 'gray'}
              >
                {channel === 'sms' ? 'SMS' : channel === 'whatsapp' ? 'WhatsApp' : 'Email'}{' '}
                {contact.consent[channel] ? 'consent' : 'no consent'}
              </Badge>
            ))}
            {contact.tags.map((tag) => (
              <Badge key={tag} size="sm" variant="light">
                {tag}
              </Badge>
            ))}
            {contact.lists.map((list) => (
              <Badge key={list} size="sm" variant="light" color="violet">
                List: {list}
              </Badge>
            ))}
          </Group>
          <ConsentSources contact={contact} />
        </Stack>
        <Group gap="xs">
          <Button
            size="xs"
            variant="default"
            leftSection={<IconEdit size={14} />}
            onClick={() => setDialog('edit')}
          >
            Edit contact
          </Button>
          <Button
            size="xs"
            variant="default"
            leftSection={<IconArrowMerge size={14} />}
            onClick={() => setDialog('merge')}
          >
            Merge with…
          </Button>
          <Button
            size="xs"
            color="red"
            variant="light"
            leftSection={<IconTrash size={14} />}
            onClick={() => setDialog('erase')}
          >
            Erase contact
          </Button>
        </Group>
      </Group>

      <Alert variant="light" color="gray" icon={<IconInfoCircle />} p="xs">
        <Text size="sm">
          Visits from another device or browser, or after cookies are cleared, are not linked to this contact
          until a tracked link is clicked there or a form identifies them.
        </Text>
      </Alert>
      {forwarded && forwarded.length > 0 && (
        <Alert color="grape" p="xs" title="Forwarded link">
          <Text size="sm">
            {forwarded.length === 1 ? 'A link sent' : `${forwarded.length} links sent`} to this contact
            {forwarded.length === 1 ? ' was' : ' were'} opened by more than one browser or shared in a chat:
            each browser that opened {forwarded.length === 1 ? 'it' : 'them'} is weighed on its evidence, and
            the doubtful ones wait as tentative links below.
          </Text>
        </Alert>
      )}

      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Card withBorder p="sm">
            <SimpleGrid cols={5} spacing="xs" mb="sm">
              <Stat label="Messages" value={formatCount(stats.messages)} />
              <Stat label="Clicks" value={formatCount(stats.clicks)} />
              <Stat label="Sessions" value={formatCount(stats.sessions)} />
              <Stat label="Page views" value={formatCount(stats.pageViews)} />
              <Stat
                label="Last seen"
                value={formatAgo(stats.lastSeen)}
                title={stats.lastSeen ? formatDateTime(stats.lastSeen) : undefined}
              />
            </SimpleGrid>
            {activity && <ActivityChart days={activity.days} counts={activity.counts} />}
          </Card>
          <Card withBorder p="sm" mt="md">
            <IdentitiesPanel contactId={contact.id} />
          </Card>
          <ContactSegments contactId={contact.id} />
          <TentativePanel
            contactId={contact.id}
            contactName={contact.firstName || fullName(contact)}
            showOnTimeline={showTentative}
            onShowOnTimeline={setShowTentative}
          />
          <Card withBorder p="sm" mt="md">
            <IdentityGraphPanel contactId={contact.id} contactName={contact.firstName || fullName(contact)} />
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Card withBorder p="sm">
            <TimelinePanel contactId={contact.id} showTentative={showTentative} />
          </Card>
        </Grid.Col>
      </Grid>

      <ContactFormModal opened={dialog === 'edit'} onClose={() => setDialog(null)} contact={contact} />
      <MergeModal contact={contact} opened={dialog === 'merge'} onClose={() => setDialog(null)} />
      <EraseModal contact={contact} opened={dialog === 'erase'} onClose={() => setDialog(null)} />
    </Stack>
  );
}

function Stat(props: { label: string; value: string; title?: string | undefined }) {
  return (
    <Stack gap={0} title={props.title}>
      <Text size="xs" c="dimmed">
        {props.label}
      </Text>
      <Text size="sm" fw={600}>
        {props.value}
      </Text>
    </Stack>
  );
}

/** Where each consent answer came from and when: the proof behind the badges. */
function ConsentSources(props: { contact: ContactRow }) {
  const records = CONSENT_CHANNELS.flatMap((channel) => {
    const record = props.contact.consentRecords?.[channel];
    return record ? [{ channel, record }] : [];
  });
  if (records.length === 0) return null;
  return (
    <Stack gap={0} aria-label="Consent sources">
      {records.map(({ channel, record }) => (
        <Text key={channel} size="xs">
          {CONSENT_CHANNEL_LABEL[channel]} consent {record.granted ? 'given' : 'withdrawn'}{' '}
          {formatDate(record.at)} · {record.source}
        </Text>
      ))}
    </Stack>
  );
}
