// Saving a file the app made (an export, the rejected rows of an import): the native save dialog in
// the desktop app, a download in the browser (headless mode).
import { bridge } from '../platform';

export type SaveOutcome = { saved: true; where: string } | { saved: false };

export async function saveTextFile(
  suggestedName: string,
  content: string,
  mimeType: string,
): Promise<SaveOutcome> {
  if (bridge.platform === 'electron') {
    const result = await bridge.invoke('files.saveExport', { suggestedName, content });
    return result.saved ? { saved: true, where: result.path ?? suggestedName } : { saved: false };
  }
  const url = URL.createObjectURL(new Blob([content], { type: mimeType }));
  try {
    downloadUrl(url, suggestedName);
  } finally {
    // Revoked after the click has started the download, not before.
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
  return { saved: true, where: `your downloads as ${suggestedName}` };
}

/** Starts the browser's download of `url` under `fileName` (headless mode). */
export function downloadUrl(url: string, fileName: string): void {
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
}
