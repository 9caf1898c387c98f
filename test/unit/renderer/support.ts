// Test fixtures for the stitched store: a fresh fake-IndexedDB store per test, a campaign with
// recipients, a journal that writes records the way the collector does, and the real main process.
import 'fake-indexeddb/auto';
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { Bridge } from '../../../src-main/shared/bridge';
import type { IdentifierToHash } from '../../../src-main/shared/erasure';
import type { JournalRecord, TrackedEvent } from '../../../src-main/shared/events';
import type { LookbackMode } from '../../../src-main/shared/settings';
import { openStitchDb, type StitchDb } from '../../../src-renderer/db';
import { newContact } from '../../../src-renderer/db/contacts';
import { spanOf } from '../../../src-renderer/db/link-spans';
import type { Channel, ContactRow, MessageRow } from '../../../src-renderer/db/types';
import { type IngestSettings, ingestBatch } from '../../../src-renderer/ingest/batch';
import { contactTimeline } from '../../../src-renderer/queries/timeline';
import { setIdentifierHasher } from '../../../src-renderer/stitching/suppression';

// Main-process modules, loaded by path because the renderer's typecheck covers only `src-main/shared`;
// the shapes they must have are spelled out here.
const HASH_MODULE = '../../../src-main/erasure/identifier-hash';
const MAIN_MODULE = '../../support/in-process-bridge';
const { createIdentifierHasher } = (await import(HASH_MODULE)) as {
  createIdentifierHasher: (key: Uint8Array) => (items: readonly IdentifierToHash[]) => string[];
};

/** The main process's keyed hashing, with a key of this test run: what the bridge answers. */
export const mainHasher = createIdentifierHasher(randomBytes(32));
setIdentifierHasher(async (items) => mainHasher(items));

export interface InProcessMain {
  bridge: Bridge;
  dataDir: string;
  url: string;
  append(events: TrackedEvent[]): Promise<void>;
  close(): Promise<void>;
}

/** The real main-process services (journal, keyed hashing, redaction) in a fresh data folder. */
export async function startMain(opts: { dataDir?: string } = {}): Promise<InProcessMain> {
  const { startInProcessMain } = (await import(MAIN_MODULE)) as {
    startInProcessMain: (opts: { dataDir?: string }) => Promise<InProcessMain>;
  };
  return startInProcessMain(opts);
}

export const UA = {
  androidChrome:
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
  iphoneSafari:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  ipadSafari:
    'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  desktopFirefox: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0',
  googlebot: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  whatsappPreview: 'WhatsApp/2.23.20.0',
  iMessagePreview:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0',
  desktopChrome:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
};

let dbCounter = 0;
export function freshDb(): StitchDb {
  dbCounter += 1;
  return openStitchDb(`test-${dbCounter}-${Math.random().toString(36).slice(2)}`);
}

export function settingsWith(
  stitching: Partial<IngestSettings['stitching']> = {},
  defaultCountry?: IngestSettings['defaultCountry'],
): IngestSettings {
  const settings: IngestSettings = {
    stitching: {
      lookback: 'all' as LookbackMode,
      forwardThreshold: 3,
      createContactsFromForms: false,
      defaultCountry: 'US',
      clickTokenTtlHours: 24,
      ...stitching,
    },
  };
  if (defaultCountry) settings.defaultCountry = defaultCountry;
  return settings;
}

/** 2025-03-01 10:00 UTC plus `minutes`. */
export const at = (minutes: number): number => Date.UTC(2025, 2, 1, 10, 0) + minutes * 60_000;

export async function addContact(
  db: StitchDb,
  fields: Partial<ContactRow> & { id: string },
): Promise<ContactRow> {
  const contact = newContact({ firstName: fields.id, ...fields }, at(-1000));
  await db.contacts.add(contact);
  return contact;
}

/** A campaign with one message per contact (`<campaignId>:<index>`), like the campaign builder makes. */
export async function addCampaign(
  db: StitchDb,
  campaign: { id: string; name: string; channel: Channel },
  contactIds: string[],
): Promise<MessageRow[]> {
  await db.campaigns.add({ ...campaign, createdAt: at(-500), status: 'sent' });
  const messages = contactIds.map(
    (contactId, index): MessageRow => ({
      id: `${campaign.id}:${index}`,
      campaignId: campaign.id,
      contactId,
      channel: campaign.channel,
      status: 'sent',
      sentAt: at(-60),
    }),
  );
  await db.messages.bulkAdd(messages);
  return messages;
}

/** Writes records the way the collector journals them. */
export class FakeJournal {
  readonly records: JournalRecord[] = [];
  private seq = 0;

  private push(event: Omit<TrackedEvent, 'messageId'>, minutes: number, source: JournalRecord['source']) {
    this.seq += 1;
    const record: JournalRecord = {
      offset: this.records.length,
      receivedAt: new Date(at(minutes)).toISOString(),
      source,
      event: { messageId: `m${this.seq}`, timestamp: new Date(at(minutes)).toISOString(), ...event },
    };
    if (source === 'tracker') record.siteId = 'site1';
    this.records.push(record);
    return record;
  }

