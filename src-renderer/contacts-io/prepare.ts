// The reading half of an import, with no database: every record of the file mapped and normalised,
// handed over in batches. The import worker runs it; tests call it directly.
import type { ColumnMapping } from './mapping';
import { type NormalizeOptions, type PreparedContact, prepareRecord, type RejectedRow } from './normalize';
import { readRecords, type SourceTable } from './source';

export interface PreparedBatch {
  contacts: PreparedContact[];
  rejected: RejectedRow[];
  /** Records read so far (all batches). */
  rowsRead: number;
}

export const PREPARE_BATCH_SIZE = 1000;

export function prepareContactsFile(
  text: string,
  table: Pick<SourceTable, 'format' | 'delimiter' | 'headers'>,
  mapping: readonly ColumnMapping[],
  options: NormalizeOptions,
  onBatch: (batch: PreparedBatch) => void,
  batchSize = PREPARE_BATCH_SIZE,
): { rowsRead: number } {
  let contacts: PreparedContact[] = [];
  let rejected: RejectedRow[] = [];
  let rowsRead = 0;
  const flush = (): void => {
    onBatch({ contacts, rejected, rowsRead });
    contacts = [];
    rejected = [];
  };
  readRecords(text, table, (record) => {
    rowsRead += 1;
    const prepared = prepareRecord(record, mapping, options);
    if (prepared.ok) contacts.push(prepared.contact);
    else rejected.push(prepared.rejected);
    if (contacts.length + rejected.length >= batchSize) flush();
  });
  flush();
  return { rowsRead };
}

/** Everything at once, for small files and tests. */
export function prepareAll(
  text: string,
  table: Pick<SourceTable, 'format' | 'delimiter' | 'headers'>,
  mapping: readonly ColumnMapping[],
  options: NormalizeOptions,
): { contacts: PreparedContact[]; rejected: RejectedRow[]; rowsRead: number } {
  const contacts: PreparedContact[] = [];
  const rejected: RejectedRow[] = [];
  const { rowsRead } = prepareContactsFile(text, table, mapping, options, (batch) => {
    contacts.push(...batch.contacts);
    rejected.push(...batch.rejected);
  });
  return { contacts, rejected, rowsRead };
}
