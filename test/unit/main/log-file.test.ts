// The logger writes rotating files: headless mode in the data folder, as a packaged app must keep logs.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDataFolderLogger, LOG_FILE, LOGS_DIR } from '../../../src-main/util/log';
import { freshDataDir, type HeadlessApp, startHeadless } from '../../support/headless';

let running: HeadlessApp | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

describe('data-folder logger', () => {
  it('writes each level to <dataDir>/logs/main.log with a timestamp', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'stitchdesk-log-'));
    const log = createDataFolderLogger(dataDir);
    log.info('collector listening');
    log.warn('port taken');
    log.error('journal failed');
    expect(log.file).toBe(join(dataDir, LOGS_DIR, LOG_FILE));
    const lines = readFileSync(log.file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}\] \[info\]\s+collector listening$/,
    );
    expect(lines[1]).toMatch(/\[warn\]\s+port taken/);
    expect(lines[2]).toMatch(/\[error\]\s+journal failed/);
  });

  it('rotates the file once it passes the size limit, keeping the previous one as main.old.log', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'stitchdesk-log-'));
    const log = createDataFolderLogger(dataDir, { maxBytes: 500 });
    for (let i = 0; i < 40; i++) log.info(`line ${i} ${'x'.repeat(40)}`);
    const files = readdirSync(join(dataDir, LOGS_DIR)).sort();
    expect(files).toEqual(['main.log', 'main.old.log']);
    const current = readFileSync(log.file, 'utf8');
    expect(current.length).toBeLessThan(1000);
    expect(current).toContain('line 39 ');
    expect(readFileSync(join(dataDir, LOGS_DIR, 'main.old.log'), 'utf8')).not.toContain('line 39 ');
  });

  it('headless mode logs its start and shutdown to the data folder, and stdout stays the ready line', async () => {
    const dataDir = freshDataDir();
    running = await startHeadless(['--port', '0', '--data-dir', dataDir]);
    const file = join(dataDir, LOGS_DIR, LOG_FILE);
    await expect
      .poll(() => existsSync(file) && readFileSync(file, 'utf8'))
      .toContain(`started: ${running.ready.url}`);
    expect(await running.stop('SIGTERM')).toBe(0);
    running = undefined;
    expect(readFileSync(file, 'utf8')).toContain('SIGTERM received, shutting down');
  });
});
