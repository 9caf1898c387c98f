// Campaigns: link-tracked SMS and WhatsApp messages — the list, and creating, duplicating and archiving.
import {
  ActionIcon,
  Anchor,
  Badge,
  Button,
  Checkbox,
  Group,
  Modal,
  SegmentedControl,
  Stack,
  Table,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core';
import { IconArchive, IconArchiveOff, IconCopy, IconPlus, IconSend } from '@tabler/icons-react';
import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { CHANNEL_LIST } from '../../channels';
import type { CampaignRow, Channel } from '../../db/types';
import { campaignList } from '../../queries/reports';
import { appDb } from '../../state/db';
import { EmptyState } from '../../ui/EmptyState';
import { PageHeader } from '../../ui/PageHeader';
import { CHANNEL_LABEL, StatusBadge } from './labels';
import { createCampaign, duplicateCampaign } from './model';

export function CampaignsPage() {
  const db = appDb();
  const [showArchived, setShowArchived] = useState(false);
  const [creating, setCreating] = useState(false);
  const rows = useLiveQuery(() => campaignList(db, showArchived), [db, showArchived]);
  const navigate = useNavigate();

  const archive = (campaign: CampaignRow, archived: boolean) =>
    db.campaigns.update(campaign.id, { archived });
  const duplicate = async (campaign: CampaignRow) => {
    const copy = await duplicateCampaign(db, campaign);
    navigate(`/campaigns/${copy.id}`);
  };

  return (
    <>
      <PageHeader title="Campaigns">
        <Checkbox
          size="xs"
          label="Show archived"
          checked={showArchived}
          onChange={(e) => setShowArchived(e.currentTarget.checked)}
        />
        <Button size="xs" leftSection={<IconPlus size={14} />} onClick={() => setCreating(true)}>
          New campaign
        </Button>
      </PageHeader>
      <NewCampaignModal
        opened={creating}
        onClose={() => setCreating(false)}
        onCreated={(id) => navigate(`/campaigns/${id}`)}
      />
      {rows?.length === 0 && (
        <EmptyState icon={<IconSend />} title="No campaigns yet">
          A campaign sends each recipient an SMS or WhatsApp message with a tracked link of their own. Import
          contacts first, then create a campaign for them with "New campaign".
        </EmptyState>
      )}
      {rows && rows.length > 0 && (
        <Table striped highlightOnHover verticalSpacing={4} fz="sm" aria-label="Campaigns">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Channel</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th ta="right">Recipients</Table.Th>
              <Table.Th ta="right">Sent</Table.Th>
              <Table.Th ta="right">Clicks</Table.Th>
              <Table.Th>Created</Table.Th>
              <Table.Th w={70} />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map(({ campaign, recipients, sent, clicks }) => (
              <Table.Tr key={campaign.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/campaigns/${campaign.id}`} size="sm">
                    {campaign.name}
                  </Anchor>
                  {campaign.archived && (
                    <Badge ml="xs" size="xs" color="gray" variant="outline">
                      Archived
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>{CHANNEL_LABEL[campaign.channel]}</Table.Td>
                <Table.Td>
                  <StatusBadge status={campaign.status ?? 'draft'} />
                </Table.Td>
                <Table.Td ta="right">{recipients.toLocaleString()}</Table.Td>
                <Table.Td ta="right">{sent.toLocaleString()}</Table.Td>
                <Table.Td ta="right">{clicks.toLocaleString()}</Table.Td>
                <Table.Td>{new Date(campaign.createdAt).toLocaleDateString()}</Table.Td>
                <Table.Td>
                  <Group gap={2} wrap="nowrap">
                    <Tooltip label="Duplicate">
                      <ActionIcon
                        variant="subtle"
                        size="sm"
                        aria-label={`Duplicate ${campaign.name}`}
                        onClick={() => duplicate(campaign)}
                      >
                        <IconCopy size={14} />
                      </ActionIcon>
                    </Tooltip>
                    <Tooltip label={campaign.archived ? 'Unarchive' : 'Archive'}>
                      <ActionIcon
                        variant="subtle"
                        size="sm"
                        aria-label={`${campaign.archived ? 'Unarchive' : 'Archive'} ${campaign.name}`}
                        onClick={() => archive(campaign, !campaign.archived)}
                      >
                        {campaign.archived ? <IconArchiveOff size={14} /> : <IconArchive size={14} />}
                      </ActionIcon>
                    </Tooltip>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </>
  );
}

function NewCampaignModal(props: { opened: boolean; onClose: () => void; onCreated: (id: string) => void }) {
  const [name, setName] = useState('');
  const [channel, setChannel] = useState<Channel>('sms');
  const create = async () => {
    const campaign = await createCampaign(appDb(), name.trim(), channel);
    setName('');
    props.onClose();
    props.onCreated(campaign.id);
  };
  return (
    <Modal opened={props.opened} onClose={props.onClose} title="New campaign" size="sm">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (name.trim()) void create();
        }}
      >
        <Stack gap="sm">
          <TextInput
            label="Campaign name"
            required
            data-autofocus
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
          />
          <div>
            <Text size="sm" fw={500} mb={4}>
              Channel
            </Text>
            <SegmentedControl
              aria-label="Channel"
              value={channel}
              onChange={(value) => setChannel(CHANNEL_LIST.find((c) => c === value) ?? 'sms')}
              data={CHANNEL_LIST.map((value) => ({ value, label: CHANNEL_LABEL[value] }))}
            />
          </div>
          <Group justify="flex-end">
            <Button variant="default" size="xs" onClick={props.onClose}>
              Cancel
            </Button>
            <Button type="submit" size="xs" disabled={!name.trim()}>
              Create campaign
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
