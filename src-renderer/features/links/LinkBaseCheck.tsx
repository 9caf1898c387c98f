// The "Check" button for a tracked-link base: the main process requests `<base>/r/…` and says
// whether that reaches this collector, and the page says it in words next to the button.
import { Button, Group, Text } from '@mantine/core';
import { IconPlugConnected } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import type { LinkBaseCheck as CheckResult } from '../../../src-main/shared/links';
import { bridge } from '../../platform';

export function LinkBaseCheck(props: { base: string }) {
  const [result, setResult] = useState<CheckResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // A result is about the base it checked: a new base clears it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the base changes
  useEffect(() => {
    setResult(null);
    setError(null);
  }, [props.base]);

  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      setResult(await bridge.invoke('links.checkBase', { baseUrl: props.base }));
    } catch (caught) {
      setError((caught as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Group gap="xs" wrap="nowrap" align="flex-start">
      <Button
        size="compact-sm"
        variant="default"
        leftSection={<IconPlugConnected size={14} />}
        onClick={run}
        loading={busy}
      >
        Check
      </Button>
      <Text size="sm" role="status" aria-label="Link base check">
        {error
          ? `The check failed: ${error}`
          : result
            ? result.reachesCollector
              ? result.reach === 'public'
                ? `${result.detail}: phones can open these links.`
                : `${result.detail}, but only from ${result.reach === 'loopback' ? 'this computer' : 'this local network'}: phones cannot open it.`
              : `${result.detail}.`
            : ''}
      </Text>
    </Group>
  );
}
