// Workspace backups, main side: a backup carries the store rows and every data-folder file (link
// secret, journal and its position included) in one encrypted file; a restore into a fresh data
// folder serves the old links at once; a wrong passphrase, a truncated, foreign or altered file is
// refused with nothing changed; automatic backups keep the last N.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BackupWriter, readBackupFrames } from '../../../src-main/backup/archive';
import { BackupFileError } from '../../../src-main/backup/container';
import { backupFileName, rotateBackups } from '../../../src-main/backup/schedule';
import { isWorkspacePath, listWorkspaceFiles } from '../../../src-main/backup/service';
import { BridgeError, callBridge } from '../../../src-main/ipc/handlers';
import type { BackupFinishResult, RestoreSummary } from '../../../src-main/shared/backup';
import type { BridgeArgs, BridgeChannel, BridgeResult } from '../../../src-main/shared/bridge';
import { startHeadless } from '../../support/headless';
import { BROWSER_UA, startTestServices, type TestServices } from '../../support/services';

const PASSPHRASE = 'correct horse battery staple';
const running: TestServices[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((t) => t.close()));
});

async function start(): Promise<TestServices> {
  const t = await startTestServices();
  running.push(t);
  return t;
}

function call<K extends BridgeChannel>(
  t: TestServices,
  channel: K,
  args: BridgeArgs<K>,
): Promise<BridgeResult<K>> {
  return callBridge(t.services.handlers, channel, args) as Promise<BridgeResult<K>>;
}

/** The bridge error a call fails with (the test fails if it succeeds). */
async function refusal(promise: Promise<unknown>): Promise<BridgeError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof BridgeError) return error;
    throw error;
  }
  throw new Error('expected the call to be refused');
}

const STORE_ROWS = {
  contacts: [{ id: 'c1', name: 'Ana Lima', phone: '+15551230001' }],
  campaigns: [{ id: 'camp1', name: 'Spring sale' }],
  events: Array.from({ length: 2500 }, (_, i) => ({
    id: `e${i}`,
    type: 'page',
    url: `https://shop.example/${i}`,
  })),
};

/** A workspace with a site, a registered campaign link, a tap on it (journalled) and an ack. */
async function buildWorkspace(t: TestServices): Promise<{ code: string; siteId: string }> {
  const site = await call(t, 'sites.create', { name: 'Shop', origins: ['https://shop.example'] });
  await call(t, 'links.register', {
    campaignId: 'camp1',
    links: [{ linkId: 'l1', destination: 'https://shop.example/offer' }],
  });
  const [minted] = await call(t, 'links.mint', { campaignId: 'camp1', linkId: 'l1', recipients: [0] });
  if (!minted) throw new Error('no code minted');
  const tap = await fetch(`${t.url}/r/${minted.code}`, {
    redirect: 'manual',
    headers: { 'user-agent': BROWSER_UA },
  });
  expect(tap.status).toBe(302);
  await call(t, 'journal.ack', { offset: 0 });
  return { code: minted.code, siteId: site.id };
}

/** Backs `t` up through the bridge, as the renderer does, and returns the file's path. */
async function backUp(t: TestServices, rows: Record<string, unknown[]> = STORE_ROWS): Promise<string> {
  const { backupId } = await call(t, 'backup.begin', {
    target: 'file',
    passphrase: PASSPHRASE,
    storeSchemaVersion: 2,
    tables: Object.keys(rows),
  });
  if (!backupId) throw new Error('no backup id');
  for (const [table, list] of Object.entries(rows)) {
    for (let i = 0; i < list.length; i += 1000) {
      await call(t, 'backup.rows', { backupId, table, rows: list.slice(i, i + 1000) });
    }
  }
  const done = await finish(t, backupId);
  expect(done.downloadUrl).toMatch(/^\/bridge\/download\/[A-Za-z0-9_-]{43}$/);
  const file = join(t.dataDir, 'backups', 'downloads', done.fileName);
  expect(statSync(file).size).toBe(done.bytes);
  return file;
}

/** Calls `backup.finish` until it is done, as the renderer does. */
async function finish(t: TestServices, backupId: string): Promise<BackupFinishResult> {
  for (;;) {
    const step = await call(t, 'backup.finish', { backupId });
    if (step.done) return step;
  }
}

/** Calls `restore.open` until the whole file is checked, as the renderer does. */
async function open(t: TestServices, restoreId: string, passphrase: string): Promise<RestoreSummary> {
  for (;;) {
    const step = await call(t, 'restore.open', { restoreId, passphrase });
    if (step.summary) return step.summary;
  }
}

