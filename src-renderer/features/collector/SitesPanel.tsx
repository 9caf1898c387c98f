// The websites that may send events: add one, edit its allowed origins, copy its snippet, see
// whether its snippet works (last event, from which origin) and allow an origin it refused.
import {
  Alert,
  Badge,
  Button,
  Card,
  Code,
  CopyButton,
  Group,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import type { Site, SiteActivity } from '../../../src-main/shared/collector';
import { bridge } from '../../platform';
import { formatAgo, formatDateTime } from '../../ui/format';
import { useSites } from './useSites';

/** One origin per line or comma-separated, as typed by the user. */
function parseOrigins(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((value) => value.trim())
    .filter(Boolean);
}

export function trackingSnippet(collectorAddress: string, siteId: string): string {
  return `<script async src="${collectorAddress}/t.js" data-site="${siteId}"></script>`;
}

export function SitesPanel(props: { collectorAddress: string }) {
  const { sites, activity, error, setError, refresh } = useSites();
  const [name, setName] = useState('');
  const [origins, setOrigins] = useState('');

  const create = async () => {
    try {
      await bridge.invoke('sites.create', { name, origins: parseOrigins(origins) });
      setName('');
      setOrigins('');
      setError(null);
      refresh();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <Stack gap="sm" mb="lg">
      <Title order={4}>Websites</Title>
      {error && (
        <Alert color="red" withCloseButton onClose={() => setError(null)}>
          {error}
        </Alert>
      )}
      {sites?.length === 0 && (
        <Text c="dimmed">
          Add your website to get its tracking snippet. Only the origins you list may send events for it.
        </Text>
      )}
      {sites?.map((site) => (
        <SiteCard
          key={site.id}
          site={site}
          activity={activity.get(site.id)}
          collectorAddress={props.collectorAddress}
          onSaved={refresh}
        />
      ))}
      <Card withBorder>
        <Text fw={600} mb="xs">
          Add a website
        </Text>
        <Group align="flex-end" wrap="wrap">
          <TextInput
            label="Site name"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            w={220}
          />
          <TextInput
            label="Allowed origins"
            description="e.g. https://www.example.com, comma-separated"
            value={origins}
            onChange={(e) => setOrigins(e.currentTarget.value)}
            w={360}
          />
          <Button onClick={create} disabled={!name.trim()}>
            Add website
          </Button>
        </Group>
      </Card>
    </Stack>
  );
}

function SiteCard(props: {
  site: Site;
  activity: SiteActivity | undefined;
  collectorAddress: string;
  onSaved: () => void;
}) {
  const { site } = props;
  const [editing, setEditing] = useState(false);
  const [origins, setOrigins] = useState(site.origins.join('\n'));
  const [error, setError] = useState<string | null>(null);
  const snippet = trackingSnippet(props.collectorAddress, site.id);

  const save = async () => {
    try {
      await bridge.invoke('sites.update', { id: site.id, origins: parseOrigins(origins) });
      setEditing(false);
      setError(null);
      props.onSaved();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <Card withBorder aria-label={`Website ${site.name}`}>
      <Group justify="space-between" mb="xs">
        <Group gap="xs">
          <Text fw={600}>{site.name}</Text>
          {site.demo && (
            <Badge variant="light" color="grape">
              Demo
            </Badge>
          )}
        </Group>
        <Text size="xs" c="dimmed">
          id {site.id}
        </Text>
      </Group>
      <LastSeen activity={props.activity} />
      <RefusedOrigins site={site} activity={props.activity} onAllowed={props.onSaved} />
      {editing ? (
        <Stack gap="xs">
          <Textarea
            label="Allowed origins (one per line)"
            autosize
            minRows={2}
            value={origins}
            onChange={(e) => setOrigins(e.currentTarget.value)}
          />
          {error && <Text c="red">{error}</Text>}
          <Group>
            <Button size="xs" onClick={save}>
              Save origins
            </Button>
            <Button size="xs" variant="default" onClick={() => setEditing(false)}>
              Cancel
            </Button>
          </Group>
        </Stack>
      ) : (
        <Group gap="xs" mb="xs">
          <Text size="sm">Origins: {site.origins.length ? site.origins.join(', ') : 'none yet'}</Text>
          <Button size="compact-xs" variant="subtle" onClick={() => setEditing(true)}>
            Edit origins
          </Button>
        </Group>
      )}
      <Text size="sm" mt="xs">
        Paste this snippet into every page of the site:
      </Text>
      <Group gap="xs" wrap="nowrap" align="flex-start">
        <Code block style={{ flex: 1 }} aria-label={`Snippet for ${site.name}`}>
          {snippet}
        </Code>
        <CopyButton value={snippet}>
          {({ copied, copy }) => (
            <Button size="xs" variant="light" onClick={copy}>
              {copied ? 'Copied' : 'Copy snippet'}
            </Button>
          )}
        </CopyButton>
      </Group>
      <Text size="xs" c="dimmed" mt="xs">
        Segment-compatible clients: host {props.collectorAddress}, write key <Code>{site.writeKey}</Code>
      </Text>
    </Card>
  );
}

/** "Last event seen 2 min ago from origin https://…": the snippet works, and where it runs. */
function LastSeen(props: { activity: SiteActivity | undefined }) {
  const last = props.activity?.lastEventAt;
  if (!last) {
    return (
      <Text size="sm" mb="xs" data-testid="site-last-event">
        No event seen yet: paste the snippet below into the site, then open one of its pages.
      </Text>
    );
  }
  const at = Date.parse(last);
  return (
    <Text size="sm" mb="xs" data-testid="site-last-event">
      Last event seen <span title={formatDateTime(at)}>{formatAgo(at)}</span>{' '}
      {props.activity?.lastOrigin ? (
        <>
          from origin <Code>{props.activity.lastOrigin}</Code>
        </>
      ) : (
        'from a server-side client (no origin)'
      )}
    </Text>
  );
}

/** Origins the collector refused for the site, each with a one-click allow. */
function RefusedOrigins(props: { site: Site; activity: SiteActivity | undefined; onAllowed: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const refused = props.activity?.rejectedOrigins ?? [];
  if (refused.length === 0) return null;
  const allow = async (origin: string) => {
    try {
      await bridge.invoke('sites.allowOrigin', { id: props.site.id, origin });
      setError(null);
      props.onAllowed();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <Alert color="orange" variant="light" mb="xs" title="Events refused from origins not allowed">
      <Stack gap={4}>
        {refused.map((r) => (
          <Group key={r.origin} gap="xs" aria-label={`Refused origin ${r.origin}`}>
            <Code>{r.origin}</Code>
            <Text size="sm">
              {r.count} {r.count === 1 ? 'request' : 'requests'}, last {formatAgo(Date.parse(r.lastAt))}
            </Text>
            {/* "null" is what sandboxed frames and local files send: no origin there can be allowed. */}
            {r.origin !== 'null' && (
              <Button size="compact-xs" variant="light" onClick={() => allow(r.origin)}>
                Allow {r.origin}
              </Button>
            )}
          </Group>
        ))}
        {error && (
          <Text size="sm" c="red.9">
            {error}
          </Text>
        )}
      </Stack>
    </Alert>
  );
}
