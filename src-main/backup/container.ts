// The encrypted backup container: a plain, versioned header (magic, format version, scrypt
// parameters, salt, nonce prefix, key check) and then AES-256-GCM chunks, each authenticated with
// the header as associated data. A chunk's nonce is the prefix, its counter and a final flag (the
// STREAM construction), so reordered, dropped, truncated or appended chunks are all detected.
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  randomBytes,
  scrypt,
  timingSafeEqual,
} from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

export const BACKUP_MAGIC = Buffer.from('STDKBKUP');
export const BACKUP_FORMAT_VERSION = 1;
/** Plaintext bytes per chunk: large enough that the 20 bytes of framing and tag cost nothing. */
export const CHUNK_BYTES = 1024 * 1024;
const TAG_BYTES = 16;
const NONCE_PREFIX_BYTES = 7;
const SALT_BYTES = 16;
const MAX_HEADER_JSON = 4096;

export interface KdfParams {
  /** scrypt cost: 2^17 takes about half a second and 128 MB, once per backup or restore. */
  N: number;
  r: number;
  p: number;
}

export const DEFAULT_KDF: KdfParams = { N: 2 ** 17, r: 8, p: 1 };
/** A foreign or hostile header must not make us spend gigabytes or minutes deriving a key. */
const MAX_KDF: KdfParams = { N: 2 ** 20, r: 16, p: 4 };

export type BackupFileProblem = 'foreign' | 'unsupported' | 'wrong_passphrase' | 'truncated' | 'damaged';

/** The file cannot be restored; `problem` says why in terms the UI can explain. */
export class BackupFileError extends Error {
  constructor(
    readonly problem: BackupFileProblem,
    message: string,
  ) {
    super(message);
    this.name = 'BackupFileError';
  }
}

interface HeaderJson {
  cipher: 'aes-256-gcm';
  kdf: 'scrypt';
  N: number;
  r: number;
  p: number;
  salt: string;
  noncePrefix: string;
  chunkBytes: number;
  compression: 'deflate';
  /** HMAC of a fixed label under the key: tells a wrong passphrase from a damaged file. */
  keyCheck: string;
}

export interface ContainerHeader {
  json: HeaderJson;
  /** The header exactly as written: every chunk authenticates it. */
  bytes: Buffer;
}

function deriveKey(passphrase: string, salt: Buffer, kdf: KdfParams): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(
      passphrase.normalize('NFC'),
      salt,
      32,
      { N: kdf.N, r: kdf.r, p: kdf.p, maxmem: 256 * kdf.N * kdf.r + 1024 * 1024 },
      (error, key) => (error ? reject(error) : resolve(key)),
    ),
  );
}

const keyCheckOf = (key: Buffer): Buffer =>
  createHmac('sha256', key).update('stitchdesk/backup/key-check/v1').digest().subarray(0, 16);

function encodeHeader(json: HeaderJson): Buffer {
  const body = Buffer.from(JSON.stringify(json));
  const fixed = Buffer.alloc(BACKUP_MAGIC.length + 4);
  BACKUP_MAGIC.copy(fixed);
  fixed.writeUInt16BE(BACKUP_FORMAT_VERSION, BACKUP_MAGIC.length);
  fixed.writeUInt16BE(body.length, BACKUP_MAGIC.length + 2);
  return Buffer.concat([fixed, body]);
}

function nonceFor(prefix: Buffer, counter: number, final: boolean): Buffer {
  const nonce = Buffer.alloc(12);
  prefix.copy(nonce, 0);
  nonce.writeUInt32BE(counter, NONCE_PREFIX_BYTES);
  nonce[11] = final ? 1 : 0;
  return nonce;
}

/** A new header and key for a backup; the key never leaves this process. */
export async function newContainerKey(
  passphrase: string,
  kdf: KdfParams = DEFAULT_KDF,
): Promise<{ header: ContainerHeader; key: Buffer }> {
  const salt = randomBytes(SALT_BYTES);
  const key = await deriveKey(passphrase, salt, kdf);
  const json: HeaderJson = {
    cipher: 'aes-256-gcm',
    kdf: 'scrypt',
    ...kdf,
    salt: salt.toString('base64'),
    noncePrefix: randomBytes(NONCE_PREFIX_BYTES).toString('base64'),
    chunkBytes: CHUNK_BYTES,
    compression: 'deflate',
    keyCheck: keyCheckOf(key).toString('base64'),
  };
  return { header: { json, bytes: encodeHeader(json) }, key };
}

