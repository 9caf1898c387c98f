// Starts the built headless app as a child process and waits for its ready line.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const HEADLESS_ENTRY = join(__dirname, '../../out/main/headless.js');

export interface ReadyLine {
  event: 'ready';
  url: string;
  app: string;
  dataDir: string;
}

export interface HeadlessApp {
  ready: ReadyLine;
  child: ChildProcess;
  token: string;
  stderr: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

export function freshDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'stitchdesk-test-'));
}

export async function startHeadless(args: string[] = ['--port', '0']): Promise<HeadlessApp> {
  if (!existsSync(HEADLESS_ENTRY))
    throw new Error('out/main/headless.js is missing: run "npm run build:app" first');
  const withDir = args.includes('--data-dir') ? args : [...args, '--data-dir', freshDataDir()];
  const child = spawn(process.execPath, [HEADLESS_ENTRY, ...withDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = await new Promise<ReadyLine>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.once('line', (line) => resolve(JSON.parse(line) as ReadyLine));
    child.once('exit', (code) => reject(new Error(`headless exited with ${code} before ready: ${err}`)));
  });
  return {
    ready,
    child,
    token: ready.app.split('#token=')[1] ?? '',
    stderr: () => err,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}
