// A workspace backup's content: framed entries (manifest, store rows by table, data-folder files,
// an end record with totals), deflated, then sealed by the container. Written and read as streams,
// so a store of a million events is never one string.
import { once } from 'node:events';
import {
  closeSync,
  createReadStream,
  createWriteStream,
  fsyncSync,
  openSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createDeflate, createInflate } from 'node:zlib';
import { fsyncDir } from '../util/fs';
import {
  BackupFileError,
  ByteReader,
  ChunkEncryptor,
  DEFAULT_KDF,
  decryptContainer,
  type KdfParams,
  newContainerKey,
} from './container';

enum FrameKind {
  Manifest = 1,
  Rows = 2,
  FilePart = 3,
  End = 4,
}

/** Frames larger than this are refused on read: the writer never makes one. */
const MAX_FRAME_DATA = 64 * 1024 * 1024;
const MAX_NAME_BYTES = 1024;
/** Files are carried in parts so a 16 MB journal segment is not one buffer on the way back in. */
export const FILE_PART_BYTES = 1024 * 1024;

export interface BackupManifest {
  format: 'stitchdesk-workspace';
  createdAt: string;
  appVersion: string;
  /** The store's Dexie schema version the rows were read at. */
  storeSchemaVersion: number;
  /** Store tables in the order they were written. */
  tables: string[];
}

export interface BackupTotals {
  rows: Record<string, number>;
  /** Bytes per data-folder file (relative posix path). */
  files: Record<string, number>;
}

export type BackupFrame =
  | { kind: 'manifest'; manifest: BackupManifest }
  | { kind: 'rows'; table: string; count: number; json: string }
  | { kind: 'file'; path: string; data: Buffer }
  | { kind: 'end'; totals: BackupTotals };

function frame(kind: FrameKind, name: string, data: Buffer): Buffer {
  const nameBytes = Buffer.from(name);
  const head = Buffer.alloc(9);
  head[0] = kind;
  head.writeUInt32BE(nameBytes.length, 1);
  head.writeUInt32BE(data.length, 5);
  return Buffer.concat([head, nameBytes, data]);
}

/** Writes one backup file: `<path>.tmp` until `finish`, then renamed, so a half backup never has the real name. */
export class BackupWriter {
  readonly totals: BackupTotals = { rows: {}, files: {} };
  private readonly input = new PassThrough();
  private readonly done: Promise<void>;
  private failure: Error | null = null;
  private bytesOut = 0;

  private constructor(
    readonly path: string,
    private readonly tmp: string,
    header: Buffer,
    encryptor: ChunkEncryptor,
  ) {
    const file = createWriteStream(tmp, { mode: 0o600 });
    file.write(header);
    this.bytesOut = header.length;
    encryptor.on('data', (chunk: Buffer) => {
      this.bytesOut += chunk.length;
    });
    this.done = pipeline(this.input, createDeflate({ level: 1 }), encryptor, file);
    this.done.catch((error: Error) => {
      this.failure = error;
    });
  }

  static async create(
    path: string,
    passphrase: string,
    manifest: BackupManifest,
    kdf: KdfParams = DEFAULT_KDF,
  ): Promise<BackupWriter> {
    const { header, key } = await newContainerKey(passphrase, kdf);
    const writer = new BackupWriter(path, `${path}.tmp`, header.bytes, new ChunkEncryptor(header, key));
    await writer.write(frame(FrameKind.Manifest, '', Buffer.from(JSON.stringify(manifest))));
    return writer;
  }

  /** Encrypted bytes written so far (for progress). */
  get bytesWritten(): number {
    return this.bytesOut;
  }

  async rows(table: string, rows: readonly unknown[]): Promise<void> {
    // The count leads the JSON, so a check of the file need not parse a million rows to total them.
    const count = Buffer.alloc(4);
    count.writeUInt32BE(rows.length);
    await this.write(frame(FrameKind.Rows, table, Buffer.concat([count, Buffer.from(JSON.stringify(rows))])));
    this.totals.rows[table] = (this.totals.rows[table] ?? 0) + rows.length;
  }

