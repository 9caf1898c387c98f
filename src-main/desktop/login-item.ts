// "Start Stitchdesk at login": tracked links only work while the collector runs, so once a campaign
// is out the app should come back after a restart. Unset, the setting turns on with the first send.
import type { SettingsStore } from '../settings/store';
import type { SendResult } from '../shared/messaging';

/**
 * After a send: when the user has not chosen yet and at least one message went out, choose "on".
 * A choice the user made (on or off) is never overridden.
 */
export function noteCampaignSent(settings: SettingsStore, results: readonly SendResult[]): void {
  if (settings.get().desktop.openAtLogin !== null) return;
  if (!results.some((result) => result.ok)) return;
  settings.update({ desktop: { openAtLogin: true } });
}

/** Passed by the login item (Windows, Linux) so a start at login stays in the tray. */
export const HIDDEN_ARG = '--hidden';

export function startedAtLogin(argv: readonly string[], macWasOpenedAtLogin: boolean): boolean {
  return macWasOpenedAtLogin || argv.includes(HIDDEN_ARG);
}

/** The file name of the XDG autostart entry (Electron's login items cover macOS and Windows only). */
export const LINUX_AUTOSTART_FILE = 'stitchdesk.desktop';

/**
 * An XDG autostart entry starting `executable` hidden. The path is quoted as the Desktop Entry
 * spec asks, so spaces, quotes and `$` in it survive.
 */
export function linuxAutostartEntry(executable: string): string {
  if (/[\n\r]/.test(executable)) throw new Error('The executable path contains a line break');
  const quoted = `"${executable.replace(/[\\"`$]/g, (c) => `\\${c}`)}"`;
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Stitchdesk',
    'Comment=Keeps tracked links working: the collector runs in the tray',
    `Exec=${quoted} ${HIDDEN_ARG}`,
    'X-GNOME-Autostart-enabled=true',
    'Terminal=false',
    '',
  ].join('\n');
}
