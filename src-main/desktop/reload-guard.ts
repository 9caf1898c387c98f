// A crashed or hung renderer is reloaded, but not forever: a window that keeps dying within a
// minute is left alone (and the user told) instead of spinning the CPU on reloads.
export interface ReloadGuard {
  /** True when another reload is allowed now, and counts it. */
  allow(now?: number): boolean;
}

export function createReloadGuard(maxReloads = 3, windowMs = 60_000): ReloadGuard {
  const recent: number[] = [];
  return {
    allow(now = Date.now()) {
      while (recent.length > 0 && (recent[0] ?? 0) <= now - windowMs) recent.shift();
      if (recent.length >= maxReloads) return false;
      recent.push(now);
      return true;
    },
  };
}
