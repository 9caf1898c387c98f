// The guided first run: sample contacts and a demo SMS campaign made in one click, the recipient's
// tracked link to open, and the stitched profile as soon as the click comes back through the
// collector. The whole story happens in the app and on the built-in demo site; one click removes it.
import {
  Alert,
  Anchor,
  Button,
  Card,
  Code,
  Group,
  List,
  Loader,
  Stack,
  Text,
  ThemeIcon,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { IconCheck, IconExternalLink, IconPlayerPlay, IconTrash } from '@tabler/icons-react';
import { useLiveQuery } from 'dexie-react-hooks';
import { type ReactNode, useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { DEMO_CAMPAIGN_NAME, demoMessage, demoState, removeDemo, startDemo } from '../../demo/demo';
import { bridge } from '../../platform';
import { appDb } from '../../state/db';
import { fullName } from '../../ui/contact-text';
import { notify, notifyError } from '../../ui/notifications';
import { PageHeader } from '../../ui/PageHeader';
import { QrCode } from '../../ui/QrCode';
import { useLinkBase } from '../campaigns/model';

export function DemoPage() {
  const db = appDb();
  const navigate = useNavigate();
  const linkBase = useLinkBase();
  const [busy, setBusy] = useState<'start' | 'remove' | null>(null);
  const [opened, setOpened] = useState(false);
  const demo = useLiveQuery(async () => {
    const state = await demoState(db);
    if (!state) return null;
    const [message, you, campaign] = await Promise.all([
      demoMessage(db, state),
      db.contacts.get(state.contactIds[0] ?? ''),
      db.campaigns.get(state.campaignId),
    ]);
    if (!message || !you || !campaign) return null;
    const [stitched, tentative] = await Promise.all([
      db.identities
        .where('contactId')
        .equals(you.id)
        .filter((l) => l.kind === 'visitor' && l.revokedAt === null)
        .count(),
      db.tentativeLinks.where('messageId').equals(message.id).count(),
    ]);
    return { state, message, you, stitched: stitched > 0, tentative: tentative > 0 };
  }, [db]);

  const youId = demo?.you.id;
  const stitched = demo?.stitched ?? false;
  // The story ends on the profile, once the link opened from this page has been stitched.
  useEffect(() => {
    if (opened && stitched && youId) navigate(`/contacts/${youId}`);
  }, [opened, stitched, youId, navigate]);

  const start = async () => {
    if (!linkBase) return;
    setBusy('start');
    try {
      await startDemo(db, bridge, linkBase.url);
    } catch (error) {
      notifyError('The demo could not be set up', error);
    } finally {
      setBusy(null);
    }
  };

  const remove = async () => {
    setBusy('remove');
    try {
      const removed = await removeDemo(db, bridge);
      notify({
        title: 'Demo data removed',
        message: `${removed.contacts} contacts, the demo campaign, ${removed.visitors} visitors and ${removed.events} events removed${
          removed.journalError ? `; the journal still holds their records (${removed.journalError})` : ''
        }.`,
      });
    } catch (error) {
      notifyError('The demo data could not be removed', error);
    } finally {
      setBusy(null);
    }
  };

  const link = demo?.message.linkUrl;
  // A phone opens the link only when it was minted at the base in force and that base is public.
  const scannable =
    !!link && !!linkBase && link.startsWith(`${linkBase.url}/`) && linkBase.reach === 'public';
  return (
    <>
      <PageHeader title="Demo">
        {demo && (
          <Button
            variant="default"
            color="red"
            leftSection={<IconTrash size={16} />}
            loading={busy === 'remove'}
            onClick={remove}
          >
            Remove demo data
          </Button>
        )}
      </PageHeader>
      <Text mb="md" maw={720}>
        See Stitchdesk's whole story in a minute: a text message with a tracked link goes to a sample contact,
        the link is opened, and the visit lands on that contact's profile. Everything runs on this computer,
        on a small demo website the collector serves; nothing is sent to anyone.
      </Text>
      {demo === undefined ? (
        <Loader size="sm" />
      ) : demo === null ? (
        <Card withBorder maw={720}>
          <Title order={2} size="h4" mb="xs">
            What the demo creates
          </Title>
          <List size="sm" mb="md">
            <List.Item>3 sample contacts with SMS consent (source "Demo"), in the list "Demo"</List.Item>
            <List.Item>
              an SMS campaign, "{DEMO_CAMPAIGN_NAME}", prepared with real tracked links and marked sent (no
              text leaves the app)
            </List.Item>
            <List.Item>a demo website (Harbor Coffee) with the tracking snippet already installed</List.Item>
          </List>
          <Button
            leftSection={<IconPlayerPlay size={16} />}
            onClick={start}
            loading={busy === 'start'}
            disabled={!linkBase}
          >
            Start the demo
          </Button>
        </Card>
      ) : (
        <Stack gap="md" maw={720}>
          <Step n={1} done title="Sample contacts and a demo campaign are ready">
            <Text size="sm">
              3 contacts in the list "Demo" and the campaign{' '}
              <Anchor component={Link} to={`/campaigns/${demo.state.campaignId}`} underline="always">
                {DEMO_CAMPAIGN_NAME}
              </Anchor>
              , prepared and marked sent. {fullName(demo.you)} got this text:
            </Text>
            <Code block mt="xs" aria-label="Demo message">
              {demo.message.text ?? ''}
            </Code>
          </Step>
          <Step n={2} done={demo.stitched} title={`Open ${demo.you.firstName}'s tracked link`}>
            <Text size="sm" mb="xs">
              Pretend to be {demo.you.firstName}: open the link in the message. It goes through the collector
              (which records the click) to the demo website, in a new tab.
            </Text>
            {link && (
              <Group gap="xs" mb="xs">
                <Code data-testid="demo-link">{link}</Code>
                <Button
                  component="a"
                  href={link}
                  target="_blank"
                  rel="noopener noreferrer"
                  leftSection={<IconExternalLink size={16} />}
                  onClick={() => setOpened(true)}
                >
                  Open the link
                </Button>
              </Group>
            )}
            {link &&
              (scannable ? (
                <Group gap="sm" wrap="nowrap" align="flex-start">
                  <QrCode text={link} label={`QR code of ${link}`} />
                  <Text size="sm">
                    Or scan it with a real phone: the click goes through your public link base to the
                    collector, and this page moves on once it is back.
                  </Text>
                </Group>
              ) : (
                <Text size="xs" c="gray.7" data-testid="demo-no-qr">
                  No QR code: this link works on this computer only, so a phone that scans it cannot open it.
                  To try it on a real phone, set a public link base in{' '}
                  <Anchor component={Link} to="/settings#links" size="xs" underline="always">
                    Settings
                  </Anchor>{' '}
                  and start the demo again.
                </Text>
              ))}
          </Step>
          <Step n={3} done={demo.stitched} title={`See the visit on ${demo.you.firstName}'s profile`}>
            {demo.stitched ? (
              <Text size="sm">
                The browser that opened the link is now {demo.you.firstName}'s.{' '}
                <Anchor component={Link} to={`/contacts/${demo.you.id}`} underline="always">
                  Open {fullName(demo.you)}'s profile
                </Anchor>{' '}
                to see the click, the page views and how sure the match is.
              </Text>
            ) : demo.tentative ? (
              <Alert color="orange" variant="light">
                The link was opened, but the evidence did not make the match sure (several browsers opened
                it). The profile lists it as tentative, to confirm or reject:{' '}
                <Anchor component={Link} to={`/contacts/${demo.you.id}`} underline="always">
                  open {fullName(demo.you)}'s profile
                </Anchor>
                .
              </Alert>
            ) : (
              <Group gap="xs">
                {opened && <Loader size="xs" />}
                <Text size="sm">
                  {opened
                    ? 'Waiting for the click to reach the app…'
                    : 'Once the link is opened, this page moves on to the profile by itself.'}
                </Text>
              </Group>
            )}
          </Step>
          <Text size="sm" c="gray.7">
            Done exploring? "Remove demo data" deletes the sample contacts, the campaign with its messages and
            links, and the demo website's visitors, in one click.
          </Text>
        </Stack>
      )}
    </>
  );
}

function Step(props: { n: number; done: boolean; title: string; children: ReactNode }) {
  return (
    <Card withBorder aria-label={props.title}>
      <Group gap="sm" mb="xs" wrap="nowrap">
        <ThemeIcon
          radius="xl"
          size={24}
          color={props.done ? 'teal' : 'gray'}
          variant={props.done ? 'filled' : 'light'}
          aria-hidden
        >
          {props.done ? (
            <IconCheck size={14} />
          ) : (
            <Text size="xs" fw={700}>
              {props.n}
            </Text>
          )}
        </ThemeIcon>
        <Title order={2} size="h5">
          {props.title}
          <VisuallyHidden>{props.done ? ' (done)' : ' (to do)'}</VisuallyHidden>
        </Title>
      </Group>
      {props.children}
    </Card>
  );
}
