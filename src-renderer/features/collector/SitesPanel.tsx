// The websites that may send events: add one, edit its allowed origins, copy its snippet.
import {
  Alert,
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
import { useCallback, useEffect, useState } from 'react';
import type { Site } from '../../../src-main/shared/collector';
import { bridge } from '../../platform';

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
  const [sites, setSites] = useState<Site[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [origins, setOrigins] = useState('');

  const refresh = useCallback(() => {
    bridge.invoke('sites.list', undefined).then(setSites, (e: Error) => setError(e.message));
  }, []);
  useEffect(refresh, [refresh]);

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
        <SiteCard key={site.id} site={site} collectorAddress={props.collectorAddress} onSaved={refresh} />
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

function SiteCard(props: { site: Site; collectorAddress: string; onSaved: () => void }) {
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
        <Text fw={600}>{site.name}</Text>
        <Text size="xs" c="dimmed">
          id {site.id}
        </Text>
      </Group>
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
