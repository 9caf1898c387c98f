// `GET|HEAD /r/<code>`: a tapped tracked link is journalled and redirected to its destination with a
// one-time click token; previews are journalled but get no token; bad codes never redirect.
import { randomFillSync, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Collector } from '../collector/server';
import type { EventJournal } from '../journal/types';
import type { SettingsStore } from '../settings/store';
import type { LinkClickProperties, TrackedEvent } from '../shared/events';
import type { Logger } from '../util/log';
import { isLinkPreview, truncateIp } from './preview';
import { type LinkRegistry, MAX_LINK_CODE_LENGTH, type ResolvedLink } from './registry';

export interface RedirectDeps {
  registry: LinkRegistry;
  journal: EventJournal;
  settings: SettingsStore;
  collector: Collector;
  /** Where a failed journal append is reported; the collector's feed counts it either way. */
  log?: Logger;
}

const PATH = '/r';
const MAX_USER_AGENT_LENGTH = 512;

export function registerRedirectRoutes(app: FastifyInstance, deps: RedirectDeps): void {
  app.route<{ Params: { code: string } }>({
    method: ['GET', 'HEAD'],
    url: '/r/:code',
    // HEAD is declared above, so Fastify must not add its own GET-derived HEAD route.
    exposeHeadRoute: false,
    handler: (request, reply) => answerLink(request, reply, request.params.code, deps),
  });
  // `/r/`, `/r/<code>/more`: still a link the recipient tapped, so the same page, not a JSON 404.
  app.route({
    method: ['GET', 'HEAD'],
    url: '/r/*',
    exposeHeadRoute: false,
    handler: (_request, reply) => answerInvalid(reply, deps),
  });
}

async function answerLink(
  request: FastifyRequest,
  reply: FastifyReply,
  code: string,
  deps: RedirectDeps,
): Promise<FastifyReply> {
  const link = code.length <= MAX_LINK_CODE_LENGTH ? deps.registry.resolve(code) : null;
  if (!link) return answerInvalid(reply, deps);

  const rawUserAgent = request.headers['user-agent'];
  const userAgent = rawUserAgent?.slice(0, MAX_USER_AGENT_LENGTH);
  const preview = isLinkPreview(rawUserAgent, request.method);
  const clickToken = preview ? undefined : newClickToken();
  const event = linkEvent(link, preview, clickToken, request.method, userAgent, request.ip);

  try {
    // Durable before answering: a token the journal lost could never be stitched.
    await deps.journal.append([{ source: 'redirect', event }]);
  } catch (error) {
    const detail = `journal append failed: ${(error as Error).message}`;
    deps.log?.error(`collector: ${request.method} ${PATH}: ${detail}`);
    deps.collector.reject(PATH, 'journal_unavailable', detail);
    // The recipient still reaches the page they asked for, just without a token to stitch.
    return preview ? answerPreview(reply) : answerRedirect(reply, link.destination);
  }
  deps.collector.accept(PATH, [event.type]);
  if (preview) return answerPreview(reply);
  return answerRedirect(reply, link.destination, deps.settings.get().links.clickTokenParam, clickToken);
}

function linkEvent(
  link: ResolvedLink,
  preview: boolean,
  clickToken: string | undefined,
  method: string,
  userAgent: string | undefined,
  ip: string,
): TrackedEvent {
  const properties: LinkClickProperties = {
    campaignId: link.campaignId,
    linkId: link.linkId,
    recipientMessageId: `${link.campaignId}:${link.recipient}`,
    destination: link.destination,
    ...(clickToken ? { clickToken } : {}),
    method,
  };
  const truncatedIp = truncateIp(ip);
  return {
    messageId: randomUUID(),
    type: preview ? 'link_preview' : 'link_click',
    properties,
    context: {
      ...(userAgent ? { userAgent } : {}),
      ...(truncatedIp ? { ip: truncatedIp } : {}),
    },
    timestamp: new Date().toISOString(),
  };
}

/**
 * One-time click tokens: 16 bytes from the system CSPRNG, drawn from a pool refilled 4 KB at a
 * time (one system call per 256 tokens); every pool byte is used once.
 */
const TOKEN_BYTES = 16;
const tokenPool = Buffer.alloc(4096);
let tokenPoolNext = tokenPool.length;

function newClickToken(): string {
  if (tokenPoolNext + TOKEN_BYTES > tokenPool.length) {
    randomFillSync(tokenPool);
    tokenPoolNext = 0;
  }
  const token = tokenPool.toString('base64url', tokenPoolNext, tokenPoolNext + TOKEN_BYTES);
  tokenPoolNext += TOKEN_BYTES;
  return token;
}

interface RedirectTarget {
  /** The destination up to where the token's value goes, e.g. `https://shop.example/?a=1&ps_ct=`. */
  head: string;
  /** The destination's fragment, kept after the query. */
  hash: string;
}

/** Prepared per token parameter and destination: a campaign sends many clicks to few addresses. */
const redirectTargets = new Map<string, RedirectTarget>();
const MAX_REDIRECT_TARGETS = 1000;

function redirectTarget(destination: string, tokenParam: string): RedirectTarget {
  const key = `${tokenParam}\n${destination}`;
  let target = redirectTargets.get(key);
  if (!target) {
    const url = new URL(destination);
    // Append rather than rebuild the query through URLSearchParams, which would re-encode the
    // destination's own parameters (`a%20b` → `a+b`, `flag` → `flag=`).
    if (url.searchParams.has(tokenParam)) url.searchParams.delete(tokenParam);
    const query = url.search.replace(/^\?/, '');
    url.search = `${query}${query ? '&' : ''}${tokenParam}=`;
    target = { head: url.href.slice(0, url.href.length - url.hash.length), hash: url.hash };
    if (redirectTargets.size >= MAX_REDIRECT_TARGETS) redirectTargets.clear();
    redirectTargets.set(key, target);
  }
  return target;
}

function answerRedirect(
  reply: FastifyReply,
  destination: string,
  tokenParam?: string,
  clickToken?: string,
): FastifyReply {
  let location: string;
  if (tokenParam && clickToken) {
    // The token is base64url, so it needs no escaping in a query.
    const target = redirectTarget(destination, tokenParam);
    location = `${target.head}${clickToken}${target.hash}`;
  } else {
    location = new URL(destination).href;
  }
  return reply
    .code(302)
    .header('location', location)
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .send();
}

function answerPreview(reply: FastifyReply): FastifyReply {
  return sendPage(reply, 200, 'Link', 'Open this link on your phone or in your browser to continue.');
}

function answerInvalid(reply: FastifyReply, deps: RedirectDeps): FastifyReply {
  deps.collector.reject(PATH, 'invalid_link');
  return sendPage(
    reply,
    404,
    'This link is not valid',
    'Check that the whole link was copied, or ask the sender for a new one.',
  );
}

/** A small fixed page: nothing from the request is echoed into it (`extra` is fixed markup too). */
export function sendPage(
  reply: FastifyReply,
  status: number,
  title: string,
  text: string,
  extra = '',
): FastifyReply {
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${title}</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 32rem; margin: 4rem auto; padding: 0 1rem"><h1>${title}</h1><p>${text}</p>${extra}</body>
</html>
`;
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('x-robots-tag', 'noindex')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
    .send(html);
}
