// Why the journal cannot store events right now, in words a marketer and a client can act on; the
// collector turns it into 503 + Retry-After rather than a 500.

/** Thrown by `append` when the journal cannot make events durable; retrying later may succeed. */
export class JournalUnavailableError extends Error {
  override name = 'JournalUnavailableError';
  constructor(
    message: string,
    /** The cause in words, e.g. "the disk is full (ENOSPC)". */
    readonly reason: string,
    /** The system error code behind it, when there is one. */
    readonly code: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const CAUSES: Record<string, string> = {
  ENOSPC: 'the disk is full (ENOSPC)',
  EDQUOT: 'the disk quota is used up (EDQUOT)',
  EIO: 'the disk reported an input/output error (EIO)',
  EROFS: 'the disk is read-only (EROFS)',
  EACCES: 'the journal folder cannot be written: permission denied (EACCES)',
  EPERM: 'the journal folder cannot be written: operation not permitted (EPERM)',
  EMFILE: 'too many files are open (EMFILE)',
  ENFILE: 'too many files are open on this computer (ENFILE)',
  ENOENT: 'the journal folder is gone (ENOENT)',
};

/** The system error code of `error` or of one of its causes. */
export function errorCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A failed write or fsync, said in words. */
export function describeWriteFailure(error: unknown): { reason: string; code: string | undefined } {
  const code = errorCode(error);
  const known = code ? CAUSES[code] : undefined;
  if (known) return { reason: known, code };
  const message = error instanceof Error ? error.message : String(error);
  return { reason: `writing to the disk failed (${code ?? message})`, code };
}