/** Uploads a file in parts, as the renderer does. */
async function upload(t: TestServices, bytes: Buffer): Promise<string> {
  const { restoreId } = await call(t, 'restore.begin', { bytes: bytes.length });
  for (let offset = 0; offset < bytes.length; offset += 256 * 1024) {
    const part = bytes.subarray(offset, offset + 256 * 1024);
    await call(t, 'restore.upload', { restoreId, offset, data: part.toString('base64') });
  }
  return restoreId;
}

/** Every workspace file of a data folder with a hash of its content. */
function snapshot(dataDir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const file of listWorkspaceFiles(dataDir)) {
    out[file] = createHash('sha256')
      .update(readFileSync(join(dataDir, ...file.split('/'))))
      .digest('hex');
  }
  return out;
}

describe('workspace backup and restore', () => {
  it('a restore into a fresh data folder gives back the store rows, sites, links with their secret, and the journal with its position', async () => {
    const a = await start();
    const { code, siteId } = await buildWorkspace(a);
    const before = snapshot(a.dataDir);
    const journalBefore = await call(a, 'journal.read', { fromOffset: 0, limit: 10 });
    expect(Object.keys(before)).toEqual(
      expect.arrayContaining(['link-secret.key', 'links.json', 'sites.json', 'journal/acked.json']),
    );
    const file = await backUp(a);
    expect(readFileSync(file).includes(Buffer.from('shop.example'))).toBe(false);

    const b = await start();
    const restoreId = await upload(b, readFileSync(file));
    const summary = await open(b, restoreId, PASSPHRASE);
    expect(summary.rows).toEqual({ contacts: 1, campaigns: 1, events: 2500 });
    expect(summary.workspaceEmpty).toBe(true);
    expect(summary.files.sort()).toEqual(Object.keys(before).sort());

    const rows: Record<string, unknown[]> = {};
    for (;;) {
      const batch = await call(b, 'restore.rows', { restoreId });
      for (const frame of batch.frames)
        rows[frame.table] = [...(rows[frame.table] ?? []), ...JSON.parse(frame.json)];
      if (batch.done) break;
    }
    expect(rows).toEqual(STORE_ROWS);

    await call(b, 'restore.commit', { restoreId, replace: false });
    // Byte for byte, but for the active segment's reserved zeros, which the journal re-sizes at open.
    const withoutSegments = (files: Record<string, string>) =>
      Object.fromEntries(Object.entries(files).filter(([name]) => !name.endsWith('.seg')));
    expect(withoutSegments(snapshot(b.dataDir))).toEqual(withoutSegments(before));
    expect((await call(b, 'sites.list', undefined)).map((s) => s.id)).toEqual([siteId]);
    const journal = await call(b, 'journal.read', { fromOffset: 0, limit: 10 });
    expect(journal).toEqual(journalBefore);
    expect(journal.records.map((r) => r.event.type)).toEqual(['link_click']);
    expect(journal.ackedOffset).toBe(0);
    // The old link resolves on the new app's collector straight away, and journals its tap.
    const tap = await fetch(`${b.url}/r/${code}`, {
      redirect: 'manual',
      headers: { 'user-agent': BROWSER_UA },
    });
    expect(tap.status).toBe(302);
    expect(tap.headers.get('location')).toMatch(/^https:\/\/shop\.example\/offer\?ps_ct=/);
    expect((await call(b, 'journal.read', { fromOffset: 1, limit: 10 })).records).toHaveLength(1);
    // Minting continues with the old secret: a new code for the same recipient is the old one.
    const [again] = await call(b, 'links.mint', { campaignId: 'camp1', linkId: 'l1', recipients: [0] });
    expect(again?.code).toBe(code);
    expect(readdirSync(b.dataDir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('a wrong passphrase, a truncated, foreign or altered file is refused with a clear error and nothing changed', async () => {
    const a = await start();
    await buildWorkspace(a);
    const good = readFileSync(await backUp(a));
    const b = await start();
    await call(b, 'sites.create', { name: 'Existing', origins: ['https://other.example'] });
    const before = snapshot(b.dataDir);

    const flipped = Buffer.from(good);
    const at = Math.floor(flipped.length / 2);
    flipped[at] = (flipped[at] ?? 0) ^ 0x01;
    const cases: { name: string; bytes: Buffer; passphrase: string; error: string; detail: RegExp }[] = [
      {
        name: 'wrong passphrase',
        bytes: good,
        passphrase: 'not the passphrase',
        error: 'wrong_passphrase',
        detail: /passphrase/,
      },
      {
        name: 'truncated',
        bytes: good.subarray(0, good.length - 100),
        passphrase: PASSPHRASE,
        error: 'truncated',
        detail: /cut short/,
      },
      {
        name: 'last chunk dropped',
        bytes: good.subarray(0, 200),
        passphrase: PASSPHRASE,
        error: 'truncated',
        detail: /cut short/,
      },
      {
        name: 'foreign',
        bytes: Buffer.from('PK\u0003\u0004 a zip file, not a backup'),
        passphrase: PASSPHRASE,
        error: 'foreign',
        detail: /not a Stitchdesk backup/,
      },
      { name: 'flipped byte', bytes: flipped, passphrase: PASSPHRASE, error: 'damaged', detail: /damaged/ },
      {
        name: 'bytes appended',
        bytes: Buffer.concat([good, Buffer.from('x')]),
        passphrase: PASSPHRASE,
        error: 'damaged',
        detail: /after its end/,
      },
    ];
    for (const c of cases) {
      const restoreId = await upload(b, c.bytes);
      const error = await refusal(open(b, restoreId, c.passphrase));
      expect({ name: c.name, status: error.status, error: error.body.error }).toEqual({
        name: c.name,
        status: 400,
        error: c.error,
      });
      expect(error.body.detail).toMatch(c.detail);
      // Not verified, so nothing can be committed.
      expect((await refusal(call(b, 'restore.commit', { restoreId, replace: true }))).body.error).toBe(
        'not_verified',
      );
      expect(snapshot(b.dataDir)).toEqual(before);
      expect(readdirSync(b.dataDir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    }
    expect((await call(b, 'sites.list', undefined)).map((s) => s.name)).toEqual(['Existing']);
  });

  it('a restore over a workspace that has data needs the explicit replace confirmation', async () => {
    const a = await start();
    const { siteId } = await buildWorkspace(a);
    const file = await backUp(a);
    const b = await start();
    await call(b, 'sites.create', { name: 'Existing', origins: ['https://other.example'] });
    const restoreId = await upload(b, readFileSync(file));
    const summary = await open(b, restoreId, PASSPHRASE);
    expect(summary.workspaceEmpty).toBe(false);
    const refused = await refusal(call(b, 'restore.commit', { restoreId, replace: false }));
    expect({ status: refused.status, error: refused.body.error }).toEqual({
      status: 409,
      error: 'workspace_not_empty',
    });
    expect((await call(b, 'sites.list', undefined)).map((s) => s.name)).toEqual(['Existing']);
    await call(b, 'restore.commit', { restoreId, replace: true });
    expect((await call(b, 'sites.list', undefined)).map((s) => s.id)).toEqual([siteId]);
  });

  it('the content is streamed in authenticated frames: manifest first, rows in order, files, then totals', async () => {
    const a = await start();
    await buildWorkspace(a);
    const file = await backUp(a);
    const kinds: string[] = [];
    for await (const frame of readBackupFrames(file, PASSPHRASE)) {
      if (kinds.at(-1) !== frame.kind) kinds.push(frame.kind);
    }
    expect(kinds).toEqual(['manifest', 'rows', 'file', 'end']);
    await expect(readBackupFrames(file, 'wrong one!').next()).rejects.toBeInstanceOf(BackupFileError);
  });
});

describe('headless download', () => {
  it('a finished backup downloads once through its one-time link, then the link is dead and no copy stays', async () => {
    const app = await startHeadless(['--port', '0']);
    try {
      const bridge = async (channel: string, args: unknown) => {
        const response = await fetch(`${app.ready.url}/bridge/call/${channel}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${app.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ args }),
        });
        return (await response.json()) as { result: Record<string, unknown> };
      };
      const begun = await bridge('backup.begin', {
        target: 'file',
        passphrase: PASSPHRASE,
        storeSchemaVersion: 2,
        tables: ['contacts'],
      });
      const backupId = begun.result.backupId;
      await bridge('backup.rows', { backupId, table: 'contacts', rows: [{ id: 'c1' }] });
      let step = (await bridge('backup.finish', { backupId })).result;
      while (step.done !== true) step = (await bridge('backup.finish', { backupId })).result;
      const url = `${app.ready.url}${String(step.downloadUrl)}`;
      // Another Host (DNS rebinding) is refused before the ticket is even looked at.
      // (fetch cannot set Host, so node:http sends this one.)
      const rebound = await new Promise<number>((resolve, reject) =>
        get(url, { headers: { host: 'evil.example' } }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        }).on('error', reject),
      );
      expect(rebound).toBe(403);
      const first = await fetch(url);
      expect(first.status).toBe(200);
      expect(first.headers.get('content-disposition')).toContain(String(step.fileName));
      const bytes = Buffer.from(await first.arrayBuffer());
      expect(bytes.length).toBe(step.bytes);
      expect(bytes.subarray(0, 8).toString()).toBe('STDKBKUP');
      const again = await fetch(url);
      expect(again.status).toBe(404);
      expect(((await again.json()) as { error: string }).error).toBe('not_found');
      await expect.poll(() => readdirSync(join(app.ready.dataDir, 'backups', 'downloads'))).toEqual([]);
    } finally {
      await app.stop();
    }
  });
});

describe('backup writer', () => {
  it('a file removed before it is copied (a segment retention dropped) is left out, not a failure', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stitchdesk-writer-'));
    writeFileSync(join(dir, 'settings.json'), '{}');
    const path = join(dir, 'out.stbk');
    const writer = await BackupWriter.create(
      path,
      PASSPHRASE,
      {
        format: 'stitchdesk-workspace',
        createdAt: '2026-12-01T00:00:00Z',
        appVersion: 'test',
        storeSchemaVersion: 2,
        tables: [],
      },
      { N: 2 ** 10, r: 8, p: 1 },
    );
    expect(await writer.file('journal/00000000000000000000.seg', join(dir, 'gone.seg'))).toBe(false);
    expect(await writer.file('settings.json', join(dir, 'settings.json'))).toBe(true);
    await writer.finish();
    const files: string[] = [];
    for await (const frame of readBackupFrames(path, PASSPHRASE)) {
      if (frame.kind === 'file') files.push(frame.path);
      if (frame.kind === 'end') expect(frame.totals.files).toEqual({ 'settings.json': 2 });
    }
    expect(files).toEqual(['settings.json']);
  });
});

describe('which files a workspace is', () => {
  it('every file of the data folder but the lock, the backups folder, the schedule, the logs and *.tmp', () => {
    for (const path of [
      'settings.json',
      'link-secret.key',
      'journal/00000000.seg',
      'journal/archive/a.seg',
      'suppression.key',
    ])
      expect(isWorkspacePath(path)).toBe(true);
    for (const path of [
      'stitchdesk.lock',
      'backups/x.stbk',
      'backup-schedule.json',
      'logs/main.log',
      'links.json.123.tmp',
      'restore-x.tmp/links.json',
      '../etc/passwd',
      'a//b',
    ])
      expect(isWorkspacePath(path)).toBe(false);
  });
});

describe('automatic backups', () => {
  it('write to the chosen folder with the kept passphrase and keep only the last N', async () => {
    const t = await start();
    await buildWorkspace(t);
    const folder = mkdtempSync(join(tmpdir(), 'stitchdesk-auto-'));
    writeFileSync(join(folder, 'notes.txt'), 'not a backup');
    expect(
      (await refusal(call(t, 'backup.configureSchedule', { enabled: true, folder, keepLast: 2 }))).body.field,
    ).toBe('passphrase');
    const configured = await call(t, 'backup.configureSchedule', {
      enabled: true,
      folder,
      keepLast: 2,
      passphrase: PASSPHRASE,
    });
    expect(configured).toMatchObject({ enabled: true, hasPassphrase: true, due: true });
    expect(JSON.stringify(configured)).not.toContain(PASSPHRASE);

    for (let i = 0; i < 3; i++) {
      const { backupId } = await call(t, 'backup.begin', {
        target: 'auto',
        storeSchemaVersion: 2,
        tables: ['contacts'],
      });
      if (!backupId) throw new Error('no backup id');
      await call(t, 'backup.rows', { backupId, table: 'contacts', rows: [{ id: `c${i}` }] });
      const done = await finish(t, backupId);
      expect(done.path?.startsWith(folder)).toBe(true);
    }
    const kept = readdirSync(folder).sort();
    expect(kept.filter((n) => n.endsWith('.stbk'))).toHaveLength(2);
    expect(kept).toContain('notes.txt');
    const status = await call(t, 'backup.schedule', undefined);
    expect(status.due).toBe(false);
    expect(status.lastError).toBeNull();
    // The newest kept file opens with the schedule's passphrase and holds the last rows.
    const newest = join(folder, kept.filter((n) => n.endsWith('.stbk')).at(-1) ?? '');
    const rows: string[] = [];
    for await (const frame of readBackupFrames(newest, PASSPHRASE))
      if (frame.kind === 'rows') rows.push(frame.json);
    expect(rows).toEqual([JSON.stringify([{ id: 'c2' }])]);
  });

  it('rotation removes only the oldest backup files', () => {
    const folder = mkdtempSync(join(tmpdir(), 'stitchdesk-rotate-'));
    const names = [0, 1, 2, 3].map((day) => backupFileName(new Date(Date.UTC(2026, 0, 1 + day))));
    for (const name of [...names].reverse()) writeFileSync(join(folder, name), 'x');
    writeFileSync(join(folder, 'keep-me.stbk'), 'x');
    expect(rotateBackups(folder, 2)).toEqual(names.slice(0, 2));
    expect(readdirSync(folder).sort()).toEqual(['keep-me.stbk', ...names.slice(2)].sort());
    expect(existsSync(join(folder, names[3] ?? ''))).toBe(true);
  });
});