/** Encrypts a byte stream into container chunks; the header must be written before its output. */
export class ChunkEncryptor extends Transform {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private counter = 0;
  private readonly prefix: Buffer;

  constructor(
    private readonly header: ContainerHeader,
    private readonly key: Buffer,
  ) {
    super();
    this.prefix = Buffer.from(header.json.noncePrefix, 'base64');
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    while (this.pendingBytes > CHUNK_BYTES) {
      const all = Buffer.concat(this.pending);
      this.push(this.seal(all.subarray(0, CHUNK_BYTES), false));
      this.pending = [all.subarray(CHUNK_BYTES)];
      this.pendingBytes = all.length - CHUNK_BYTES;
    }
    callback();
  }

  override _flush(callback: TransformCallback): void {
    // The last chunk (possibly empty) carries the final flag: without it the file is truncated.
    this.push(this.seal(Buffer.concat(this.pending), true));
    this.pending = [];
    callback();
  }

  private seal(plain: Buffer, final: boolean): Buffer {
    if (this.counter >= 0xffffffff) throw new Error('backup too large for one container');
    const cipher = createCipheriv('aes-256-gcm', this.key, nonceFor(this.prefix, this.counter++, final));
    cipher.setAAD(this.header.bytes);
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(body.length);
    return Buffer.concat([length, body, cipher.getAuthTag()]);
  }
}

/**
 * Reads exact byte counts from an async stream of buffers. Parts are queued and joined only when
 * taken, so reading a 1 MiB chunk out of 16 KiB pieces copies it once, not once per piece.
 */
export class ByteReader {
  private parts: Buffer[] = [];
  private length = 0;
  private done = false;

  constructor(private readonly source: AsyncIterator<Buffer>) {}

  /** Fills the queue to at least `n` bytes; false when the stream ended first. */
  async fill(n: number): Promise<boolean> {
    while (this.length < n && !this.done) {
      const next = await this.source.next();
      if (next.done) this.done = true;
      else if (next.value.length > 0) {
        this.parts.push(next.value);
        this.length += next.value.length;
      }
    }
    return this.length >= n;
  }

  /** Exactly `n` bytes, or fewer only at the end of the stream. */
  async read(n: number): Promise<Buffer> {
    await this.fill(n);
    return this.take(Math.min(n, this.length));
  }

  /** `n` bytes already in the queue (after `fill`). */
  take(n: number): Buffer {
    const first = this.parts[0];
    let out: Buffer;
    if (first && first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.parts.shift();
      else this.parts[0] = first.subarray(n);
    } else {
      out = Buffer.allocUnsafe(n);
      let at = 0;
      while (at < n) {
        const part = this.parts[0];
        if (!part) break;
        const used = Math.min(part.length, n - at);
        part.copy(out, at, 0, used);
        at += used;
        if (used === part.length) this.parts.shift();
        else this.parts[0] = part.subarray(used);
      }
    }
    this.length -= n;
    return out;
  }

  async atEnd(): Promise<boolean> {
    return !(await this.fill(1));
  }
}

function parseHeaderJson(text: string): HeaderJson {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new BackupFileError('foreign', 'The backup header is not readable');
  }
  if (!raw || typeof raw !== 'object')
    throw new BackupFileError('foreign', 'The backup header is not readable');
  const h = raw as Record<string, unknown>;
  const int = (name: string): number => {
    const value = h[name];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
      throw new BackupFileError('foreign', `The backup header's ${name} is not valid`);
    }
    return value;
  };
  const text64 = (name: string): string => {
    const value = h[name];
    if (typeof value !== 'string')
      throw new BackupFileError('foreign', `The backup header's ${name} is missing`);
    return value;
  };
  if (h.cipher !== 'aes-256-gcm' || h.kdf !== 'scrypt' || h.compression !== 'deflate') {
    throw new BackupFileError(
      'unsupported',
      'This backup uses a cipher or compression this version cannot read',
    );
  }
  const json: HeaderJson = {
    cipher: 'aes-256-gcm',
    kdf: 'scrypt',
    N: int('N'),
    r: int('r'),
    p: int('p'),
    salt: text64('salt'),
    noncePrefix: text64('noncePrefix'),
    chunkBytes: int('chunkBytes'),
    compression: 'deflate',
    keyCheck: text64('keyCheck'),
  };
  const powerOfTwo = (json.N & (json.N - 1)) === 0 && json.N > 1;
  if (!powerOfTwo || json.N > MAX_KDF.N || json.r > MAX_KDF.r || json.p > MAX_KDF.p) {
    throw new BackupFileError(
      'unsupported',
      'The backup asks for key-derivation costs outside the safe range',
    );
  }
  if (json.chunkBytes > 16 * CHUNK_BYTES)
    throw new BackupFileError('unsupported', 'The backup chunk size is too large');
  if (Buffer.from(json.noncePrefix, 'base64').length !== NONCE_PREFIX_BYTES) {
    throw new BackupFileError('foreign', 'The backup header has no valid nonce');
  }
  return json;
}

