// The one contract between the renderer and the main process: request/response handlers and
// pushed events. Types only — the Electron preload and the HTTP bridge both implement it.

import type {
  BackupBeginRequest,
  BackupBeginResult,
  BackupFinishStep,
  BackupSchedule,
  BackupScheduleInput,
  RestoreOpenStep,
  RestoreRowsBatch,
} from './backup';
import type { CollectorStatus, DemoSetup, LiveFeedItem, Site, SiteActivity, SiteInput } from './collector';
import type { IdentifierToHash, RedactionReport, RedactionRequest } from './erasure';
import type { JournalRecord } from './events';
import type {
  EmailRecipientUrls,
  LinkBase,
  LinkBaseCheck,
  LinkCampaignInput,
  MintedCode,
  MintRequest,
} from './links';
import type {
  EmailConfigInput,
  EmailStatus,
  MessagingConfigInput,
  MessagingProgress,
  MessagingSendRequest,
  MessagingStatus,
  OutgoingMessage,
  SendResult,
} from './messaging';
import type {
  CampaignOutboxStatus,
  MessageOutcome,
  PlannedTime,
  SchedulePlanRequest,
  ScheduleSubmitRequest,
  ScheduleSubmitResult,
} from './scheduling';
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
  /** Per site: first and last accepted event, the last origin, and the origins refused. */
  'sites.activity': { args: undefined; result: SiteActivity[] };
  /** Adds a refused origin to the site's allowed list (one click on the Collector page). */
  'sites.allowOrigin': { args: { id: string; origin: string }; result: Site };
  /** Creates (or refreshes the origins of) the built-in demo site served at /demo/. */
  'demo.setup': { args: undefined; result: DemoSetup };
  /** Removes the demo site: its snippet's events are refused from then on. */
  'demo.remove': { args: undefined; result: { removed: boolean } };
  /** Reads journal records with offset >= fromOffset, at most `limit` of them. */
  'journal.read': { args: { fromOffset: number; limit: number }; result: JournalReadResult };
  /** The store has durably applied every record up to and including `offset`. */
  'journal.ack': { args: { offset: number }; result: { ackedOffset: number } };
  /** What the journal holds for a rebuild (Settings → Maintenance). */
  'journal.contents': { args: undefined; result: JournalContents };
  /** Erasure: every journal record mentioning one of these identifiers becomes a redaction record. */
  'journal.redact': { args: RedactionRequest; result: RedactionReport };
  /** Keyed hashes (HMAC-SHA256) of erased-identifier candidates, in order; the key stays in main. */
  'suppression.hash': { args: { items: IdentifierToHash[] }; result: { hashes: string[] } };
  'links.register': { args: LinkCampaignInput; result: { campaignId: string; linkIds: string[] } };
  'links.mint': { args: MintRequest; result: MintedCode[] };
  /** Signed one-click unsubscribe URLs (`<link base>/u/<token>`), one per recipient index. */
  'links.mintUnsubscribe': {
    args: { campaignId: string; recipients: number[] };
    result: EmailRecipientUrls[];
  };
  /** Requests `<baseUrl>/r/…` from the main process: does that base reach this collector? */
  'links.checkBase': { args: { baseUrl: string }; result: LinkBaseCheck };
  /** The link base in force and whether a phone can open it (sends are refused while it cannot). */
  'links.base': { args: undefined; result: LinkBase };
  /** Stores provider credentials (the auth token is write-only). */
  'messaging.configure': { args: MessagingConfigInput; result: MessagingStatus };
  'messaging.status': { args: undefined; result: MessagingStatus };
  /** Sends through the provider, throttled and retried; one result per message. */
  'messaging.send': { args: MessagingSendRequest; result: SendResult[] };
  /** Each message's send time under a schedule (quiet hours in the recipient's zone); stores nothing. */
  'outbox.plan': { args: SchedulePlanRequest; result: PlannedTime[] };
  /** Hands messages to the main-process outbox; answered once they are durably stored. */
  'outbox.submit': { args: ScheduleSubmitRequest; result: ScheduleSubmitResult };
  'outbox.status': { args: { campaignId: string }; result: CampaignOutboxStatus | null };
  'outbox.pause': { args: { campaignId: string }; result: CampaignOutboxStatus };
  'outbox.resume': { args: { campaignId: string }; result: CampaignOutboxStatus };
  /** Cancels every message not yet sent; cannot be undone. */
  'outbox.cancel': { args: { campaignId: string }; result: CampaignOutboxStatus };
  /** Every message outcome changed after `since` (a `seq`), for a renderer catching up. */
  'outbox.outcomes': {
    args: { since: number; limit?: number };
    result: { outcomes: MessageOutcome[]; lastSeq: number };
  };
  /** Stores SMTP settings (the password is write-only). */
  'email.configure': { args: EmailConfigInput; result: EmailStatus };
  'email.status': { args: undefined; result: EmailStatus };
  /** One email as an `.eml` file, composed as the SMTP sender sends it. */
  'email.compose': { args: { message: OutgoingMessage }; result: { eml: string } };
  /** Desktop only: the native open dialog for a contacts file (CSV/JSON); null when cancelled. */
  'files.openContacts': { args: undefined; result: { name: string; text: string } | null };
  /** Desktop only: the native save dialog for an export; `saved` is false when cancelled. */
  'files.saveExport': {
    args: { suggestedName: string; content: string };
    result: { saved: boolean; path?: string };
  };
  /** Starts a workspace backup (desktop: asks where to save it first). */
  'backup.begin': { args: BackupBeginRequest; result: BackupBeginResult };
  /** One chunk of a store table's rows, in order. */
  'backup.rows': { args: { backupId: string; table: string; rows: unknown[] }; result: { bytes: number } };
  /** Adds the data-folder files, seals and writes the file; a slice per call until `done`. */
  'backup.finish': { args: { backupId: string }; result: BackupFinishStep };
  'backup.cancel': { args: { backupId: string }; result: null };
  'backup.schedule': { args: undefined; result: BackupSchedule };
  'backup.configureSchedule': { args: BackupScheduleInput; result: BackupSchedule };
  /** Starts uploading a backup file of `bytes` bytes to restore. */
  'restore.begin': { args: { bytes: number }; result: { restoreId: string } };
  /** One base64 part of the file, at byte `offset`. */
  'restore.upload': {
    args: { restoreId: string; offset: number; data: string };
    result: { received: number };
  };
  /** Decrypts and verifies the whole file, a slice per call until `summary`; nothing changes. */
  'restore.open': { args: { restoreId: string; passphrase: string }; result: RestoreOpenStep };
  /** The backup's store rows, a batch at a time, after `restore.open`. */
  'restore.rows': { args: { restoreId: string }; result: RestoreRowsBatch };
  /** Replaces the data folder with the backup's files and reloads the services. */
  'restore.commit': { args: { restoreId: string; replace: boolean }; result: { restored: string[] } };
  'restore.discard': { args: { restoreId: string }; result: null };
}

