// Async file primitives for the journal: it shares the event loop with the collector, so nothing
// here blocks it the way util/fs.ts's sync helpers would on every flush or ack.
import { type FileHandle, open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Makes a file created, renamed or removed in `dir` durable; not supported on Windows. */
export async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes all of `bytes` at `position`; a single write may be short, so it loops. */
export async function writeAt(handle: FileHandle, bytes: Buffer, position: number): Promise<void> {
  let written = 0;
  while (written < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, written, bytes.length - written, position + written);
    if (bytesWritten === 0) throw new Error('the file system accepted no bytes');
    written += bytesWritten;
  }
}

export async function readAt(file: string, position: number, length: number): Promise<Buffer> {
  const bytes = Buffer.allocUnsafe(length);
  const handle = await open(file, 'r');
  try {
    let read = 0;
    while (read < length) {
      const { bytesRead } = await handle.read(bytes, read, length - read, position + read);
      if (bytesRead === 0)
        throw new Error(`${file} ends ${length - read} bytes before its indexed records do`);
      read += bytesRead;
    }
  } finally {
    await handle.close();
  }
  return bytes;
}

/** Readers see the old or the new content, never a mix; the async twin of util/fs writeFileAtomic. */
export async function replaceFileDurably(file: string, content: string | Uint8Array): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  const handle = await open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
  await syncDirectory(dirname(file));
}
