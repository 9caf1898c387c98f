// The stitched timeline: newest first, grouped by browsing session, one icon and colour per channel,
// virtualized (only the rows in view are rendered) and paged from the store as it is scrolled.
// Page addresses are shown with their query (UTM tags as chips) and referrer; only http(s) ones become
// links, opened outside the app. Forms show their name and captured fields; custom events their properties.
import { Anchor, Badge, Button, Group, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import {
  IconBrandWhatsapp,
  IconClick,
  IconForms,
  IconMail,
  IconMessage,
  IconWorld,
} from '@tabler/icons-react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router';
import type { Delivery } from '../../campaigns/delivery';
import type { CampaignRow, EventRow } from '../../db/types';
import type { TimelineItem } from '../../queries/timeline';
import { appDb } from '../../state/db';
import { describeDevice } from '../../stitching/device';
import { formatDateTime } from '../../ui/format';
import {
  type ChannelKind,
  channelOf,
  eventKind,
  formSummary,
  pageAddress,
  propertyPairs,
  type TimelineGroup,
  timelineView,
} from './profile-data';

const PAGE = 100;

const CHANNEL_STYLE: Record<ChannelKind, { color: string; icon: typeof IconWorld; label: string }> = {
  sms: { color: 'blue', icon: IconMessage, label: 'SMS' },
  whatsapp: { color: 'green', icon: IconBrandWhatsapp, label: 'WhatsApp' },
  email: { color: 'violet', icon: IconMail, label: 'Email' },
  web: { color: 'gray', icon: IconWorld, label: 'Web' },
  form: { color: 'orange', icon: IconForms, label: 'Form' },
};

type TimelineRow =
  | { kind: 'session'; key: string; group: TimelineGroup }
  | { kind: 'event'; key: string; item: TimelineItem };

/** Session headers and events in one flat list, so the virtualizer can window them. */
function flatten(groups: readonly TimelineGroup[]): TimelineRow[] {
  return groups.flatMap((group): TimelineRow[] => [
    ...(group.session
      ? [{ kind: 'session' as const, key: `s:${group.session.id}:${group.items[0]?.event.id}`, group }]
      : []),
    ...group.items.map((item) => ({ kind: 'event' as const, key: item.event.id, item })),
  ]);
}

export function TimelinePanel(props: { contactId: string; showTentative?: boolean }) {
  const db = appDb();
  const [limit, setLimit] = useState(PAGE);
  const tentative = props.showTentative === true;
  const view = useLiveQuery(
    () => timelineView(db, props.contactId, limit, tentative),
    [db, props.contactId, limit, tentative],
  );
  const rows = useMemo(() => flatten(view?.groups ?? []), [view]);

  // Only the rows in view are rendered; the next page loads as the list is scrolled to its end.
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (index) => (rows[index]?.kind === 'session' ? 34 : 30),
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const lastVisible = items[items.length - 1]?.index ?? 0;
  const canLoadMore = !!view?.more && view.shown >= limit;
  useEffect(() => {
    if (canLoadMore && lastVisible >= rows.length - 10) setLimit((current) => current + PAGE);
  }, [canLoadMore, lastVisible, rows.length]);

  return (
    <Stack gap="xs" component="section" aria-labelledby="timeline-heading">
      <Title order={3} id="timeline-heading">
        Timeline
      </Title>
      {view && view.shown === 0 && (
        <Text size="sm" c="dimmed">
          Nothing yet. Messages sent to this contact, their link clicks and the pages their linked browsers
          visit appear here as they happen.
        </Text>
      )}
      <div
        ref={scrollRef}
        style={{ overflowY: 'auto', contain: 'strict', height: Math.min(640, virtualizer.getTotalSize()) }}
      >
        <ul
          aria-label="Timeline events"
          style={{
            height: virtualizer.getTotalSize(),
            position: 'relative',
            listStyle: 'none',
            margin: 0,
            padding: 0,
          }}
        >
          {items.map((virtual) => {
            const row = rows[virtual.index];
            if (!row) return null;
            return (
              <li
                key={row.key}
                data-index={virtual.index}
                ref={virtualizer.measureElement}
                style={{
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  right: 0,
                  transform: `translateY(${virtual.start}px)`,
                }}
              >
                {row.kind === 'session' ? (
                  <SessionHeader group={row.group} />
                ) : (
                  <EventItem
                    item={row.item}
                    campaigns={view?.campaigns ?? new Map()}
                    deliveries={view?.deliveries ?? new Map()}
                  />
                )}
              </li>
            );
          })}
        </ul>
      </div>
      {canLoadMore && (
        <Button
          variant="default"
          size="xs"
          onClick={() => setLimit(limit + PAGE)}
          style={{ alignSelf: 'center' }}
        >
          Load more
        </Button>
      )}
    </Stack>
  );
}

function SessionHeader(props: { group: TimelineGroup }) {
  const { session, visitor, items } = props.group;
  if (!session) return null;
  const device = describeDevice(visitor?.userAgent ?? items[0]?.event.userAgent).label;
  return (
    <Group
      gap="xs"
      px="xs"
      py={4}
      mt={4}
      bg="gray.0"
      style={{ borderBottom: '1px solid var(--mantine-color-gray-3)', borderRadius: 4 }}
    >
      <Text size="xs" fw={600}>
        Session {formatDateTime(session.start)}
      </Text>
      <Text size="xs" c="dimmed">
        {session.pageViews} {session.pageViews === 1 ? 'page' : 'pages'} · {device}
        {session.referrer ? ` · from ${session.referrer}` : ''}
      </Text>
    </Group>
  );
}

function EventItem(props: {
  item: TimelineItem;
  campaigns: Map<string, CampaignRow>;
  deliveries: Map<string, Delivery>;
}) {
  const { event } = props.item;
  const channel = channelOf(event);
  const style = CHANNEL_STYLE[channel];
  const Icon = event.type === 'link_click' ? IconClick : style.icon;
  return (
    <Group gap="xs" wrap="nowrap" py={3} px="xs" align="center">
      <ThemeIcon size="sm" variant="light" color={style.color} aria-label={style.label}>
        <Icon size={14} />
      </ThemeIcon>
      <Text size="xs" c="dimmed" w={150} style={{ flexShrink: 0 }}>
        {formatDateTime(event.timestamp)}
      </Text>
      <Text size="sm" fw={500} style={{ flexShrink: 0 }}>
        {eventKind(event)}
      </Text>
      <EventDetail event={event} campaigns={props.campaigns} />
      {event.type === 'message_sent' && event.recipientMessageId && (
        <DeliveryBadge delivery={props.deliveries.get(event.recipientMessageId)} />
      )}
      {props.item.via.kind === 'tentative' && (
        <Text size="xs" fw={600} c="red.9" style={{ flexShrink: 0 }}>
          Tentative
        </Text>
      )}
    </Group>
  );
}

/** Delivered / Failed as the provider reported it; nothing while it is not known. */
function DeliveryBadge(props: { delivery: Delivery | undefined }) {
  if (!props.delivery) return null;
  return (
    <Badge
      size="xs"
      variant="light"
      color={props.delivery === 'Delivered' ? 'green' : 'red'}
      style={{ flexShrink: 0 }}
    >
      {props.delivery}
    </Badge>
  );
}

function EventDetail(props: { event: EventRow; campaigns: Map<string, CampaignRow> }) {
  const { event } = props;
  const campaign = event.campaignId ? props.campaigns.get(event.campaignId) : undefined;
  if (
    event.campaignId &&
    (event.type === 'link_click' || event.type === 'message_sent' || event.type === 'link_preview')
  ) {
    return (
      <Group gap={6} wrap="nowrap" style={{ minWidth: 0 }}>
        <Anchor component={Link} to={`/campaigns/${event.campaignId}`} size="sm">
          {campaign?.name ?? 'Deleted campaign'}
        </Anchor>
        {event.channel && (
          <Badge size="xs" variant="light" color={CHANNEL_STYLE[event.channel].color}>
            {CHANNEL_STYLE[event.channel].label}
          </Badge>
        )}
      </Group>
    );
  }
  if (event.type === 'form_submit') return <FormDetail event={event} />;
  if (event.type === 'track') return <PropertiesDetail event={event} />;
  const address = pageAddress(event);
  if (!address) return null;
  const ellipsis = { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' } as const;
  // The page's path is what the row is about: it keeps its width (up to most of the row), and the
  // UTM chips and title give way to it, cut short, inside the row (a landing page's three chips
  // used to push the path out of sight and run under the "Tentative" mark).
  const path = { ...ellipsis, flexShrink: 0, maxWidth: '60%' } as const;
  return (
    <Group gap={6} wrap="nowrap" style={{ minWidth: 0, overflow: 'hidden' }}>
      {address.href ? (
        <Anchor
          href={address.href}
          target="_blank"
          rel="noopener noreferrer"
          size="sm"
          title={address.href}
          style={path}
        >
          {address.text}
        </Anchor>
      ) : (
        <Text span size="sm" style={path}>
          {address.text}
        </Text>
      )}
      {address.utm.map(([key, value]) => (
        <Badge
          key={key}
          size="xs"
          variant="light"
          color="gray"
          style={{ flexShrink: 1, minWidth: '3em' }}
          tt="none"
          title={`${key}: ${value}`}
        >
          {key}: {value}
        </Badge>
      ))}
      {address.referrer && (
        <Text span size="xs" c="dimmed" style={{ flexShrink: 0 }}>
          from {address.referrer}
        </Text>
      )}
      {event.title && (
        <Text span size="xs" c="dimmed" style={ellipsis}>
          {event.title}
        </Text>
      )}
    </Group>
  );
}

/** The form's name and the fields the tracker captured (email and phone only, never other inputs). */
function FormDetail(props: { event: EventRow }) {
  const { name, fields } = formSummary(props.event);
  const address = pageAddress(props.event);
  return (
    <Group gap={6} wrap="nowrap" style={{ minWidth: 0 }}>
      {name && (
        <Text span size="sm">
          {name}
        </Text>
      )}
      {fields.map(([label, value]) => (
        <Badge key={label} size="xs" variant="light" color="orange" tt="none" style={{ flexShrink: 0 }}>
          {label}: {value}
        </Badge>
      ))}
      {address && (
        <Text span size="xs" c="dimmed" style={{ overflow: 'hidden', textOverflow: 'ellipsis' }}>
          on {address.text}
        </Text>
      )}
    </Group>
  );
}

function PropertiesDetail(props: { event: EventRow }) {
  const { pairs, more } = propertyPairs(props.event);
  return (
    <Group gap={4} wrap="nowrap" style={{ minWidth: 0, overflow: 'hidden' }}>
      {pairs.map(([key, value]) => (
        <Badge key={key} size="xs" variant="outline" color="gray.8" tt="none" style={{ flexShrink: 0 }}>
          {key}: {value}
        </Badge>
      ))}
      {more > 0 && (
        <Text span size="xs" c="dimmed">
          +{more} more
        </Text>
      )}
    </Group>
  );
}
