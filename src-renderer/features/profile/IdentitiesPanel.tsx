// The Identities panel: every browser (and email/phone/user id) linked to the contact, each saying
// why it is linked, with its flags and an Unlink that can be undone.
import { Anchor, Badge, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { IconDeviceDesktop, IconDeviceMobile, IconDeviceTablet, IconWorld } from '@tabler/icons-react';
import Dexie from 'dexie';
import { useLiveQuery } from 'dexie-react-hooks';
import { Link } from 'react-router';
import type { DeviceType } from '../../db/types';
import { type ContactIdentity, contactIdentities } from '../../queries/contacts';
import { appDb } from '../../state/db';
import { describeDevice } from '../../stitching/device';
import { unstitchLink } from '../../stitching/manual';
import { formatDateTime } from '../../ui/format';
import { notifyError } from '../../ui/notifications';
import { notifyUndoable } from '../../ui/undo';
import { currentIngestSettings } from '../../ui/useSettings';

const DEVICE_ICON: Record<DeviceType, typeof IconWorld> = {
  mobile: IconDeviceMobile,
  tablet: IconDeviceTablet,
  desktop: IconDeviceDesktop,
  unknown: IconWorld,
};

const SOURCE_LABEL: Record<ContactIdentity['link']['source'], string> = {
  sms_click: 'SMS click',
  whatsapp_click: 'WhatsApp click',
  email_click: 'Email click',
  form: 'Form',
  identify: 'Website identify',
  manual: 'Linked by hand',
  import: 'Import',
};

export function IdentitiesPanel(props: { contactId: string }) {
  const db = appDb();
  const identities = useLiveQuery(
    () => contactIdentities(db, props.contactId, { includeRevoked: true }),
    [db, props.contactId],
  );
  const live = identities?.filter((i) => i.link.revokedAt === null) ?? [];
  const removed = (identities?.length ?? 0) - live.length;

  return (
    <Stack gap="xs" component="section" aria-labelledby="identities-heading">
      <Title order={3} id="identities-heading">
        Identities
      </Title>
      {identities && live.length === 0 && (
        <Text size="sm" c="dimmed">
          No browser is linked yet. A browser is linked when it opens one of this contact's tracked links, or
          when a form on your website names their email or phone. You can also link a visitor by hand from the
          Visitors page.
        </Text>
      )}
      <Stack gap="xs" role="list">
        {live.map((identity) => (
          <IdentityItem key={identity.link.id} identity={identity} />
        ))}
      </Stack>
      {removed > 0 && (
        <Text size="xs" c="dimmed">
          {removed} removed {removed === 1 ? 'link' : 'links'} (Settings → Audit log can undo a removal).
        </Text>
      )}
    </Stack>
  );
}

function IdentityItem(props: { identity: ContactIdentity }) {
  const { link, explanation, visitor } = props.identity;
  const device = visitor ? describeDevice(visitor.userAgent) : undefined;
  const Icon = DEVICE_ICON[visitor?.device ?? device?.device ?? 'unknown'];
  const unlink = async () => {
    try {
      const { auditId } = await unstitchLink(appDb(), link.id, { settings: await currentIngestSettings() });
      notifyUndoable(
        'Link removed',
        link.kind === 'visitor'
          ? "This browser's visits left the timeline."
          : `${link.kind} ${link.value} no longer links here.`,
        auditId,
      );
    } catch (error) {
      notifyError('The link was not removed', error);
    }
  };
  const heading =
    link.kind === 'visitor'
      ? `${device?.label ?? 'Unknown browser'}${visitor && visitor.device !== 'unknown' ? ` · ${visitor.device}` : ''}`
      : `${link.kind === 'userId' ? 'User id' : link.kind === 'email' ? 'Email' : 'Phone'} ${link.value}`;

  return (
    <Card withBorder p="xs" role="listitem">
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <Group gap="xs" wrap="nowrap" align="flex-start">
          <Icon size={20} aria-hidden style={{ flexShrink: 0, marginTop: 2 }} />
          <Stack gap={2}>
            <Group gap={6}>
              <Text size="sm" fw={600}>
                {heading}
              </Text>
              <Badge size="xs" variant="outline" color="gray">
                {SOURCE_LABEL[link.source]}
              </Badge>
              {explanation.flags.includes('sharedDevice') && (
                <Badge size="xs" color="orange">
                  Shared device
                </Badge>
              )}
              {explanation.flags.includes('forwarded') && (
                <Badge size="xs" color="grape">
                  Forwarded link
                </Badge>
              )}
              {link.to !== null && (
                <Badge size="xs" variant="light" color="gray">
                  Ended {formatDateTime(link.to)}
                </Badge>
              )}
            </Group>
            <Text size="sm">{explanation.text}</Text>
            {visitor && device && <BrowserDetail visitorId={visitor.id} versioned={device.versioned} />}
            <Text size="xs" c="dimmed">
              {visitor && (
                <>
                  First seen {formatDateTime(visitor.firstSeen)} · last seen{' '}
                  {formatDateTime(visitor.lastSeen)} · {visitor.pageViews} page views in {visitor.sessions}{' '}
                  {visitor.sessions === 1 ? 'session' : 'sessions'}
                </>
              )}
              {link.campaignId && (
                <>
                  {visitor ? ' · ' : ''}
                  Campaign{' '}
                  <Anchor component={Link} to={`/campaigns/${link.campaignId}`} size="xs">
                    {explanation.campaignName ?? link.campaignId}
                  </Anchor>
                  {explanation.clickedAt ? `, clicked ${formatDateTime(explanation.clickedAt)}` : ''}
                </>
              )}
            </Text>
          </Stack>
        </Group>
        <Button
          size="compact-xs"
          variant="default"
          color="red"
          style={{ flexShrink: 0 }}
          onClick={unlink}
          aria-label={`Unlink ${heading}`}
        >
          Unlink
        </Button>
      </Group>
    </Card>
  );
}

/** Which browser exactly (a short id and versions: two phones of one model differ) and where it went last. */
function BrowserDetail(props: { visitorId: string; versioned: string }) {
  const db = appDb();
  const lastPages = useLiveQuery(
    async () =>
      (
        await db.events
          .where('[visitorId+type+timestamp]')
          .between([props.visitorId, 'page', Dexie.minKey], [props.visitorId, 'page', Dexie.maxKey])
          .reverse()
          .limit(LAST_PAGES)
          .toArray()
      ).map((e) => e.path ?? e.url ?? ''),
    [db, props.visitorId],
  );
  return (
    <Text size="xs" c="dimmed">
      Visitor <span title={props.visitorId}>{shortId(props.visitorId)}</span> · {props.versioned}
      {lastPages && lastPages.length > 0 && <> · last pages {lastPages.filter(Boolean).join(', ')}</>}
    </Text>
  );
}

const LAST_PAGES = 3;

/** The first 8 characters: enough to tell browsers apart on one profile. */
const shortId = (id: string): string => (id.length > 10 ? `${id.slice(0, 8)}…` : id);