export interface JournalReadResult {
  records: JournalRecord[];
  /** Offset to pass as `fromOffset` next time. */
  nextOffset: number;
  /** Offset of the last record in the journal (-1 when empty). */
  lastOffset: number;
  ackedOffset: number;
}

/** What a rebuild can replay, and what the journal and its archive take on disk. */
export interface JournalContents {
  /** Records held, live and archived. */
  records: number;
  /** Offset of the oldest record held (-1 when empty); every offset before it is gone. */
  firstOffset: number;
  lastOffset: number;
  /** When the oldest record held was received (null when empty). */
  oldestReceivedAt: string | null;
  /** Live segments: the records not yet archived. */
  segmentBytes: number;
  segments: number;
  /** Compressed archive of acknowledged older segments. */
  archiveBytes: number;
  archivedSegments: number;
  /** The `journal.archiveExpiryDays` setting in force: null keeps archived events for good. */
  archiveExpiryDays: number | null;
}

/** Events the main process pushes to the renderer. */
export interface BridgeEvents {
  'collector.status': CollectorStatus;
  /** New feed items, oldest first: pushed as they come, bursts gathered a quarter second at a time. */
  'collector.feed': LiveFeedItem[];
  'journal.appended': { lastOffset: number };
  'menu.command': { command: MenuCommand };
  'messaging.progress': MessagingProgress;
  /** Outbox messages whose state, send time or delivery status changed. */
  'outbox.outcomes': MessageOutcome[];
  'outbox.status': CampaignOutboxStatus;
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
