// The "done — Undo" notice shared by every audited action (unlink, link, merge): Undo restores
// exactly through the audit log, and says so.
import { appDb } from '../state/db';
import { undo } from '../stitching/manual';
import { notify } from './notifications';
import { currentIngestSettings } from './useSettings';

export function notifyUndoable(title: string, message: string, auditId: number): void {
  notify({
    title,
    message,
    color: 'teal',
    action: {
      label: 'Undo',
      run: async () => {
        await undo(appDb(), auditId, { settings: await currentIngestSettings() });
        notify({ title: 'Undone', message: `${title}: undone.`, color: 'gray' });
      },
    },
  });
}
