// The runtime allowlist of bridge channels and events, checked against the contract type so a
// channel cannot be added to one and forgotten in the other.
import type { BridgeChannel, BridgeEventName } from '../shared/bridge';

export const BRIDGE_CHANNELS = [
  'app.info',
  'collector.status',
  'collector.feed',
  'settings.get',
  'settings.update',
  'sites.list',
  'sites.create',
  'sites.update',
  'sites.activity',
  'sites.allowOrigin',
  'demo.setup',
  'demo.remove',
  'journal.read',
  'journal.ack',
  'journal.contents',
  'journal.redact',
  'suppression.hash',
  'links.register',
  'links.mint',
  'links.mintUnsubscribe',
  'links.checkBase',
  'links.base',
  'messaging.configure',
  'messaging.status',
  'messaging.send',
  'outbox.plan',
  'outbox.submit',
  'outbox.status',
  'outbox.pause',
  'outbox.resume',
  'outbox.cancel',
  'outbox.outcomes',
  'email.configure',
  'email.status',
  'email.compose',
  'files.openContacts',
  'files.saveExport',
  'backup.begin',
  'backup.rows',
  'backup.finish',
  'backup.cancel',
  'backup.schedule',
  'backup.configureSchedule',
  'restore.begin',
  'restore.upload',
  'restore.open',
  'restore.rows',
  'restore.commit',
  'restore.discard',
] as const satisfies readonly BridgeChannel[];

export const BRIDGE_EVENTS = [
  'collector.status',
  'collector.feed',
  'journal.appended',
  'menu.command',
  'messaging.progress',
  'outbox.outcomes',
  'outbox.status',
] as const satisfies readonly BridgeEventName[];

type Missing<All, Listed> = [Exclude<All, Listed>] extends [never] ? true : Exclude<All, Listed>;
export const allChannelsListed: Missing<BridgeChannel, (typeof BRIDGE_CHANNELS)[number]> = true;
export const allEventsListed: Missing<BridgeEventName, (typeof BRIDGE_EVENTS)[number]> = true;

const channelSet: ReadonlySet<string> = new Set(BRIDGE_CHANNELS);
const eventSet: ReadonlySet<string> = new Set(BRIDGE_EVENTS);

export function isBridgeChannel(name: unknown): name is BridgeChannel {
  return typeof name === 'string' && channelSet.has(name);
}

export function isBridgeEvent(name: unknown): name is BridgeEventName {
  return typeof name === 'string' && eventSet.has(name);
}

/** Electron IPC channel names are prefixed so they cannot collide with Electron's own. */
export const IPC_INVOKE_PREFIX = 'stitchdesk:invoke:';
export const IPC_EVENT_CHANNEL = 'stitchdesk:event';
