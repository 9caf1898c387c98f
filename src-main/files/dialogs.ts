// The Electron implementation of the native file dialogs (open a contacts file, save an export),
// attached to the app window. Only the Electron entry imports this file.
import { readFile, stat, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { BrowserWindow, dialog } from 'electron';
import { decodeUtf8File, FileDialogError, type FileDialogs, MAX_CONTACTS_FILE_BYTES } from './file-dialogs';

const CONTACT_FILTERS = [
  { name: 'Contacts (CSV, JSON)', extensions: ['csv', 'tsv', 'txt', 'json'] },
  { name: 'All files', extensions: ['*'] },
];

export function createElectronFileDialogs(window: () => BrowserWindow | undefined): FileDialogs {
  const parent = (): BrowserWindow | undefined => window() ?? BrowserWindow.getFocusedWindow() ?? undefined;
  return {
    async openContacts() {
      const options: Electron.OpenDialogOptions = {
        title: 'Import contacts',
        properties: ['openFile'],
        filters: CONTACT_FILTERS,
      };
      const owner = parent();
      const picked = owner
        ? await dialog.showOpenDialog(owner, options)
        : await dialog.showOpenDialog(options);
      const path = picked.filePaths[0];
      if (picked.canceled || !path) return null;
      const name = basename(path);
      const { size } = await stat(path);
      if (size > MAX_CONTACTS_FILE_BYTES) {
        throw new FileDialogError(
          `${name} is ${Math.round(size / 1024 / 1024)} MB; contacts files up to ${MAX_CONTACTS_FILE_BYTES / 1024 / 1024} MB can be imported`,
        );
      }
      return { name, text: decodeUtf8File(name, await readFile(path)) };
    },
    async saveExport(suggestedName, content) {
      const json = suggestedName.toLowerCase().endsWith('.json');
      const options: Electron.SaveDialogOptions = {
        title: 'Export contacts',
        defaultPath: suggestedName,
        filters: [json ? { name: 'JSON', extensions: ['json'] } : { name: 'CSV', extensions: ['csv'] }],
      };
      const owner = parent();
      const chosen = owner
        ? await dialog.showSaveDialog(owner, options)
        : await dialog.showSaveDialog(options);
      if (chosen.canceled || !chosen.filePath) return { saved: false };
      await writeFile(chosen.filePath, content, 'utf8');
      return { saved: true, path: chosen.filePath };
    },
    async saveBackup(suggestedName) {
      const options: Electron.SaveDialogOptions = {
        title: 'Back up the workspace',
        defaultPath: suggestedName,
        filters: [{ name: 'Stitchdesk backup', extensions: ['stbk'] }],
      };
      const owner = parent();
      const chosen = owner
        ? await dialog.showSaveDialog(owner, options)
        : await dialog.showSaveDialog(options);
      return chosen.canceled || !chosen.filePath ? null : chosen.filePath;
    },
  };
}
