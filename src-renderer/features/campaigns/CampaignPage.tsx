// One campaign: build (audience and message), prepare and send, and its report.
import { Alert, Badge, Loader, Stack, Tabs, Text } from '@mantine/core';
import { useLiveQuery } from 'dexie-react-hooks';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useParams } from 'react-router';
import { buildAudience } from '../../campaigns/audience';
import { customFieldsOf } from '../../campaigns/merge-fields';
import type { CampaignAudience, CampaignRow } from '../../db/types';
import { SegmentDefinitionError } from '../../segments/model';
import { appDb } from '../../state/db';
import { PageHeader } from '../../ui/PageHeader';
import { AudiencePanel } from './AudiencePanel';
import { Composer } from './Composer';
import { CHANNEL_LABEL, StatusBadge } from './labels';
import { useLinkBase } from './model';
import { ReportPanel } from './ReportPanel';
import { SendPanel } from './SendPanel';

export function CampaignPage() {
  const { campaignId = '' } = useParams();
  const db = appDb();
  const stored = useLiveQuery(() => db.campaigns.get(campaignId).then((c) => c ?? null), [db, campaignId]);
  if (stored === undefined) return <Loader size="sm" />;
  if (stored === null) {
    return (
      <>
        <PageHeader title="Campaign" />
        <Alert color="red">No campaign with id {campaignId}. It may have been removed.</Alert>
      </>
    );
  }
  return <CampaignEditor key={stored.id} stored={stored} />;
}

function CampaignEditor(props: { stored: CampaignRow }) {
  const db = appDb();
  // The editor keeps its own copy so typing is never interrupted by the store's round trip.
  const [draft, setDraft] = useState<CampaignRow>(props.stored);
  const status = props.stored.status ?? 'draft';
  const locked = status === 'sent' || status === 'sending';
  useEffect(() => {
    // Changes made elsewhere (Prepare, Mark as sent) update status fields without touching the text.
    setDraft((d) => ({ ...d, status: props.stored.status, recipients: props.stored.recipients }));
  }, [props.stored.status, props.stored.recipients]);

  const update = useCallback(
    (patch: Partial<CampaignRow>) => {
      if (locked) return;
      // A change after Prepare means the prepared messages are stale.
      const full: Partial<CampaignRow> = status === 'prepared' ? { ...patch, status: 'draft' } : patch;
      setDraft((d) => ({ ...d, ...full }));
      void db.campaigns.update(props.stored.id, full);
    },
    [db, locked, status, props.stored.id],
  );

  const linkBase = useLinkBase();
  const audienceKey = JSON.stringify(draft.audience ?? { kind: 'all' });
  // Compared by value: every edit makes a new draft object, but only an audience change re-counts.
  const audienceSpec = useMemo(() => JSON.parse(audienceKey) as CampaignAudience, [audienceKey]);
  const audience = useLiveQuery(
    // Conditions being built may be incomplete for a moment (a page condition without its pattern):
    // no count then; the builder's own count says why.
    () =>
      buildAudience(db, audienceSpec, draft.channel).catch((error: unknown) => {
        if (error instanceof SegmentDefinitionError) return undefined;
        throw error;
      }),
    [db, audienceSpec, draft.channel],
  );
  const allContacts = useLiveQuery(() => db.contacts.limit(5000).toArray(), [db]);
  const customFields = useMemo(() => customFieldsOf(allContacts ?? []), [allContacts]);
  const [tab, setTab] = useState<string | null>(status === 'sent' ? 'report' : 'build');

  return (
    <>
      <PageHeader title={draft.name}>
        <Badge variant="outline">{CHANNEL_LABEL[draft.channel]}</Badge>
        <StatusBadge status={status} />
      </PageHeader>
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List mb="sm">
          <Tabs.Tab value="build">Build</Tabs.Tab>
          <Tabs.Tab value="send">Prepare &amp; send</Tabs.Tab>
          <Tabs.Tab value="report">Report</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="build">
          <Stack gap="sm">
            {locked && (
              <Text size="sm" c="dimmed">
                This campaign has been sent, so its audience and message are final. Duplicate it from the
                campaign list to send a variation.
              </Text>
            )}
            <AudiencePanel
              draft={draft}
              audience={audience}
              locked={locked}
              onChange={(next) => update({ audience: next })}
            />
            {linkBase === null ? (
              <Loader size="xs" />
            ) : (
              <Composer
                draft={draft}
                update={update}
                recipients={audience?.recipients ?? []}
                customFields={customFields}
                linkBase={linkBase.url}
                linkReach={linkBase.reach}
                locked={locked}
              />
            )}
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="send">
          {linkBase === null ? (
            <Loader size="xs" />
          ) : (
            <SendPanel
              campaign={props.stored}
              linkBase={linkBase.url}
              linkReach={linkBase.reach}
              customFields={customFields}
            />
          )}
        </Tabs.Panel>
        <Tabs.Panel value="report">
          <ReportPanel campaignId={props.stored.id} />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}
