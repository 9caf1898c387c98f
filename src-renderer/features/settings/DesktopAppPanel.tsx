// Settings for the installed desktop app: start at login (tracked links need the collector
// running) and the update feed. Headless mode has neither, so the panel shows only in the app.
import { Card, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import type { Settings } from '../../../src-main/shared/settings';

export function DesktopAppPanel(props: {
  desktop: Settings['desktop'];
  onChange: (patch: Partial<Settings['desktop']>) => void;
}) {
  const { desktop, onChange } = props;
  return (
    <Card withBorder id="desktop">
      <Title order={4} mb="sm">
        Desktop app
      </Title>
      <Stack gap="sm" maw={480}>
        <Switch
          label="Start Stitchdesk at login"
          description={
            'Tracked links and site events only reach you while Stitchdesk runs. On, it starts in the tray ' +
            'when you log in, so a restart does not silently stop the collector.' +
            (desktop.openAtLogin === null
              ? ' Not chosen yet: it turns on by itself once your first campaign is sent.'
              : '')
          }
          checked={desktop.openAtLogin === true}
          onChange={(event) => onChange({ openAtLogin: event.currentTarget.checked })}
        />
        <TextInput
          label="Update feed URL"
          description="The https folder where new versions are published (latest.yml and the installers). Leave empty and the app never checks for updates."
          placeholder="https://updates.example.com/stitchdesk"
          value={desktop.updateFeedUrl ?? ''}
          onChange={(event) => onChange({ updateFeedUrl: event.currentTarget.value.trim() || null })}
        />
        <Text size="xs" c="dimmed">
          Logs: Help → Show logs opens the folder.
        </Text>
      </Stack>
    </Card>
  );
}
