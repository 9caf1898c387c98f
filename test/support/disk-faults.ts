// Makes the disk fail on purpose: every fdatasync rejects with a system error (a full disk, an I/O
// error) until restored, the way the journal meets them for real.
import { mkdtempSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi } from 'vitest';

const MESSAGES = {
  EIO: 'EIO: i/o error, fdatasync',
  ENOSPC: 'ENOSPC: no space left on device, fdatasync',
} as const;

export interface DiskFault {
  /** fdatasync calls refused so far. */
  refused: () => number;
  restore: () => void;
}

export async function failEveryDatasync(code: keyof typeof MESSAGES): Promise<DiskFault> {
  const probe = await open(join(mkdtempSync(join(tmpdir(), 'stitchdesk-probe-')), 'probe'), 'w');
  const fileHandlePrototype: FileHandle = Object.getPrototypeOf(probe);
  await probe.close();
  // Every fdatasync fails while armed: the append's, and any refill of the journal's reserve meanwhile.
  const failing = vi
    .spyOn(fileHandlePrototype, 'datasync')
    .mockRejectedValue(Object.assign(new Error(MESSAGES[code]), { code }));
  return { refused: () => failing.mock.calls.length, restore: () => failing.mockRestore() };
}
