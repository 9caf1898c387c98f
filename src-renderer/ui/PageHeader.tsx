// The title row of each page: its one h1 (sized like a section title).
import { Group, Title } from '@mantine/core';
import type { ReactNode } from 'react';

export function PageHeader(props: { title: string; children?: ReactNode }) {
  return (
    <Group justify="space-between" mb="md">
      <Title order={1} size="h2">
        {props.title}
      </Title>
      {props.children && <Group gap="xs">{props.children}</Group>}
    </Group>
  );
}