/**
 * Decrypts a container, yielding each chunk's plaintext only after its tag checked. Throws
 * BackupFileError for a foreign file, a wrong passphrase, a damaged chunk or a missing end.
 */
export async function* decryptContainer(
  source: AsyncIterable<Buffer>,
  passphrase: string,
): AsyncGenerator<Buffer> {
  const reader = new ByteReader(source[Symbol.asyncIterator]());
  const fixed = await reader.read(BACKUP_MAGIC.length + 4);
  if (fixed.length < BACKUP_MAGIC.length || !fixed.subarray(0, BACKUP_MAGIC.length).equals(BACKUP_MAGIC)) {
    throw new BackupFileError('foreign', 'This is not a Stitchdesk backup file');
  }
  if (fixed.length < BACKUP_MAGIC.length + 4)
    throw new BackupFileError('truncated', 'The backup file is cut short inside its header');
  const version = fixed.readUInt16BE(BACKUP_MAGIC.length);
  if (version !== BACKUP_FORMAT_VERSION) {
    throw new BackupFileError(
      'unsupported',
      `This backup has format version ${version}; this app reads version ${BACKUP_FORMAT_VERSION}`,
    );
  }
  const jsonLength = fixed.readUInt16BE(BACKUP_MAGIC.length + 2);
  if (jsonLength > MAX_HEADER_JSON) throw new BackupFileError('foreign', 'The backup header is too long');
  const jsonBytes = await reader.read(jsonLength);
  if (jsonBytes.length < jsonLength)
    throw new BackupFileError('truncated', 'The backup file is cut short inside its header');
  const json = parseHeaderJson(jsonBytes.toString('utf8'));
  const headerBytes = Buffer.concat([fixed, jsonBytes]);

  const key = await deriveKey(passphrase, Buffer.from(json.salt, 'base64'), json);
  const check = Buffer.from(json.keyCheck, 'base64');
  const expected = keyCheckOf(key);
  if (check.length !== expected.length || !timingSafeEqual(check, expected)) {
    throw new BackupFileError('wrong_passphrase', 'The passphrase is not the one this backup was made with');
  }
  const prefix = Buffer.from(json.noncePrefix, 'base64');
  for (let counter = 0; ; counter++) {
    const lengthBytes = await reader.read(4);
    if (lengthBytes.length === 0)
      throw new BackupFileError('truncated', 'The backup file is cut short: its last part is missing');
    if (lengthBytes.length < 4)
      throw new BackupFileError('truncated', 'The backup file is cut short inside a chunk');
    const length = lengthBytes.readUInt32BE(0);
    if (length > json.chunkBytes)
      throw new BackupFileError('damaged', `The backup is damaged at chunk ${counter}`);
    const body = await reader.read(length + TAG_BYTES);
    if (body.length < length + TAG_BYTES)
      throw new BackupFileError('truncated', 'The backup file is cut short inside a chunk');
    // Try as a middle chunk, then as the final one: the flag is in the nonce, not in the clear.
    const plain =
      open(key, prefix, counter, false, headerBytes, body, length) ??
      open(key, prefix, counter, true, headerBytes, body, length);
    if (!plain)
      throw new BackupFileError('damaged', `The backup is damaged: chunk ${counter} does not verify`);
    if (plain.final) {
      if (!(await reader.atEnd()))
        throw new BackupFileError('damaged', 'The backup has unexpected bytes after its end');
      if (plain.bytes.length) yield plain.bytes;
      return;
    }
    yield plain.bytes;
  }
}

function open(
  key: Buffer,
  prefix: Buffer,
  counter: number,
  final: boolean,
  aad: Buffer,
  body: Buffer,
  length: number,
): { bytes: Buffer; final: boolean } | null {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonceFor(prefix, counter, final));
    decipher.setAAD(aad);
    decipher.setAuthTag(body.subarray(length));
    return { bytes: Buffer.concat([decipher.update(body.subarray(0, length)), decipher.final()]), final };
  } catch {
    return null;
  }
}
