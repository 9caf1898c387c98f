// Many small index ranges read at once: every range goes straight to IndexedDB as one getAll
// request, all in flight together in one read-only transaction, without Dexie's per-query promise
// and zone overhead — a segment probing thousands of browsers issues thousands of these.
import type { Table } from 'dexie';

/** The rows of `table` in each range of `index` (a Dexie index name such as `[visitorId+timestamp]`). */
export async function getAllInRanges<T, K>(
  table: Table<T, K>,
  index: string,
  ranges: readonly IDBKeyRange[],
): Promise<T[][]> {
  if (ranges.length === 0) return [];
  if (!table.db.isOpen()) await table.db.open();
  // A raw transaction of its own: awaiting it inside a Dexie transaction would commit that one early.
  const source = table.db
    .backendDB()
    .transaction(table.name, 'readonly')
    .objectStore(table.name)
    .index(index);
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
