// Home: what to do next (a getting-started checklist ticked by real state) and how the last 7 or
// 30 days went (messages, clicks, stitched visitors, post-click page views), with the guided demo
// one click away.
import {
  Anchor,
  Button,
  Card,
  Group,
  Progress,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Text,
  ThemeIcon,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { IconCheck, IconPlayerPlay } from '@tabler/icons-react';
import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import { Link } from 'react-router';
import { demoState } from '../../demo/demo';
import { checklistState, type DailySeries, homeFigures } from '../../queries/home';
import { appDb } from '../../state/db';
import { formatAgo, formatCount } from '../../ui/format';
import { PageHeader } from '../../ui/PageHeader';
import { Sparkline } from '../../ui/Sparkline';
import { useSites } from '../collector/useSites';

interface ChecklistItem {
  label: string;
  done: boolean;
  detail: string;
  to: string;
  action: string;
}

export function HomePage() {
  const db = appDb();
  const [range, setRange] = useState<'7' | '30'>('7');
  const checklist = useLiveQuery(() => checklistState(db), [db]);
  const figures = useLiveQuery(() => homeFigures(db, Number(range)), [db, range]);
  const demo = useLiveQuery(() => demoState(db), [db]);
  const { sites, activity } = useSites();

  // The snippet works once a site (not the demo's) has had an accepted event.
  const seen = (sites ?? [])
    .filter((site) => !site.demo)
    .flatMap((site) => {
      const first = activity.get(site.id)?.firstEventAt;
      return first ? [{ name: site.name, at: Date.parse(first) }] : [];
    });
  const items: ChecklistItem[] = [
    {
      label: 'Add or import your contacts',
      done: checklist?.contactsAdded ?? false,
      detail: 'Import a CSV or JSON file, with the consent your contacts gave.',
      to: '/import',
      action: 'Import contacts',
    },
    {
      label: 'Install the snippet on your website',
      done: seen.length > 0,
      detail:
        seen.length > 0
          ? `Events arriving from ${seen.map((s) => `${s.name} (first ${formatAgo(s.at)})`).join(', ')}.`
          : 'Add your website on the Collector page and paste its snippet into every page.',
      to: '/collector',
      action: 'Add a website',
    },
    {
      label: 'Send a campaign',
      done: checklist?.campaignSent ?? false,
      detail: 'Write an SMS or WhatsApp message with a link; each recipient gets their own tracked link.',
      to: '/campaigns',
      action: 'Create a campaign',
    },
    {
      label: 'See your first stitched visitor',
      done: checklist?.firstStitch ?? false,
      detail: 'When a recipient opens their link, their visits appear on their profile.',
      to: '/visitors',
      action: 'Open visitors',
    },
  ];
  const done = items.filter((i) => i.done).length;

  return (
    <>
      <PageHeader title="Home" />
      <SimpleGrid cols={{ base: 1, lg: 2 }} mb="lg">
        <Card withBorder aria-label="Getting started">
          <Group justify="space-between" mb="xs">
            <Title order={2} size="h4">
              Getting started
            </Title>
            <Text size="sm" data-testid="checklist-progress">
              {done} of {items.length} done
            </Text>
          </Group>
          <Progress value={(done / items.length) * 100} mb="md" aria-label="Getting started progress" />
          <Stack gap="sm" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
            {items.map((item) => (
              <Group
                key={item.label}
                component="li"
                wrap="nowrap"
                align="flex-start"
                gap="sm"
                aria-label={`${item.label}: ${item.done ? 'done' : 'to do'}`}
              >
                <ThemeIcon
                  radius="xl"
                  size={22}
                  color={item.done ? 'teal' : 'gray'}
                  variant={item.done ? 'filled' : 'light'}
                  aria-hidden
                >
                  <IconCheck size={13} />
                </ThemeIcon>
                <Stack gap={0} style={{ flex: 1 }}>
                  <Text fw={600} size="sm" td={item.done ? 'line-through' : undefined}>
                    {item.label}
                    <VisuallyHidden>{item.done ? ' (done)' : ' (to do)'}</VisuallyHidden>
                  </Text>
                  <Text size="sm" c="gray.7">
                    {item.detail}
                  </Text>
                </Stack>
                {!item.done && (
                  <Anchor component={Link} to={item.to} size="sm">
                    {item.action}
                  </Anchor>
                )}
              </Group>
            ))}
          </Stack>
        </Card>
        <Card withBorder aria-label="Demo">
          <Title order={2} size="h4" mb="xs">
            {demo ? 'The demo is in the app' : 'New here? Try the demo'}
          </Title>
          <Text size="sm" mb="md">
            {demo
              ? 'Its sample contacts, campaign and demo website are still here. Pick up where you left off, or remove them in one click on the demo page.'
              : 'In about a minute: sample contacts, an SMS campaign with tracked links, a demo website, and the stitched profile once you open the link. Nothing is sent to anyone, and it is removed in one click.'}
          </Text>
          <Button component={Link} to="/demo" leftSection={<IconPlayerPlay size={16} />} variant="light">
            {demo ? 'Continue the demo' : 'Try the 60-second demo'}
          </Button>
        </Card>
      </SimpleGrid>
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h4">
          Last {range} days
        </Title>
        <SegmentedControl
          aria-label="Period"
          value={range}
          onChange={(value) => setRange(value === '30' ? '30' : '7')}
          data={[
            { value: '7', label: '7 days' },
            { value: '30', label: '30 days' },
          ]}
        />
      </Group>
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        <Figure label="Messages sent" days={figures?.days} data={figures?.messages} />
        <Figure label="Clicks" days={figures?.days} data={figures?.clicks} />
        <Figure label="Stitched visitors" days={figures?.days} data={figures?.stitchedVisitors} />
        <Figure label="Post-click page views" days={figures?.days} data={figures?.postClickPageViews} />
      </SimpleGrid>
      <Text size="xs" c="gray.7" mt="xs">
        Demo data is not counted. Stitched visitors are browsers linked to a contact by a tracked-link click;
        post-click page views are what they viewed from that click on.
      </Text>
    </>
  );
}

function Figure(props: { label: string; days: number[] | undefined; data: DailySeries | undefined }) {
  return (
    <Card withBorder padding="sm" aria-label={props.label}>
      <Text size="xs" c="gray.7" tt="uppercase">
        {props.label}
      </Text>
      <Text fw={700} size="xl" data-testid={`figure-${props.label}`}>
        {props.data ? formatCount(props.data.total) : '…'}
      </Text>
      {props.days && props.data && (
        <Sparkline label={props.label} days={props.days} values={props.data.perDay} />
      )}
    </Card>
  );
}
