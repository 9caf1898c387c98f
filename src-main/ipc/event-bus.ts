// Fan-out of pushed bridge events to whichever transports are attached (Electron IPC, HTTP SSE).
import type { BridgeEventName, BridgeEvents } from '../shared/bridge';

export type BridgeEventListener = <E extends BridgeEventName>(event: E, payload: BridgeEvents[E]) => void;

export class BridgeEventBus {
  private readonly listeners = new Set<BridgeEventListener>();

  emit<E extends BridgeEventName>(event: E, payload: BridgeEvents[E]): void {
    for (const listener of this.listeners) listener(event, payload);
  }

  subscribe(listener: BridgeEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
