// The one contract between the renderer and the main process: request/response handlers and
// pushed events. Types only — the Electron preload and the HTTP bridge both implement it.

import type { CollectorStatus, LiveFeedItem, Site, SiteInput } from './collector';
import type { JournalRecord } from './events';
import type { LinkBaseCheck, LinkCampaignInput, MintedCode, MintRequest } from './links';
import type {
  MessagingConfigInput,
  MessagingProgress,
  MessagingSendRequest,
  MessagingStatus,
  SendResult,
} from './messaging';
import type { Settings, SettingsPatch } from './settings';

export interface AppInfo {
  version: string;
  platform: 'electron' | 'headless';
  dataDir: string;
}

/** Every request the renderer can make, by channel name. */
export interface BridgeHandlers {
  'app.info': { args: undefined; result: AppInfo };
  'collector.status': { args: undefined; result: CollectorStatus };
  'collector.feed': { args: { limit?: number }; result: LiveFeedItem[] };
  'settings.get': { args: undefined; result: Settings };
  'settings.update': { args: SettingsPatch; result: Settings };
  'sites.list': { args: undefined; result: Site[] };
  'sites.create': { args: SiteInput; result: Site };
  'sites.update': { args: { id: string } & Partial<SiteInput>; result: Site };
  /** Reads journal records with offset >= fromOffset, at most `limit` of them. */
  'journal.read': { args: { fromOffset: number; limit: number }; result: JournalReadResult };
  /** The store has durably applied every record up to and including `offset`. */
  'journal.ack': { args: { offset: number }; result: { ackedOffset: number } };
  'links.register': { args: LinkCampaignInput; result: { campaignId: string; linkIds: string[] } };
  'links.mint': { args: MintRequest; result: MintedCode[] };
  /** Requests `<baseUrl>/r/…` from the main process: does that base reach this collector? */
  'links.checkBase': { args: { baseUrl: string }; result: LinkBaseCheck };
  /** Stores provider credentials (the auth token is write-only). */
  'messaging.configure': { args: MessagingConfigInput; result: MessagingStatus };
  'messaging.status': { args: undefined; result: MessagingStatus };
  /** Sends through the provider, throttled and retried; one result per message. */
  'messaging.send': { args: MessagingSendRequest; result: SendResult[] };
  /** Desktop only: the native open dialog for a contacts file (CSV/JSON); null when cancelled. */
  'files.openContacts': { args: undefined; result: { name: string; text: string } | null };
  /** Desktop only: the native save dialog for an export; `saved` is false when cancelled. */
  'files.saveExport': {
    args: { suggestedName: string; content: string };
    result: { saved: boolean; path?: string };
  };
}

export interface JournalReadResult {
  records: JournalRecord[];
  /** Offset to pass as `fromOffset` next time. */
  nextOffset: number;
  /** Offset of the last record in the journal (-1 when empty). */
  lastOffset: number;
  ackedOffset: number;
}

/** Events the main process pushes to the renderer. */
export interface BridgeEvents {
  'collector.status': CollectorStatus;
  /** New feed items, oldest first: pushed as they come, bursts gathered a quarter second at a time. */
  'collector.feed': LiveFeedItem[];
  'journal.appended': { lastOffset: number };
  'menu.command': { command: MenuCommand };
  'messaging.progress': MessagingProgress;
}

export type MenuCommand = 'import-contacts' | 'export-contacts';

export type BridgeChannel = keyof BridgeHandlers;
export type BridgeArgs<K extends BridgeChannel> = BridgeHandlers[K]['args'];
export type BridgeResult<K extends BridgeChannel> = BridgeHandlers[K]['result'];
export type BridgeEventName = keyof BridgeEvents;

/** What the renderer talks to, whichever shell runs it. */
export interface Bridge {
  readonly platform: 'electron' | 'headless';
  invoke<K extends BridgeChannel>(channel: K, args: BridgeArgs<K>): Promise<BridgeResult<K>>;
  on<E extends BridgeEventName>(event: E, listener: (payload: BridgeEvents[E]) => void): () => void;
}

/** The error shape every bridge and collector failure answers with. */
export interface ApiError {
  error: string;
  field?: string;
  detail: string;
}
