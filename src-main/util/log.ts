// Minimal logger: everything goes to stderr so headless mode's stdout carries only its JSON lines.
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const stderrLogger: Logger = {
  info: (message) => process.stderr.write(`[stitchdesk] ${message}\n`),
  warn: (message) => process.stderr.write(`[stitchdesk] warning: ${message}\n`),
  error: (message) => process.stderr.write(`[stitchdesk] error: ${message}\n`),
};
