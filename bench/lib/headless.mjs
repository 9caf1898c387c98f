// Starts the built headless app for a benchmark and talks to its bridge.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

export async function startApp({ settings } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'stitchdesk-bench-'));
  if (settings) writeFileSync(join(dataDir, 'settings.json'), JSON.stringify(settings));
  const child = spawn(
    process.execPath,
    [join(root, 'out/main/headless.js'), '--port', '0', '--data-dir', dataDir],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const ready = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', (line) => resolve(JSON.parse(line)));
    child.once('exit', (code) => reject(new Error(`headless exited with ${code}`)));
  });
  const token = ready.app.split('#token=')[1];
  const call = async (channel, args) => {
    const response = await fetch(`${ready.url}/bridge/call/${channel}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(args === undefined ? {} : { args }),
    });
    const body = await response.json();
    if (!response.ok) throw new Error(`${channel}: ${JSON.stringify(body)}`);
    return body.result;
  };
  /** Peak resident set size of the app process so far (Linux VmHWM), in MB. */
  const peakRssMb = () => {
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return Math.round((kb / 1024) * 10) / 10;
  };
  /** Stops the app and removes its data folder (a collector run leaves hundreds of MB of journal). */
  const stop = () =>
    new Promise((resolve) => {
      child.once('exit', () => {
        rmSync(dataDir, { recursive: true, force: true });
        resolve();
      });
      child.kill('SIGTERM');
    });
  return { ready, url: ready.url, dataDir, call, peakRssMb, stop, pid: child.pid };
}

export const BROWSER_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
