// The backup and restore channels of the bridge: their input schemas and the service calls behind
// them, spread into the one handler map in ipc/handlers.ts.
import { z } from 'zod';
import type { HandlerDef } from '../ipc/handlers';
import type { BridgeChannel } from '../shared/bridge';
import { MIN_PASSPHRASE_LENGTH, scheduleInputSchema } from './schedule';
import type { BackupService } from './service';

type BackupChannel = Extract<BridgeChannel, `backup.${string}` | `restore.${string}`>;

const id = z.string().min(1).max(64);
/** A Dexie table name: what the store declares, nothing that could name a path. */
const tableName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'must be a store table name');
/** Upload parts are at most 512 KiB of file, which is ~700 KB of base64 under the 1 MB body limit. */
const MAX_PART_BASE64 = Math.ceil((512 * 1024) / 3) * 4;

export function backupHandlers(backup: BackupService): { [K in BackupChannel]: HandlerDef<K> } {
  return {
    'backup.begin': {
      input: z.strictObject({
        target: z.enum(['file', 'auto']),
        passphrase: z
          .string()
          .min(MIN_PASSPHRASE_LENGTH, `at least ${MIN_PASSPHRASE_LENGTH} characters`)
          .max(1024)
          .optional(),
        storeSchemaVersion: z.number().int().min(1),
        tables: z.array(tableName).min(1).max(64),
      }),
      run: (request) => backup.begin(request),
    },
    'backup.rows': {
      input: z.strictObject({ backupId: id, table: tableName, rows: z.array(z.unknown()).max(100_000) }),
      run: ({ backupId, table, rows }) => backup.rows(backupId, table, rows),
    },
    'backup.finish': {
      input: z.strictObject({ backupId: id }),
      run: ({ backupId }) => backup.finish(backupId),
    },
    'backup.cancel': {
      input: z.strictObject({ backupId: id }),
      run: async ({ backupId }) => {
        await backup.cancel(backupId);
        return null;
      },
    },
    'backup.schedule': { input: z.undefined(), run: () => backup.scheduleStatus() },
    'backup.configureSchedule': {
      input: scheduleInputSchema,
      run: (input) => backup.configureSchedule(input),
    },
    'restore.begin': {
      input: z.strictObject({
        bytes: z
          .number()
          .int()
          .min(1)
          .max(64 * 1024 ** 3),
      }),
      run: ({ bytes }) => backup.restoreBegin(bytes),
    },
    'restore.upload': {
      input: z.strictObject({
        restoreId: id,
        offset: z.number().int().min(0),
        data: z
          .string()
          .min(1)
          .max(MAX_PART_BASE64)
          .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64'),
      }),
      run: ({ restoreId, offset, data }) =>
        backup.restoreUpload(restoreId, offset, Buffer.from(data, 'base64')),
    },
    'restore.open': {
      input: z.strictObject({ restoreId: id, passphrase: z.string().min(1).max(1024) }),
      run: ({ restoreId, passphrase }) => backup.restoreOpen(restoreId, passphrase),
    },
    'restore.rows': {
      input: z.strictObject({ restoreId: id }),
      run: ({ restoreId }) => backup.restoreRows(restoreId),
    },
    'restore.commit': {
      input: z.strictObject({ restoreId: id, replace: z.boolean() }),
      run: ({ restoreId, replace }) => backup.restoreCommit(restoreId, replace),
    },
    'restore.discard': {
      input: z.strictObject({ restoreId: id }),
      run: async ({ restoreId }) => {
        await backup.discardRestore(restoreId);
        return null;
      },
    },
  };
}
