// Does the tracked-link base reach THIS collector? A phone can only count a click if `<base>/r/…`
// arrives here, so the check sends a fresh one-time nonce to `<base>/r/_check/<nonce>` and only
// this process, which minted it, answers with it: a proxy or tunnel to another server fails.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { LinkBaseCheck } from '../shared/links';

const NONCE_TTL_MS = 30_000;
const DEFAULT_TIMEOUT_MS = 5_000;
const MAX_BODY_BYTES = 4096;

export class LinkBaseProbe {
  private readonly pending = new Map<string, number>();

  /** The answering half, on the collector's own server (under /r/ so a proxy of /r/* forwards it). */
  register(app: FastifyInstance): void {
    app.get<{ Params: { nonce: string } }>('/r/_check/:nonce', async (request, reply) => {
      const { nonce } = request.params;
      const expires = this.pending.get(nonce);
      // Unknown nonces learn nothing: the same page as any unknown link.
      if (expires === undefined || expires < Date.now()) {
        return reply.code(404).send({ error: 'not_found', detail: 'No such check' });
      }
      this.pending.delete(nonce);
      return reply.header('cache-control', 'no-store').send({ collector: 'stitchdesk', nonce });
    });
  }

  /** Requests `<base>/r/_check/<nonce>` from the main process and says what came back. */
  async check(baseUrl: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Omit<LinkBaseCheck, 'reach'>> {
    const base = baseUrl.trim().replace(/\/+$/, '');
    let url: URL;
    try {
      url = new URL(`${base}/r/_check/`);
    } catch {
      return { baseUrl: base, reachesCollector: false, detail: `${base} is not a URL` };
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return {
        baseUrl: base,
        reachesCollector: false,
        detail: 'The link base must start with http:// or https://',
      };
    }
    const nonce = randomBytes(16).toString('base64url');
    this.pending.set(nonce, Date.now() + NONCE_TTL_MS);
    try {
      const response = await fetch(`${url.href}${nonce}`, {
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
        headers: { accept: 'application/json' },
      });
      const text = (await response.text()).slice(0, MAX_BODY_BYTES);
      if (response.status === 200 && answeredWith(text, nonce)) {
        return {
          baseUrl: base,
          reachesCollector: true,
          status: 200,
          detail: `${base}/r/ reaches this collector`,
        };
      }
      const where =
        response.status >= 300 && response.status < 400
          ? `redirected to ${response.headers.get('location') ?? 'another address'}`
          : `answered HTTP ${response.status}`;
      return {
        baseUrl: base,
        reachesCollector: false,
        status: response.status,
        detail: `${base}/r/ ${where}, but not as this collector: check that it forwards /r/ to this app's collector`,
      };
    } catch (error) {
      return {
        baseUrl: base,
        reachesCollector: false,
        detail: `${base} cannot be reached: ${failureOf(error, timeoutMs)}`,
      };
    } finally {
      this.pending.delete(nonce);
    }
  }
}

function answeredWith(text: string, nonce: string): boolean {
  try {
    const body: unknown = JSON.parse(text);
    return (
      typeof body === 'object' &&
      body !== null &&
      'collector' in body &&
      body.collector === 'stitchdesk' &&
      'nonce' in body &&
      body.nonce === nonce
    );
  } catch {
    return false;
  }
}

function failureOf(error: unknown, timeoutMs: number): string {
  if (error instanceof DOMException && error.name === 'TimeoutError')
    return `no answer within ${timeoutMs / 1000} s`;
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : null;
  const code = cause && 'code' in cause && typeof cause.code === 'string' ? cause.code : null;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the name does not resolve (DNS)';
  if (code === 'ECONNREFUSED') return 'nothing listens there (connection refused)';
  if (code && /CERT|SSL|TLS/.test(code)) return `its HTTPS certificate is not accepted (${code})`;
  return (cause ?? (error as Error)).message || String(error);
}
