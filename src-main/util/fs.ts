// Small durable-file helpers shared by settings, sites, the link secret and the stored credentials.
import {
  chmodSync,
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';

/** Writes a file so that readers see either the old or the new content, never a mix. */
export function writeFileAtomic(file: string, content: string, mode = 0o644): void {
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', mode);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  fsyncDir(dirname(file));
}

export function fsyncDir(dir: string): void {
  // Directory fsync makes a rename or a new file durable; not supported on Windows.
  if (process.platform === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * A file of credentials written owner-only (0600): its parsed contents, or null when it is absent
 * or does not parse. Its mode is tightened on every read, in case something widened it.
 */
export function readSecretFile<T>(
  file: string,
  parse: (json: unknown) => { success: true; data: T } | { success: false },
): T | null {
  if (!existsSync(file)) return null;
  const parsed = parse(JSON.parse(readFileSync(file, 'utf8')));
  if (process.platform !== 'win32') chmodSync(file, 0o600);
  return parsed.success ? parsed.data : null;
}
