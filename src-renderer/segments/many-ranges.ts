// Many small index ranges read at once: inside a Dexie transaction, every range goes straight to
// IndexedDB as one getAll request, all in flight together, without Dexie's per-query promise and
// zone overhead — a segment probing thousands of browsers issues thousands of these.
import Dexie, { type Table } from 'dexie';

/** The rows of `table` in each range of `index` (a Dexie index name such as `[visitorId+timestamp]`). */
export function getAllInRanges<T, K>(
  table: Table<T, K>,
  index: string,
  ranges: readonly IDBKeyRange[],
): Promise<T[][]> {
  if (ranges.length === 0) return Promise.resolve([]);
  const idbtrans = Dexie.currentTransaction?.idbtrans;
  // Outside a transaction (or one without this table) the ordinary Dexie queries do the same.
  if (!idbtrans?.objectStoreNames.contains(table.name)) {
    return Promise.all(
      ranges.map((range) =>
        table.where(index).between(range.lower, range.upper, !range.lowerOpen, !range.upperOpen).toArray(),
      ),
    );
  }
  const source = idbtrans.objectStore(table.name).index(index);
  return new Promise<T[][]>((resolve, reject) => {
    const out: T[][] = new Array(ranges.length);
    let left = ranges.length;
    ranges.forEach((range, i) => {
      const request = source.getAll(range);
      request.onsuccess = () => {
        out[i] = request.result as T[];
        left -= 1;
        if (left === 0) resolve(out);
      };
      request.onerror = () => reject(request.error);
    });
  });
}
