// The composer's plain warning when tracked links would start with an address no phone can open
// (the collector's default 127.0.0.1, or a private network address), with the way to fix it.
import { Alert, Anchor, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { Link } from 'react-router';
import type { LinkBaseReach } from '../../../src-main/shared/links';
import { LinkBaseCheck } from './LinkBaseCheck';

export function LinkBaseWarning(props: { base: string; reach: LinkBaseReach; what: string }) {
  const { reach } = props;
  if (reach === 'public') return null;
  const where =
    reach === 'loopback'
      ? 'an address of this computer'
      : reach === 'private'
        ? 'an address of your local network'
        : 'not a valid URL';
  return (
    <Alert
      color="orange"
      icon={<IconAlertTriangle size={16} />}
      p="xs"
      title="Phones cannot open these links"
    >
      <Stack gap={6}>
        <Text size="sm">
          {props.what} start with <code>{props.base}/r/…</code>, {where}: a recipient's phone cannot open it,
          so their clicks never reach the collector. Set a public link base (your own domain or a tunnel that
          forwards to the collector) in{' '}
          <Anchor component={Link} to="/settings#links" size="sm">
            Settings → Collector and links
          </Anchor>
          . Until then sending is off; the send file can still be exported for a test on this computer.
        </Text>
        <LinkBaseCheck base={props.base} />
      </Stack>
    </Alert>
  );
}
