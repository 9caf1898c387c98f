// The empty state every section shows before it has data: what it is for and what to do next.
import { Center, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import type { ReactNode } from 'react';

export function EmptyState(props: {
  icon: ReactNode;
  title: string;
  children: ReactNode;
  action?: ReactNode;
}) {
  return (
    <Center py={64}>
      <Stack align="center" gap="sm" maw={520} ta="center">
        <ThemeIcon size={56} radius="xl" variant="light">
          {props.icon}
        </ThemeIcon>
        <Title order={3}>{props.title}</Title>
        <Text c="dimmed">{props.children}</Text>
        {props.action}
      </Stack>
    </Center>
  );
}
