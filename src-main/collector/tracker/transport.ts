// Batches events and ships them to the collector as text/plain JSON (a CORS "simple" request, so
// no preflight), by sendBeacon where possible so a batch survives the page closing.
import type { CollectPayload, TrackedEvent } from '../../shared/events';

const FLUSH_DELAY_MS = 1000;
const MAX_BATCH_EVENTS = 20;
// sendBeacon and keepalive fetch refuse bodies past 64 KiB; leave room for the envelope.
const MAX_BODY_BYTES = 60 * 1024;
const CONTENT_TYPE = 'text/plain;charset=UTF-8';

export interface Transport {
  enqueue(event: TrackedEvent): void;
  /** Sends everything queued now (page hidden, form submitted). */
  flush(): void;
  /** Forgets queued events without sending them (consent withdrawn). */
  drop(): void;
}

export function createTransport(endpoint: string, siteId: string): Transport {
  let queue: TrackedEvent[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const encoder = new TextEncoder();

  function send(batch: TrackedEvent[]): void {
    const payload: CollectPayload = { siteId, sentAt: new Date().toISOString(), batch };
    const body = JSON.stringify(payload);
    try {
      if (navigator.sendBeacon?.(endpoint, body)) return;
    } catch {
      // some browsers throw instead of returning false: fall through to fetch
    }
    // No retry on rejection: a CORS failure rejects after the collector has already stored the batch.
    fetch(endpoint, {
      method: 'POST',
      body,
      keepalive: true,
      headers: { 'content-type': CONTENT_TYPE },
      mode: 'cors',
      credentials: 'omit',
    }).catch(() => undefined);
  }

  function flush(): void {
    clearTimeout(timer);
    timer = undefined;
    let batch: TrackedEvent[] = [];
    let bytes = 0;
    for (const event of queue) {
      const size = encoder.encode(JSON.stringify(event)).length + 1;
      // An event too big for any beacon is dropped rather than blocking the ones behind it.
      if (size > MAX_BODY_BYTES - 200) continue;
      if (bytes + size > MAX_BODY_BYTES - 200) {
        send(batch);
        batch = [];
        bytes = 0;
      }
      batch.push(event);
      bytes += size;
    }
    queue = [];
    if (batch.length) send(batch);
  }

  return {
    enqueue(event) {
      queue.push(event);
      if (queue.length >= MAX_BATCH_EVENTS) flush();
      else timer ??= setTimeout(flush, FLUSH_DELAY_MS);
    },
    flush,
    drop() {
      clearTimeout(timer);
      timer = undefined;
      queue = [];
    },
  };
}
