// The guided first run's data: sample contacts (SMS consent, source "Demo", list "Demo"), a demo
// SMS campaign to them prepared through the real Prepare path and marked sent, links to the
// built-in demo site — and its removal in one step. What belongs to the demo is marked on the rows
// themselves (the list, the campaign's `demo` flag) and summed up in the `meta` row "demo".
import type { Bridge } from '../../src-main/shared/bridge';
import { createCampaign } from '../campaigns/create';
import { syncCampaignLinks } from '../campaigns/links';
import { markCampaignSent, prepareCampaign } from '../campaigns/prepare';
import type { StitchDb } from '../db';
import { withConsent } from '../db/consent';
import { newContact } from '../db/contacts';
import { dropSpans } from '../db/link-spans';
import type { CampaignRow, ContactRow, MessageRow } from '../db/types';

export const DEMO_LIST = 'Demo';
export const DEMO_SOURCE = 'Demo';
export const DEMO_CAMPAIGN_NAME = 'Demo: Harbor Coffee offer';
const DEMO_META = 'demo';

/** What the guided first run created; the first contact is "you", the one whose link is opened. */
export interface DemoState {
  siteId: string;
  campaignId: string;
  contactIds: string[];
  pagesUrl: string;
  createdAt: number;
}

/** US example numbers (555-01xx is reserved for fiction): no real phone gets the demo's text. */
const SAMPLE_CONTACTS = [
  { firstName: 'Dana', lastName: 'Demo', phone: '+12015550123', email: 'dana.demo@example.com' },
  { firstName: 'Sam', lastName: 'Sample', phone: '+12015550124', email: 'sam.sample@example.com' },
  { firstName: 'Riley', lastName: 'Example', phone: '+12015550125', email: 'riley.example@example.com' },
] as const;

export const isDemoContact = (contact: Pick<ContactRow, 'lists'>): boolean =>
  contact.lists.includes(DEMO_LIST);
export const isDemoCampaign = (campaign: CampaignRow): boolean => campaign.demo === true;

export async function demoState(db: StitchDb): Promise<DemoState | null> {
  const value = (await db.meta.get(DEMO_META))?.value as Partial<DemoState> | undefined;
  if (
    !value ||
    typeof value.siteId !== 'string' ||
    typeof value.campaignId !== 'string' ||
    typeof value.pagesUrl !== 'string' ||
    !Array.isArray(value.contactIds)
  ) {
    return null;
  }
  return {
    siteId: value.siteId,
    campaignId: value.campaignId,
    contactIds: value.contactIds.filter((id): id is string => typeof id === 'string'),
    pagesUrl: value.pagesUrl,
    createdAt: typeof value.createdAt === 'number' ? value.createdAt : 0,
  };
}

/**
 * Creates the demo (or returns the one there is): the demo site in main, the contacts, the campaign
 * prepared with real minted links and marked sent (the demo sends nothing: no provider is involved).
 */
export async function startDemo(
  db: StitchDb,
  bridge: Pick<Bridge, 'invoke'>,
  linkBase: string,
  now = Date.now(),
): Promise<DemoState> {
  const existing = await demoState(db);
  if (existing && (await db.campaigns.get(existing.campaignId))) return existing;
  const { site, pagesUrl } = await bridge.invoke('demo.setup', undefined);
  const contacts = SAMPLE_CONTACTS.map((sample) =>
    withConsent(
      newContact(
        {
          id: crypto.randomUUID(),
          ...sample,
          phoneType: 'mobile',
          lists: [DEMO_LIST],
          tags: ['demo'],
        },
        now,
      ),
      'sms',
      true,
      { at: now, source: `${DEMO_SOURCE}: sample contact of the guided first run` },
    ),
  );
  await db.contacts.bulkAdd(contacts);
  const campaign = await createCampaign(db, DEMO_CAMPAIGN_NAME, 'sms');
  const body = `Hi {{first_name}}, 20% off the Harbour Blend this week: ${pagesUrl}offer`;
  await db.campaigns.update(campaign.id, {
    audience: { kind: 'list', list: DEMO_LIST },
    body,
    links: syncCampaignLinks(body),
    demo: true,
  });
  await prepareCampaign(
    db,
    campaign.id,
    {
      register: (input) => bridge.invoke('links.register', input),
      mint: (request) => bridge.invoke('links.mint', request),
    },
    linkBase,
  );
  await markCampaignSent(db, campaign.id, now);
  const state: DemoState = {
    siteId: site.id,
    campaignId: campaign.id,
    contactIds: contacts.map((c) => c.id),
    pagesUrl,
    createdAt: now,
  };
  await db.meta.put({ key: DEMO_META, value: state });
  return state;
}

