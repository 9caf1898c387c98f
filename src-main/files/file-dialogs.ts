// The native file dialogs the bridge offers in the desktop app (contacts import, exports), as an
// interface: services.ts stays plain Node, and headless mode simply has none.

/** Larger files are refused before reading: an import of 100,000 contacts is far below this. */
export const MAX_CONTACTS_FILE_BYTES = 50 * 1024 * 1024;

export interface FileDialogs {
  /** Asks for a CSV/JSON contacts file and reads it as UTF-8; null when the user cancels. */
  openContacts(): Promise<{ name: string; text: string } | null>;
  /** Asks where to save an export and writes it there; `saved: false` when the user cancels. */
  saveExport(suggestedName: string, content: string): Promise<{ saved: boolean; path?: string }>;
  /** Asks where to save a workspace backup; the path, or null when the user cancels. */
  saveBackup(suggestedName: string): Promise<string | null>;
}

/** A chosen file that cannot be used (too large, not UTF-8): the user's input, reported as a 400. */
export class FileDialogError extends Error {}

/**
 * UTF-8 text of a file, or a FileDialogError naming the first bad byte (offset and line), so the
 * user knows where to look instead of importing mangled names.
 */
export function decodeUtf8File(name: string, bytes: Uint8Array): string {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    const offset = firstInvalidUtf8Offset(bytes);
    let line = 1;
    for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line += 1;
    throw new FileDialogError(
      `${name} is not valid UTF-8: byte ${offset} (line ${line}) is not part of a UTF-8 character. Save the file as UTF-8 and try again.`,
    );
  }
}

function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  // The lossy decode marks each bad sequence with U+FFFD; its byte offset is the length of the
  // text before it re-encoded. A real U+FFFD in the file (EF BF BD) is skipped.
  const lossy = new TextDecoder('utf-8').decode(bytes);
  const encoder = new TextEncoder();
  let from = 0;
  for (;;) {
    const index = lossy.indexOf('\uFFFD', from);
    if (index < 0) return bytes.length;
    const offset = encoder.encode(lossy.slice(0, index)).length;
    if (!(bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd)) return offset;
    from = index + 1;
  }
}
