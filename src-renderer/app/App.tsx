// The app shell: navigation, routes and the status bar.
import { Alert, AppShell, Group, NavLink, ScrollArea, Text } from '@mantine/core';
import {
  IconAddressBook,
  IconAntenna,
  IconChartBar,
  IconFilter,
  IconHome,
  IconSend,
  IconSettings,
  IconWorldWww,
} from '@tabler/icons-react';
import { type ReactNode, useEffect } from 'react';
import { HashRouter, Navigate, Route, NavLink as RouterLink, Routes, useNavigate } from 'react-router';
import { startAutoBackups } from '../backup/run';
import { followOutbox } from '../campaigns/outbox-sync';
import { CampaignPage } from '../features/campaigns/CampaignPage';
import { CampaignsPage } from '../features/campaigns/CampaignsPage';
import { CollectorPage } from '../features/collector/CollectorPage';
import { ContactsPage } from '../features/contacts/ContactsPage';
import { DemoPage } from '../features/demo/DemoPage';
import { ExportPage } from '../features/export/ExportPage';
import { HomePage } from '../features/home/HomePage';
import { ImportPage } from '../features/import/ImportPage';
import { ProfilePage } from '../features/profile/ProfilePage';
import { ReportsPage } from '../features/reports/ReportsPage';
import { SegmentsPage } from '../features/segments/SegmentsPage';
import { SettingsPage } from '../features/settings/SettingsPage';
import { VisitorsPage } from '../features/visitors/VisitorsPage';
import { bridge, bridgeMissing } from '../platform';
import { appDb } from '../state/db';
import { useAppStore } from '../state/store';
import { NotificationHost, notify } from '../ui/notifications';
import { StatusBar } from './StatusBar';

const SECTIONS: { path: string; label: string; icon: ReactNode; element: ReactNode }[] = [
  { path: '/home', label: 'Home', icon: <IconHome size={18} />, element: <HomePage /> },
  { path: '/contacts', label: 'Contacts', icon: <IconAddressBook size={18} />, element: <ContactsPage /> },
  { path: '/visitors', label: 'Visitors', icon: <IconWorldWww size={18} />, element: <VisitorsPage /> },
  { path: '/segments', label: 'Segments', icon: <IconFilter size={18} />, element: <SegmentsPage /> },
  { path: '/campaigns', label: 'Campaigns', icon: <IconSend size={18} />, element: <CampaignsPage /> },
  { path: '/reports', label: 'Reports', icon: <IconChartBar size={18} />, element: <ReportsPage /> },
  { path: '/collector', label: 'Collector', icon: <IconAntenna size={18} />, element: <CollectorPage /> },
  { path: '/settings', label: 'Settings', icon: <IconSettings size={18} />, element: <SettingsPage /> },
];

export function App() {
  const followCollector = useAppStore((s) => s.followCollector);
  const followIngest = useAppStore((s) => s.followIngest);
  useEffect(() => followCollector(), [followCollector]);
  // The store follows the journal whenever the app is open (one tab ingests; see IngestLoop).
  useEffect(() => (bridgeMissing ? undefined : followIngest(appDb())), [followIngest]);
  // Daily backups need this window: the store lives here (see backup/run.ts).
  useEffect(() => (bridgeMissing ? undefined : startAutoBackups()), []);
  // Scheduled sends run in the main process: their outcomes reach the store whenever a window is open.
  useEffect(
    () =>
      bridgeMissing
        ? undefined
        : followOutbox(appDb(), bridge, (error) =>
            notify({ title: 'Could not record scheduled sends', message: error.message, color: 'red' }),
          ),
    [],
  );

  return (
    <HashRouter>
      <AppShell
        navbar={{ width: 200, breakpoint: 0 }}
        header={{ height: 48 }}
        footer={{ height: 30 }}
        padding="md"
      >
        <AppShell.Header>
          {/* The first stop of the keyboard: past the navigation, to the page itself. */}
          {/* A button, not a #hash link: under HashRouter a hash would change the route. */}
          <button
            type="button"
            className="skip-link"
            onClick={() => document.getElementById('content')?.focus()}
          >
            Skip to content
          </button>
          <Group h="100%" px="md">
            <Text fw={700} size="lg" component="span">
              Stitchdesk
            </Text>
            <Text size="xs" c="dimmed">
              SMS &amp; WhatsApp profile stitching
            </Text>
          </Group>
        </AppShell.Header>
        <AppShell.Navbar p="xs" component="nav" aria-label="Sections">
          {SECTIONS.map((section) => (
            <NavLink
              key={section.path}
              component={RouterLink}
              to={section.path}
              label={section.label}
              leftSection={section.icon}
            />
          ))}
        </AppShell.Navbar>
        <AppShell.Main id="content" tabIndex={-1} style={{ outline: 'none' }}>
          <ScrollArea.Autosize>
            {bridgeMissing && (
              <Alert color="red" mb="md" title="Not connected">
                This page was opened without its access token. Open the app address that "npm run serve"
                printed.
              </Alert>
            )}
            <Routes>
              {SECTIONS.map((section) => (
                <Route key={section.path} path={section.path} element={section.element} />
              ))}
              <Route path="/contacts/:contactId" element={<ProfilePage />} />
              <Route path="/campaigns/:campaignId" element={<CampaignPage />} />
              <Route path="/import" element={<ImportPage />} />
              <Route path="/export" element={<ExportPage />} />
              <Route path="/demo" element={<DemoPage />} />
              <Route path="*" element={<Navigate to="/contacts" replace />} />
            </Routes>
          </ScrollArea.Autosize>
        </AppShell.Main>
        <AppShell.Footer>
          <StatusBar />
        </AppShell.Footer>
        <MenuCommands />
        <NotificationHost />
      </AppShell>
    </HashRouter>
  );
}

/** File → Import/Export contacts… in the desktop menu open the matching screens. */
function MenuCommands() {
  const navigate = useNavigate();
  useEffect(
    () =>
      bridge.on('menu.command', ({ command }) => {
        navigate(command === 'import-contacts' ? '/import' : '/export');
      }),
    [navigate],
  );
  return null;
}
