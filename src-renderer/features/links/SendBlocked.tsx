// Why a send button is off: the messages' links would start with an address no phone can open. The
// main process refuses such sends too; this says it before anyone presses the button.
import { Anchor, Text } from '@mantine/core';
import { Link } from 'react-router';
import type { LinkBaseReach } from '../../../src-main/shared/links';

/** Whether sends of these messages are refused: links at a base no phone can open. */
export function sendBlocked(reach: LinkBaseReach, hasLinks: boolean): boolean {
  return hasLinks && reach !== 'public';
}

export function SendBlockedReason(props: { base: string; testId?: string }) {
  return (
    <Text size="xs" c="red.8" mt={4} data-testid={props.testId ?? 'send-blocked'}>
      Sending is off: the links would start with {props.base}, which no recipient's phone can open. Set a
      public link base in{' '}
      <Anchor component={Link} to="/settings#links" size="xs" underline="always" c="red.9">
        Settings → Collector and links
      </Anchor>{' '}
      and prepare again; the send file can still be exported for a test.
    </Text>
  );
}
