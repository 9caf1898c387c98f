// Request bodies for the intake endpoints: any Content-Type, optional gzip, size limits before
// and after decompression, strict UTF-8 and JSON. Failures carry the HTTP status they deserve.

import { promisify } from 'node:util';
import { gunzip, inflate } from 'node:zlib';

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);
const utf8 = new TextDecoder('utf-8', { fatal: true });

export class IntakeError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
    readonly field?: string,
  ) {
    super(detail);
  }
}

export interface DecodedBody {
  value: unknown;
  /** Decoded size in bytes: no single event in it can be larger. */
  bytes: number;
}

/** Decodes a raw body to parsed JSON. `maxBytes` bounds the decoded size (zip bombs included). */
export async function decodeJsonBody(
  raw: unknown,
  encoding: string | undefined,
  maxBytes: number,
): Promise<DecodedBody> {
  if (!Buffer.isBuffer(raw) || raw.length === 0) {
    throw new IntakeError(400, 'empty_body', 'The request has no body; send a JSON object');
  }
  let bytes: Buffer = raw;
  const coding = (encoding ?? 'identity').trim().toLowerCase();
  if (coding === 'gzip' || coding === 'x-gzip' || coding === 'deflate') {
    try {
      const inflater = coding === 'deflate' ? inflateAsync : gunzipAsync;
      bytes = await inflater(raw, { maxOutputLength: maxBytes });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
        throw new IntakeError(413, 'payload_too_large', `The decompressed body is over ${maxBytes} bytes`);
      }
      throw new IntakeError(415, 'undecodable_body', `The body is not valid ${coding} data`);
    }
  } else if (coding !== 'identity' && coding !== '') {
    throw new IntakeError(
      415,
      'unsupported_encoding',
      `Content-Encoding "${coding.slice(0, 40)}" is not supported; use gzip or none`,
    );
  }
  if (bytes.length > maxBytes) {
    throw new IntakeError(
      413,
      'payload_too_large',
      `The body is ${bytes.length} bytes; the limit is ${maxBytes}`,
    );
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new IntakeError(415, 'undecodable_body', 'The body is not valid UTF-8');
  }
  try {
    return { value: JSON.parse(text), bytes: bytes.length };
  } catch (error) {
    throw new IntakeError(
      400,
      'malformed_json',
      `The body is not valid JSON: ${(error as Error).message.slice(0, 120)}`,
    );
  }
}