  /**
   * Copies a file in parts; `name` is its posix path relative to the data folder. False when the
   * file was gone before its first byte (journal retention may remove a segment meanwhile).
   */
  async file(name: string, source: string): Promise<boolean> {
    let bytes = 0;
    let started = false;
    try {
      for await (const part of createReadStream(source, { highWaterMark: FILE_PART_BYTES })) {
        const data = part as Buffer;
        started = true;
        await this.write(frame(FrameKind.FilePart, name, data));
        bytes += data.length;
      }
    } catch (error) {
      if (!started && (error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
    // An empty file still gets a part, so it is restored too.
    if (bytes === 0) await this.write(frame(FrameKind.FilePart, name, Buffer.alloc(0)));
    this.totals.files[name] = bytes;
    return true;
  }

  /** Ends the stream, makes the file durable under its real name, and returns its size. */
  async finish(): Promise<number> {
    await this.write(frame(FrameKind.End, '', Buffer.from(JSON.stringify(this.totals))));
    this.input.end();
    await this.done;
    const fd = openSync(this.tmp, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(this.tmp, this.path);
    fsyncDir(dirname(this.path));
    return this.bytesOut;
  }

  /** Drops a backup that will not be finished. */
  async abort(): Promise<void> {
    this.input.destroy();
    await this.done.catch(() => undefined);
    rmSync(this.tmp, { force: true });
  }

  private async write(data: Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    if (!this.input.write(data)) await Promise.race([once(this.input, 'drain'), this.done]);
    if (this.failure) throw this.failure;
  }
}

/** Reads a backup's frames in order, each authenticated before it is yielded. */
export async function* readBackupFrames(
  path: string,
  passphrase: string,
  /** Updated with the file bytes read so far, for progress. */
  progress: { bytesRead: number } = { bytesRead: 0 },
): AsyncGenerator<BackupFrame> {
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const chunk of createReadStream(path)) {
      const bytes = chunk as Buffer;
      progress.bytesRead += bytes.length;
      yield bytes;
    }
  }
  const plain = Readable.from(decryptContainer(counted(), passphrase));
  const inflate = createInflate();
  // Errors from either side end the loop below with the first cause, not a zlib error.
  let cause: unknown = null;
  plain.on('error', (error) => {
    cause ??= error;
    inflate.destroy(error);
  });
  plain.pipe(inflate);
  const inflated = inflate[Symbol.asyncIterator]();
  const reader = new ByteReader({
    next: async () => {
      try {
        return await inflated.next();
      } catch (error) {
        throw (
          cause ??
          (error instanceof BackupFileError
            ? error
            : new BackupFileError('damaged', 'The backup content is damaged'))
        );
      }
    },
  });
  const need = (n: number): Promise<boolean> => reader.fill(n);
  const take = (n: number): Buffer => reader.take(n);

  let first = true;
  for (;;) {
    if (!(await need(9)))
      throw new BackupFileError('truncated', 'The backup content ends before its end record');
    const head = take(9);
    const kind = head[0];
    const nameLength = head.readUInt32BE(1);
    const dataLength = head.readUInt32BE(5);
    if (nameLength > MAX_NAME_BYTES || dataLength > MAX_FRAME_DATA) {
      throw new BackupFileError('damaged', 'The backup content has an entry of impossible size');
    }
    if (!(await need(nameLength + dataLength)))
      throw new BackupFileError('truncated', 'The backup content ends inside an entry');
    const name = take(nameLength).toString('utf8');
    const data = Buffer.from(take(dataLength));
    if (first !== (kind === FrameKind.Manifest)) {
      throw new BackupFileError('foreign', 'The backup does not start with a Stitchdesk workspace manifest');
    }
    first = false;
    switch (kind) {
      case FrameKind.Manifest:
        yield { kind: 'manifest', manifest: parseManifest(data) };
        break;
      case FrameKind.Rows: {
        if (data.length < 4) throw new BackupFileError('damaged', 'The backup has an empty rows entry');
        yield { kind: 'rows', table: name, count: data.readUInt32BE(0), json: data.toString('utf8', 4) };
        break;
      }
      case FrameKind.FilePart:
        yield { kind: 'file', path: name, data };
        break;
      case FrameKind.End: {
        const totals = parseTotals(data);
        if (await need(1)) {
          throw new BackupFileError('damaged', 'The backup has content after its end record');
        }
        yield { kind: 'end', totals };
        return;
      }
      default:
        throw new BackupFileError('damaged', `The backup content has an unknown entry type ${kind}`);
    }
  }
}

function parseJson(data: Buffer, what: string): unknown {
  try {
    return JSON.parse(data.toString('utf8'));
  } catch {
    throw new BackupFileError('damaged', `The backup's ${what} is not readable`);
  }
}

function parseManifest(data: Buffer): BackupManifest {
  const raw = parseJson(data, 'manifest');
  if (
    !raw ||
    typeof raw !== 'object' ||
    !('format' in raw) ||
    raw.format !== 'stitchdesk-workspace' ||
    !('tables' in raw) ||
    !Array.isArray(raw.tables) ||
    !raw.tables.every((t: unknown) => typeof t === 'string') ||
    !('storeSchemaVersion' in raw) ||
    typeof raw.storeSchemaVersion !== 'number' ||
    !('createdAt' in raw) ||
    typeof raw.createdAt !== 'string' ||
    !('appVersion' in raw) ||
    typeof raw.appVersion !== 'string'
  ) {
    throw new BackupFileError('foreign', 'The backup manifest is not a Stitchdesk workspace manifest');
  }
  return {
    format: 'stitchdesk-workspace',
    createdAt: raw.createdAt,
    appVersion: raw.appVersion,
    storeSchemaVersion: raw.storeSchemaVersion,
    tables: raw.tables,
  };
}

function parseTotals(data: Buffer): BackupTotals {
  const raw = parseJson(data, 'end record');
  const counts = (value: unknown): Record<string, number> => {
    if (!value || typeof value !== 'object')
      throw new BackupFileError('damaged', 'The backup end record is not readable');
    const out: Record<string, number> = Object.create(null);
    for (const [key, n] of Object.entries(value)) {
      if (typeof n !== 'number')
        throw new BackupFileError('damaged', 'The backup end record is not readable');
      out[key] = n;
    }
    return out;
  };
  if (!raw || typeof raw !== 'object' || !('rows' in raw) || !('files' in raw)) {
    throw new BackupFileError('damaged', 'The backup end record is not readable');
  }
  return { rows: counts(raw.rows), files: counts(raw.files) };
}
