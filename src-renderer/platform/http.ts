// The HTTP implementation of the Bridge, for headless mode: calls go to /bridge/call/<channel>
// with the per-run token; pushed events arrive over a server-sent event stream.
import type { ApiError, Bridge, BridgeEventName, BridgeEvents } from '../../src-main/shared/bridge';

const TOKEN_KEY = 'stitchdesk.bridgeToken';

/** Takes the token from the URL fragment (once) and keeps it for reloads of this tab only. */
export function takeBridgeToken(location: Location, storage: Storage): string | null {
  const match = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(location.hash);
  if (match?.[1]) {
    storage.setItem(TOKEN_KEY, match[1]);
    history.replaceState(null, '', `${location.pathname}${location.search}#/`);
    return match[1];
  }
  return storage.getItem(TOKEN_KEY);
}

export class BridgeCallError extends Error implements ApiError {
  readonly error: string;
  readonly field?: string;
  readonly detail: string;
  constructor(
    readonly status: number,
    body: ApiError,
  ) {
    super(body.detail);
    this.error = body.error;
    this.detail = body.detail;
    if (body.field) this.field = body.field;
  }
}

export function createHttpBridge(token: string, base = '/bridge'): Bridge {
  const listeners = new Map<BridgeEventName, Set<(payload: unknown) => void>>();
  let streaming = false;

  const dispatch = (block: string) => {
    let name = '';
    let data = '';
    for (const line of block.split('\n')) {
      if (line.startsWith('event: ')) name = line.slice(7);
      else if (line.startsWith('data: ')) data += line.slice(6);
    }
    if (!name || !data) return;
    const set = listeners.get(name as BridgeEventName);
    if (!set?.size) return;
    const payload: unknown = JSON.parse(data);
    for (const listener of set) listener(payload);
  };

  const stream = async () => {
    // Reconnects with a short back-off: the stream ends when the server restarts.
    for (;;) {
      try {
        const response = await fetch(`${base}/events`, { headers: { authorization: `Bearer ${token}` } });
        if (!response.ok || !response.body) throw new Error(`events: HTTP ${response.status}`);
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let cut = buffer.indexOf('\n\n');
          while (cut >= 0) {
            dispatch(buffer.slice(0, cut));
            buffer = buffer.slice(cut + 2);
            cut = buffer.indexOf('\n\n');
          }
        }
      } catch {
        // fall through to the retry below
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  };

  return {
    platform: 'headless',
    async invoke(channel, args) {
      const response = await fetch(`${base}/call/${encodeURIComponent(channel)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(args === undefined ? {} : { args }),
      });
      const body = (await response.json()) as { result: unknown } | ApiError;
      if (!response.ok || !('result' in body)) {
        throw new BridgeCallError(response.status, body as ApiError);
      }
      return body.result as never;
    },
    on<E extends BridgeEventName>(event: E, listener: (payload: BridgeEvents[E]) => void) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      const wrapped = listener as (payload: unknown) => void;
      set.add(wrapped);
      if (!streaming) {
        streaming = true;
        void stream();
      }
      return () => set.delete(wrapped);
    },
  };
}