  page(
    visitor: string,
    minutes: number,
    path: string,
    options: { ua?: string; clickToken?: string; ip?: string } = {},
  ): JournalRecord {
    const context: TrackedEvent['context'] = {
      userAgent: options.ua ?? UA.androidChrome,
      sessionId: `${visitor}-s`,
      page: { path, url: `https://shop.test${path}`, title: path },
    };
    if (options.clickToken) context.clickToken = options.clickToken;
    if (options.ip) context.ip = options.ip;
    return this.push({ type: 'page', anonymousId: visitor, context }, minutes, 'tracker');
  }

  click(message: MessageRow, minutes: number, token: string, ua = UA.androidChrome): JournalRecord {
    return this.push(
      {
        type: 'link_click',
        properties: {
          campaignId: message.campaignId,
          linkId: 'l1',
          recipientMessageId: message.id,
          destination: 'https://shop.test/',
          clickToken: token,
          method: 'GET',
        },
        context: { userAgent: ua, ip: '203.0.113.0' },
      },
      minutes,
      'redirect',
    );
  }

  preview(message: MessageRow, minutes: number, ua = UA.whatsappPreview, ip?: string): JournalRecord {
    return this.push(
      {
        type: 'link_preview',
        properties: {
          campaignId: message.campaignId,
          linkId: 'l1',
          recipientMessageId: message.id,
          destination: 'https://shop.test/',
          method: 'GET',
        },
        context: ip ? { userAgent: ua, ip } : { userAgent: ua },
      },
      minutes,
      'redirect',
    );
  }

  form(
    visitor: string,
    minutes: number,
    traits: Record<string, unknown>,
    ua = UA.androidChrome,
  ): JournalRecord {
    return this.push(
      {
        type: 'form_submit',
        anonymousId: visitor,
        traits,
        context: { userAgent: ua, sessionId: `${visitor}-s` },
      },
      minutes,
      'tracker',
    );
  }

  /** A custom event (`ps('track', name, properties)`), as a browser sends it. */
  track(
    visitor: string,
    minutes: number,
    name: string,
    properties: Record<string, unknown> = {},
  ): JournalRecord {
    return this.push(
      {
        type: 'track',
        anonymousId: visitor,
        event: name,
        properties,
        context: { userAgent: UA.androidChrome, sessionId: `${visitor}-s` },
      },
      minutes,
      'tracker',
    );
  }

  identify(
    visitor: string,
    minutes: number,
    traits: Record<string, unknown>,
    userId?: string,
    ua = UA.androidChrome,
  ): JournalRecord {
    const event: Omit<TrackedEvent, 'messageId'> = {
      type: 'identify',
      anonymousId: visitor,
      traits,
      context: { userAgent: ua },
    };
    if (userId) event.userId = userId;
    return this.push(event, minutes, 'segment');
  }

  /** Segment's alias: the browser `previousId` is the user `userId`. */
  alias(previousId: string, userId: string, minutes: number): JournalRecord {
    return this.push(
      { type: 'alias', previousId, userId, context: { userAgent: UA.androidChrome } },
      minutes,
      'segment',
    );
  }

  /** Records not yet handed out by `take`. */
  private taken = 0;
  take(): JournalRecord[] {
    const fresh = this.records.slice(this.taken);
    this.taken = this.records.length;
    return fresh;
  }
}

/** Ingests everything written since the last call. */
export async function ingestNew(
  db: StitchDb,
  journal: FakeJournal,
  settings = settingsWith(),
): Promise<void> {
  await ingestBatch(db, journal.take(), settings);
  await expectSpansInLine(db);
}

/**
 * The link spans table holds exactly the spans of the live visitor links, no more, no fewer: what
 * a segment count relies on. Checked after every `ingestNew` and after each hand-made link change.
 */
export async function expectSpansInLine(db: StitchDb): Promise<void> {
  const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
  const expected = (await db.identities.toArray()).flatMap((link) => spanOf(link) ?? []).sort(byId);
  expect((await db.linkSpans.toArray()).sort(byId)).toEqual(expected);
}

/** What the profile's timeline shows, newest first: "page /pricing", "link_click", … */
export async function timelineOf(db: StitchDb, contactId: string): Promise<string[]> {
  const page = await contactTimeline(db, contactId, { limit: 1000 });
  return page.items.map(({ event }) => (event.type === 'page' ? `page ${event.path}` : event.type));
}

/** Every table's rows (a table keyed outside its rows, as the activity keys are: its keys), for "nothing changed" comparisons. */
export async function dumpTables(db: StitchDb): Promise<Record<string, unknown[]>> {
  const dump: Record<string, unknown[]> = {};
  for (const table of db.tables)
    dump[table.name] = table.schema.primKey.keyPath
      ? await table.toArray()
      : await table.toCollection().primaryKeys();
  return dump;
}
