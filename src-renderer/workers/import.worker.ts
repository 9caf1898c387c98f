// The import's reading half off the UI thread: parses and normalises a whole contacts file
// (100,000 rows and more) and posts the prepared rows back in batches, so the window never freezes.
import type { ColumnMapping } from '../contacts-io/mapping';
import type { NormalizeOptions } from '../contacts-io/normalize';
import { type PreparedBatch, prepareContactsFile } from '../contacts-io/prepare';
import type { SourceTable } from '../contacts-io/source';

export interface ImportWorkerRequest {
  text: string;
  table: Pick<SourceTable, 'format' | 'delimiter' | 'headers'>;
  mapping: ColumnMapping[];
  options: NormalizeOptions;
}

export type ImportWorkerMessage =
  | ({ type: 'batch' } & PreparedBatch)
  | { type: 'done'; rowsRead: number }
  | { type: 'failed'; message: string };

/** The worker global, typed without pulling the WebWorker lib into the DOM build. */
const scope = self as unknown as {
  onmessage: ((event: MessageEvent<ImportWorkerRequest>) => void) | null;
  postMessage(message: ImportWorkerMessage): void;
};

scope.onmessage = ({ data }) => {
  try {
    const { rowsRead } = prepareContactsFile(data.text, data.table, data.mapping, data.options, (batch) =>
      scope.postMessage({ type: 'batch', ...batch }),
    );
    scope.postMessage({ type: 'done', rowsRead });
  } catch (error) {
    scope.postMessage({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
};
