// `/u/<token>`: an email's unsubscribe. `POST` with `List-Unsubscribe=One-Click` (RFC 8058, what a
// mail client sends) journals an `email_unsubscribe` event, which the store's ingest applies by
// revoking the contact's email consent; `GET` (the footer link) shows a page whose button posts it.
// A GET never unsubscribes by itself: mail scanners fetch every link in a message.
// `GET /o/<token>.gif` is the optional open pixel: it journals an `email_open` (unreliable by nature).
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Collector } from '../collector/server';
import type { EventJournal } from '../journal/types';
import type { ApiError } from '../shared/bridge';
import type { EmailOpenProperties, TrackedEvent, UnsubscribeProperties } from '../shared/events';
import type { Logger } from '../util/log';
import { sendPage } from './redirect';
import type { LinkRegistry } from './registry';

export interface UnsubscribeDeps {
  registry: LinkRegistry;
  journal: EventJournal;
  collector: Collector;
  log?: Logger;
}

const PATH = '/u';
/** The one-click body (RFC 8058 §3.1), urlencoded or as a multipart field. */
const ONE_CLICK = /List-Unsubscribe=One-Click|name="List-Unsubscribe"\r?\n\r?\nOne-Click/;

const CONFIRM_FORM =
  '<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click">' +
  '<button type="submit" style="font: inherit; padding: 0.5rem 1rem">Unsubscribe</button></form>';

export function registerUnsubscribeRoutes(app: FastifyInstance, deps: UnsubscribeDeps): void {
  app.get<{ Params: { token: string } }>('/u/:token', (request, reply) => {
    if (!deps.registry.resolveUnsubscribe(request.params.token)) {
      deps.collector.reject(PATH, 'invalid_token');
      return sendPage(reply, 404, 'This link is not valid', 'Check that the whole link was copied.');
    }
    return sendPage(
      reply,
      200,
      'Unsubscribe',
      'Stop receiving these emails? You can be added back only by asking the sender.',
      CONFIRM_FORM,
    );
  });
  app.post<{ Params: { token: string } }>('/u/:token', (request, reply) => unsubscribe(request, reply, deps));
  app.get<{ Params: { file: string } }>('/o/:file', (request, reply) => opened(request, reply, deps));
}

/** A transparent 1×1 GIF. */
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
const MAX_USER_AGENT_LENGTH = 512;

async function opened(
  request: FastifyRequest<{ Params: { file: string } }>,
  reply: FastifyReply,
  deps: UnsubscribeDeps,
): Promise<FastifyReply> {
  const token = request.params.file.replace(/\.gif$/, '');
  const target = deps.registry.resolveUnsubscribe(token, 'open');
  if (!target) {
    deps.collector.reject('/o', 'invalid_token');
    return fail(reply, 404, 'invalid_token', 'This open-tracking image is not valid');
  }
  const properties: EmailOpenProperties = {
    campaignId: target.campaignId,
    recipientMessageId: `${target.campaignId}:${target.recipient}`,
  };
  const userAgent = request.headers['user-agent']?.slice(0, MAX_USER_AGENT_LENGTH);
  const event: TrackedEvent = {
    messageId: randomUUID(),
    type: 'email_open',
    properties,
    ...(userAgent ? { context: { userAgent } } : {}),
    timestamp: new Date().toISOString(),
  };
  try {
    await deps.journal.append([{ source: 'redirect', event }]);
    deps.collector.accept('/o', [event.type]);
  } catch (error) {
    // An open is a hint, not a fact: the image is answered either way.
    deps.log?.error(`collector: GET /o: journal append failed: ${(error as Error).message}`);
    deps.collector.reject('/o', 'journal_unavailable');
  }
  return reply
    .code(200)
    .header('content-type', 'image/gif')
    .header('cache-control', 'no-store, max-age=0')
    .send(PIXEL);
}

async function unsubscribe(
  request: FastifyRequest<{ Params: { token: string } }>,
  reply: FastifyReply,
  deps: UnsubscribeDeps,
): Promise<FastifyReply> {
  const target = deps.registry.resolveUnsubscribe(request.params.token);
  if (!target) {
    deps.collector.reject(PATH, 'invalid_token');
    return fail(
      reply,
      404,
      'invalid_token',
      'This unsubscribe link is not valid (damaged or not from this sender)',
    );
  }
  const body = Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '';
  if (!ONE_CLICK.test(body)) {
    deps.collector.reject(PATH, 'invalid_body');
    return fail(
      reply,
      400,
      'invalid_body',
      'A one-click unsubscribe posts List-Unsubscribe=One-Click (RFC 8058)',
    );
  }
  // The confirmation page's form is a browser navigation; a mail client's POST is not.
  const fromPage = (request.headers.accept ?? '').includes('text/html');
  const properties: UnsubscribeProperties = {
    campaignId: target.campaignId,
    recipientMessageId: `${target.campaignId}:${target.recipient}`,
    via: fromPage ? 'page' : 'one-click',
  };
  const event: TrackedEvent = {
    messageId: randomUUID(),
    type: 'email_unsubscribe',
    properties,
    timestamp: new Date().toISOString(),
  };
  try {
    // Durable before answering: an acknowledged unsubscribe must never be lost.
    await deps.journal.append([{ source: 'redirect', event }]);
  } catch (error) {
    const detail = `journal append failed: ${(error as Error).message}`;
    deps.log?.error(`collector: POST ${PATH}: ${detail}`);
    deps.collector.reject(PATH, 'journal_unavailable', detail);
    return fail(reply, 503, 'journal_unavailable', 'Could not record the unsubscribe; please try again');
  }
  deps.collector.accept(PATH, [event.type]);
  if (fromPage) return sendPage(reply, 200, 'You are unsubscribed', 'You will not get these emails again.');
  return reply.code(200).header('cache-control', 'no-store').send({ unsubscribed: true });
}

function fail(reply: FastifyReply, status: number, error: string, detail: string): FastifyReply {
  const body: ApiError = { error, detail };
  return reply.code(status).header('cache-control', 'no-store').send(body);
}