/** The message the guided run asks the user to open: the first sample contact's. */
export async function demoMessage(db: StitchDb, state: DemoState): Promise<MessageRow | undefined> {
  const you = state.contactIds[0];
  if (!you) return undefined;
  return db.messages
    .where('campaignId')
    .equals(state.campaignId)
    .filter((m) => m.contactId === you)
    .first();
}

export interface DemoRemoval {
  contacts: number;
  visitors: number;
  events: number;
  /** Journal records replaced by redaction records (0 when the journal could not be reached). */
  journalRecords: number;
  /** Why the journal still holds the demo's records, when it does. */
  journalError?: string;
}

const INF = Number.POSITIVE_INFINITY;
const NEG_INF = Number.NEGATIVE_INFINITY;

/**
 * Removes everything the demo made: its contacts with their links, timelines and audit rows, the
 * campaign with its messages and click events, the demo site's visitors, the site itself, and
 * (by the erasure's journal redaction) their records in the journal, so a rebuild does not bring
 * them back. Unlike an erasure it leaves no suppression: running the demo again must still work.
 */
export async function removeDemo(db: StitchDb, bridge: Pick<Bridge, 'invoke'>): Promise<DemoRemoval> {
  // The site goes first: from then on a demo tab still open sends nothing the collector keeps.
  await bridge.invoke('demo.remove', undefined);
  const state = await demoState(db);
  const contactIds = [
    ...new Set([
      ...(state?.contactIds ?? []),
      ...(await db.contacts.where('lists').equals(DEMO_LIST).primaryKeys()),
    ]),
  ];
  const campaigns = [
    ...new Set([
      ...(await db.campaigns.filter(isDemoCampaign).primaryKeys()),
      ...(state ? [state.campaignId] : []),
    ]),
  ];
  const links = await db.identities.where('contactId').anyOf(contactIds).toArray();
  const demoSiteVisitors = state
    ? await db.visitors.filter((v) => v.siteId === state.siteId).primaryKeys()
    : [];
  const visitorIds = [
    ...new Set([...links.filter((l) => l.kind === 'visitor').map((l) => l.value), ...demoSiteVisitors]),
  ];
  const messages = await db.messages.where('campaignId').anyOf(campaigns).toArray();
  const contacts = (await db.contacts.bulkGet(contactIds)).filter((c) => c !== undefined);

  const removal = await db.transaction(
    'rw',
    [
      db.contacts,
      db.identities,
      db.linkSpans,
      db.events,
      db.visitors,
      db.sessions,
      db.messages,
      db.campaigns,
      db.audit,
      db.tentativeLinks,
      db.meta,
    ],
    async () => {
      let events = 0;
      for (const visitorId of visitorIds) {
        events += await db.events
          .where('[visitorId+timestamp]')
          .between([visitorId, NEG_INF], [visitorId, INF])
          .delete();
        await db.sessions.where('[visitorId+start]').between([visitorId, NEG_INF], [visitorId, INF]).delete();
      }
      await db.visitors.bulkDelete(visitorIds);
      for (const id of contactIds) {
        events += await db.events.where('[contactId+timestamp]').between([id, NEG_INF], [id, INF]).delete();
      }
      for (const campaignId of campaigns) {
        for (const type of ['link_click', 'link_preview', 'message_sent'] as const) {
          events += await db.events.where('[campaignId+type]').equals([campaignId, type]).delete();
        }
      }
      await db.tentativeLinks.where('campaignId').anyOf(campaigns).delete();
      await db.tentativeLinks.where('contactId').anyOf(contactIds).delete();
      await db.messages.bulkDelete(messages.map((m) => m.id));
      await db.identities.bulkDelete(links.map((l) => l.id));
      await dropSpans(
        db,
        links.map((l) => l.id),
      );
      await db.audit.where('contactId').anyOf(contactIds).delete();
      await db.contacts.bulkDelete(contactIds);
      await db.campaigns.bulkDelete(campaigns);
      await db.meta.delete(DEMO_META);
      return { contacts: contactIds.length, visitors: visitorIds.length, events };
    },
  );

  let journalRecords = 0;
  let journalError: string | undefined;
  try {
    journalRecords = (
      await bridge.invoke('journal.redact', {
        emails: contacts.flatMap((c) => (c.email ? [c.email] : [])),
        phones: contacts.flatMap((c) => (c.phone ? [c.phone] : [])),
        visitorIds,
        userIds: [],
        messageIds: messages.map((m) => m.id),
      })
    ).records;
  } catch (error) {
    journalError = error instanceof Error ? error.message : String(error);
  }

  return { ...removal, journalRecords, ...(journalError ? { journalError } : {}) };
}
