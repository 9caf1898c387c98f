// A stable reference to a service instance that can be replaced in place: the collector routes and
// the bridge handlers keep the reference they were given, and a workspace restore swaps what is
// behind it (fresh settings, sites, links, journal read from the restored data folder).

export interface Swappable<T extends object> {
  /** Forwards every property read and write to the current instance; methods stay bound to it. */
  readonly ref: T;
  current(): T;
  swap(next: T): void;
}

export function swappable<T extends object>(initial: T): Swappable<T> {
  let current = initial;
  const ref = new Proxy<T>(initial, {
    get(_target, prop) {
      const value: unknown = Reflect.get(current, prop, current);
      return typeof value === 'function' ? value.bind(current) : value;
    },
    set(_target, prop, value: unknown) {
      return Reflect.set(current, prop, value, current);
    },
    has(_target, prop) {
      return Reflect.has(current, prop);
    },
  });
  return {
    ref,
    current: () => current,
    swap(next) {
      current = next;
    },
  };
}
