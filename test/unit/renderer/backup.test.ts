// The store's half of a workspace backup, over fake-indexeddb and the real main-process services: a
// store streamed table by table into a backup, restored by a second app into a fresh database that
// equals the first table by table (paging past the chunk size), and made the active store.
import 'fake-indexeddb/auto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Bridge, BridgeChannel } from '../../../src-main/shared/bridge';
import {
  backUpWorkspace,
  openBackup,
  restoreWorkspace,
  storeIsEmpty,
} from '../../../src-renderer/backup/workspace';
import { ACTIVE_DB_KEY } from '../../../src-renderer/db';
import { currentSchemaVersion } from '../../../src-renderer/db/versions';
import { addCampaign, addContact, dumpTables, FakeJournal, freshDb, ingestNew } from './support';

interface MainServices {
  dataDir: string;
  services: { handlers: unknown };
  close(): Promise<void>;
}

// The main process's real services and bridge dispatch. Loaded by path because the renderer's
// typecheck covers only `src-main/shared`; the shapes used are spelled out here.
const SERVICES_MODULE = '../../support/services';
const HANDLERS_MODULE = '../../../src-main/ipc/handlers';
const { startTestServices } = (await import(SERVICES_MODULE)) as {
  startTestServices: () => Promise<MainServices>;
};
const { callBridge } = (await import(HANDLERS_MODULE)) as {
  callBridge: (map: unknown, channel: string, args: unknown) => Promise<unknown>;
};

/** A bridge to real services, with a JSON round trip on each call and errors as the preload throws them. */
function bridgeTo(main: MainServices): Bridge {
  return {
    platform: 'headless',
    invoke: async (channel: BridgeChannel, args: unknown) => {
      try {
        const result = await callBridge(
          main.services.handlers,
          channel,
          JSON.parse(JSON.stringify(args ?? null)) ?? undefined,
        );
        return JSON.parse(JSON.stringify(result ?? null)) as never;
      } catch (error) {
        const body = (error as { body?: { error: string; detail: string } }).body;
        throw body ? Object.assign(new Error(body.detail), body) : error;
      }
    },
    on: () => () => undefined,
  };
}

const running: MainServices[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((main) => main.close()));
});

describe('workspace backup, store side', () => {
  it('every table comes back equal in a fresh database, which becomes the active store', {
    timeout: 120_000,
  }, async () => {
    const db = freshDb();
    const ana = await addContact(db, { id: 'ana', firstName: 'Ana', phone: '+15551230001' });
    await addContact(db, { id: 'ben', firstName: 'Ben', email: 'ben@example.com' });
    await addCampaign(db, { id: 'spring', name: 'Spring', channel: 'sms' }, [ana.id, 'ben']);
    const journal = new FakeJournal();
    // More events than one page of rows, in one browser's sessions.
    for (let i = 0; i < 2300; i++) journal.page('v1', -2000 + i * 0.5, `/p/${i}`);
    await ingestNew(db, journal);
    await db.audit.add({
      at: 1,
      action: 'stitch',
      contactId: ana.id,
      details: { visitorId: 'v1' },
      undo: null,
    });
    const before = await dumpTables(db);
    expect(before.events?.length).toBeGreaterThan(2000);

    const source = await startTestServices();
    running.push(source);
    const phases: string[] = [];
    const result = await backUpWorkspace({
      db,
      bridge: bridgeTo(source),
      target: 'file',
      passphrase: 'a long passphrase',
      onProgress: (p) => {
        if (phases.at(-1) !== p.phase) phases.push(p.phase);
      },
    });
    expect(phases).toEqual(['store', 'files', 'done']);
    if (!result) throw new Error('no backup');
    const file = join(source.dataDir, 'backups', 'downloads', result.fileName);
    expect(readdirSync(join(source.dataDir, 'backups', 'downloads'))).toEqual([result.fileName]);

    const target = await startTestServices();
    running.push(target);
    const bridge = bridgeTo(target);
    await expect(
      openBackup({ bridge, file: new Blob([readFileSync(file)]), passphrase: 'not the passphrase' }),
    ).rejects.toMatchObject({ error: 'wrong_passphrase' });
    const summary = await openBackup({
      bridge,
      file: new Blob([readFileSync(file)]),
      passphrase: 'a long passphrase',
    });
    expect(summary.rows.contacts).toBe(2);
    expect(summary.rows.events).toBe(before.events?.length);

    const storage = new Map<string, string>();
    const restored = await restoreWorkspace({
      bridge,
      summary,
      replace: false,
      storage: { setItem: (key, value) => storage.set(key, value) },
    });
    expect(storage.get(ACTIVE_DB_KEY)).toBe(restored.name);
    expect(await dumpTables(restored)).toEqual(before);
    expect(await storeIsEmpty(restored)).toBe(false);
    restored.close();
  });

  it('a backup made at an older store version is upgraded as it is restored', {
    timeout: 120_000,
  }, async () => {
    const source = await startTestServices();
    running.push(source);
    const from = bridgeTo(source);
    // A store at schema v1: contacts without stats or phone tails, one linked visitor's page views.
    const { backupId } = await from.invoke('backup.begin', {
      target: 'file',
      passphrase: 'a long passphrase',
      storeSchemaVersion: 1,
      tables: ['contacts', 'identities', 'events'],
    });
    if (!backupId) throw new Error('no backup id');
    const v1Contact = {
      id: 'ana',
      firstName: 'Ana',
      lastName: 'Lima',
      phone: '+14155552671',
      tags: [],
      lists: [],
      consent: { sms: true, whatsapp: false, email: false },
      custom: {},
      createdAt: 1,
      updatedAt: 1,
      nameKey: 'ana lima',
      lastNameKey: 'lima ana',
    };
    await from.invoke('backup.rows', { backupId, table: 'contacts', rows: [v1Contact] });
    const link = {
      id: 'l1',
      kind: 'visitor',
      value: 'A',
      contactId: 'ana',
      from: 100,
      to: null,
      source: 'sms_click',
      createdAt: 100,
      revokedAt: null,
      flags: [],
    };
    await from.invoke('backup.rows', { backupId, table: 'identities', rows: [link] });
    const views = [150, 300].map((t) => ({
      id: `e${t}`,
      type: 'page',
      visitorId: 'A',
      timestamp: t,
      receivedAt: t,
      source: 'tracker',
    }));
    await from.invoke('backup.rows', { backupId, table: 'events', rows: views });
    let step = await from.invoke('backup.finish', { backupId });
    while (!step.done) step = await from.invoke('backup.finish', { backupId });
    const file = join(source.dataDir, 'backups', 'downloads', step.fileName);

    const target = await startTestServices();
    running.push(target);
    const bridge = bridgeTo(target);
    const summary = await openBackup({
      bridge,
      file: new Blob([readFileSync(file)]),
      passphrase: 'a long passphrase',
    });
    expect(summary.storeSchemaVersion).toBe(1);
    const restored = await restoreWorkspace({
      bridge,
      summary,
      replace: false,
      storage: { setItem: () => undefined },
    });
    expect(restored.verno).toBe(currentSchemaVersion);
    const ana = await restored.contacts.get('ana');
    expect(ana?.stats).toMatchObject({ pageViews: 2, lastSeen: 300, visitors: 1 });
    expect(ana?.phoneTails).toEqual(['17625555141']);
    restored.close();
  });
});
