// Tentative links on a profile: browsers that opened this contact's tracked link without enough
// evidence to be theirs (a forwarded link, a desktop on an SMS link…), each with its reasons in
// words and a one-click Confirm or "Not theirs", both audited and undoable.
import { Button, Card, Group, Stack, Switch, Text, Title } from '@mantine/core';
import { useLiveQuery } from 'dexie-react-hooks';
import type { StitchDb } from '../../db';
import { mergedFamily } from '../../db/stats';
import type { CampaignRow, TentativeLinkRow, VisitorRow } from '../../db/types';
import { appDb } from '../../state/db';
import { describeDevice } from '../../stitching/device';
import { describeEvidence } from '../../stitching/evidence';
import { confirmTentativeLink, rejectTentativeLink } from '../../stitching/manual';
import { formatDateTime } from '../../ui/format';
import { notifyError } from '../../ui/notifications';
import { notifyUndoable } from '../../ui/undo';
import { currentIngestSettings } from '../../ui/useSettings';

interface TentativeItem {
  link: TentativeLinkRow;
  visitor?: VisitorRow;
  campaign?: CampaignRow;
}

async function tentativeOf(db: StitchDb, contactId: string): Promise<TentativeItem[]> {
  const family = await mergedFamily(db.contacts, contactId);
  const links = (await db.tentativeLinks.where('contactId').anyOf(family).toArray())
    .filter((l) => l.status === 'tentative')
    .sort((a, b) => b.at - a.at);
  const [visitors, campaigns] = await Promise.all([
    db.visitors.bulkGet(links.map((l) => l.visitorId)),
    db.campaigns.bulkGet(links.map((l) => l.campaignId)),
  ]);
  return links.map((link, i) => {
    const item: TentativeItem = { link };
    const visitor = visitors[i];
    const campaign = campaigns[i];
    if (visitor) item.visitor = visitor;
    if (campaign) item.campaign = campaign;
    return item;
  });
}

export function TentativePanel(props: {
  contactId: string;
  contactName: string;
  showOnTimeline: boolean;
  onShowOnTimeline: (show: boolean) => void;
}) {
  const db = appDb();
  const items = useLiveQuery(() => tentativeOf(db, props.contactId), [db, props.contactId]);
  if (!items || items.length === 0) return null;
  return (
    <Card withBorder p="sm" mt="md">
      <Stack gap="xs" component="section" aria-labelledby="tentative-heading">
        <Title order={3} id="tentative-heading">
          Tentative links
        </Title>
        <Text size="sm">
          {items.length === 1 ? 'This browser' : `These ${items.length} browsers`} opened {props.contactName}
          's tracked link, but the evidence does not say {items.length === 1 ? 'it is' : 'they are'}{' '}
          {props.contactName}'s. Their visits are kept out of the timeline, stats, audiences and reports until
          you decide.
        </Text>
        <Switch
          label="Show their visits on the timeline"
          checked={props.showOnTimeline}
          onChange={(event) => props.onShowOnTimeline(event.currentTarget.checked)}
        />
        <Stack gap="xs" role="list" aria-label="Tentative links">
          {items.map((item) => (
            <TentativeCard key={item.link.id} item={item} contactName={props.contactName} />
          ))}
        </Stack>
      </Stack>
    </Card>
  );
}

function TentativeCard(props: { item: TentativeItem; contactName: string }) {
  const { link, visitor, campaign } = props.item;
  const device = describeDevice(visitor?.userAgent).label;
  const reasons = describeEvidence(link.evidence);
  const decide = async (confirm: boolean) => {
    try {
      const settings = await currentIngestSettings();
      const { auditId } = confirm
        ? await confirmTentativeLink(appDb(), link.id, { settings })
        : await rejectTentativeLink(appDb(), link.id, { settings });
      notifyUndoable(
        confirm ? 'Link confirmed' : 'Link rejected',
        confirm
          ? `This browser's visits are now on ${props.contactName}'s timeline.`
          : `This browser stays apart from ${props.contactName}.`,
        auditId,
      );
    } catch (error) {
      notifyError('The link was not changed', error);
    }
  };
  return (
    <Card withBorder p="xs" role="listitem" aria-label={`Browser ${link.visitorId.slice(0, 8)}`}>
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <Stack gap={2} style={{ minWidth: 0 }}>
          <Group gap={6}>
            <Text size="sm" fw={600}>
              {device}
            </Text>
            <Text size="xs" c="dark.4" ff="monospace">
              {link.visitorId.slice(0, 8)}
            </Text>
            <Text size="xs" fw={600} c="red.9">
              {Math.round(link.confidence * 100)}% sure
            </Text>
          </Group>
          <Text size="xs">
            Opened {campaign ? `the campaign ${campaign.name}` : 'a campaign'} link at{' '}
            {formatDateTime(link.at)}
          </Text>
          <Text size="xs" c="dark.4">
            {reasons}
          </Text>
        </Stack>
        <Group gap={4} wrap="nowrap">
          <Button size="compact-xs" color="teal.9" onClick={() => decide(true)}>
            Confirm
          </Button>
          <Button size="compact-xs" variant="default" onClick={() => decide(false)}>
            Not {props.contactName}'s
          </Button>
        </Group>
      </Group>
    </Card>
  );
}
