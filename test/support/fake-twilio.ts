// A local stand-in for Twilio's Messages API, for unit and E2E tests: `POST Messages.json` answers
// 201 with a sid (after an optional delay), `GET Messages/<sid>.json` walks each message through
// sent → delivered, or to undelivered 30003 for numbers ending in 99. Counts every request.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeTwilioPost {
  sid: string;
  to: string;
  body: string;
  at: number;
}

export interface FakeTwilio {
  baseUrl: string;
  posts: FakeTwilioPost[];
  /** Status GETs, by sid. */
  statusGets: Map<string, number>;
  /** Milliseconds each POST waits before answering (a slow provider, to kill the app mid-send). */
  postDelayMs: number;
  /** While true, every request is refused 401 (a wrong auth token, or one revoked mid-campaign). */
  refuseAuth: boolean;
  /** Called as each POST arrives, before it is answered. */
  onPost?: (post: FakeTwilioPost) => void;
  close(): Promise<void>;
}

/** Statuses a message reports on successive GETs; the last repeats. */
const DELIVERED = ['sent', 'delivered'];
const UNDELIVERED = ['sent', 'undelivered'];

export async function startFakeTwilio(
  options: { postDelayMs?: number; port?: number } = {},
): Promise<FakeTwilio> {
  const posts: FakeTwilioPost[] = [];
  const statusGets = new Map<string, number>();
  const byId = new Map<string, FakeTwilioPost>();
  const fake: FakeTwilio = {
    baseUrl: '',
    posts,
    statusGets,
    postDelayMs: options.postDelayMs ?? 0,
    refuseAuth: false,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req: IncomingMessage, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => {
      raw += chunk.toString('utf8');
    });
    req.on('end', () => {
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const url = req.url ?? '';
      if (fake.refuseAuth) return send(401, { code: 20003, message: 'Authenticate', status: 401 });
      const get = /\/Messages\/([A-Za-z0-9]+)\.json$/.exec(url);
      if (req.method === 'GET' && get?.[1]) {
        const sid = get[1];
        const post = byId.get(sid);
        if (!post)
          return send(404, { code: 20404, message: 'The requested resource was not found', status: 404 });
        const n = (statusGets.get(sid) ?? 0) + 1;
        statusGets.set(sid, n);
        const walk = post.to.endsWith('99') ? UNDELIVERED : DELIVERED;
        const status = walk[Math.min(n - 1, walk.length - 1)] ?? 'queued';
        const failed = status === 'undelivered';
        return send(200, {
          sid,
          status,
          to: post.to,
          error_code: failed ? 30003 : null,
          error_message: failed ? 'Unreachable destination handset' : null,
        });
      }
      if (req.method === 'POST' && url.endsWith('/Messages.json')) {
        const form = new URLSearchParams(raw);
        const post: FakeTwilioPost = {
          sid: `SM${String(posts.length + 1).padStart(32, '0')}`,
          to: form.get('To') ?? '',
          body: form.get('Body') ?? '',
          at: Date.now(),
        };
        posts.push(post);
        byId.set(post.sid, post);
        fake.onPost?.(post);
        const answer = () => send(201, { sid: post.sid, status: 'queued', to: post.to });
        if (fake.postDelayMs > 0) setTimeout(answer, fake.postDelayMs);
        else answer();
        return;
      }
      send(404, { code: 20404, message: 'Not found', status: 404 });
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  fake.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

/** How many POSTs each message body got: more than one is a double send. */
export function postsPerBody(fake: FakeTwilio): Map<string, number> {
  const counts = new Map<string, number>();
  for (const post of fake.posts) counts.set(post.body, (counts.get(post.body) ?? 0) + 1);
  return counts;
}
