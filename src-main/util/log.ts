// The services' logger: electron-log's rotating file plus stderr. The desktop app hands in
// electron-log's main instance (OS logs folder); headless mode a plain-Node one writing to the data folder.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type ElectronLog from 'electron-log';
import nodeLog from 'electron-log/node';

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Where headless mode keeps its logs, inside the data folder (kept out of backups). */
export const LOGS_DIR = 'logs';
export const LOG_FILE = 'main.log';
/** A file past this size becomes `main.old.log` (replacing the previous one) and a new one starts. */
export const LOG_MAX_BYTES = 5 * 1024 * 1024;

export const stderrLogger: Logger = {
  info: (message) => process.stderr.write(`[stitchdesk] ${message}\n`),
  warn: (message) => process.stderr.write(`[stitchdesk] warning: ${message}\n`),
  error: (message) => process.stderr.write(`[stitchdesk] error: ${message}\n`),
};

/**
 * Sets up an electron-log instance the way both shells use it: a rotating file (`opts.file`, or
 * electron-log's default: the OS logs folder), and the console moved to stderr so headless mode's
 * stdout carries only its JSON lines.
 */
export function fromElectronLog(
  instance: ElectronLog.NodeLogger,
  opts: { file?: string; maxBytes?: number } = {},
): Logger & { readonly file: string } {
  const { file: fileTransport, console: consoleTransport } = instance.transports;
  fileTransport.level = 'info';
  fileTransport.maxSize = opts.maxBytes ?? LOG_MAX_BYTES;
  // Owner-only, like the rest of the data folder.
  fileTransport.writeOptions = { flag: 'a', mode: 0o600, encoding: 'utf8' };
  fileTransport.format = '[{y}-{m}-{d} {h}:{i}:{s}.{ms}] [{level}] {text}';
  const fixed = opts.file;
  if (fixed) fileTransport.resolvePathFn = () => fixed;
  consoleTransport.level = 'info';
  consoleTransport.format = '[stitchdesk] {level}: {text}';
  consoleTransport.useStyles = false;
  consoleTransport.writeFn = ({ message }) => {
    process.stderr.write(`${message.data.map(String).join(' ')}\n`);
  };
  return {
    // Read when asked: electron-log resolves Electron's logs folder lazily, after the app is ready.
    get file() {
      return fileTransport.getFile().path;
    },
    info: (message) => instance.info(message),
    warn: (message) => instance.warn(message),
    error: (message) => instance.error(message),
  };
}

/** Headless mode's logger: `<dataDir>/logs/main.log`, rotated, and stderr. */
export function createDataFolderLogger(
  dataDir: string,
  opts: { maxBytes?: number; logId?: string } = {},
): Logger & { readonly file: string } {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  mkdirSync(join(dataDir, LOGS_DIR), { recursive: true, mode: 0o700 });
  // Its own instance: tests start several in one process, each with its own file.
  const instance = nodeLog.create({ logId: opts.logId ?? `stitchdesk-${dataDir}` });
  return fromElectronLog(instance, { file: join(dataDir, LOGS_DIR, LOG_FILE), ...opts });
}
