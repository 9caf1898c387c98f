// Runs the reading half of an import in the import worker and collects its batches; cancelling
// terminates the worker. Where a module worker cannot start, the same code runs here in slices.
import type { PreparedBatch } from '../../contacts-io/prepare';
import { prepareContactsFile } from '../../contacts-io/prepare';
import type { ImportWorkerMessage, ImportWorkerRequest } from '../../workers/import.worker';

export interface ReadProgress {
  rowsRead: number;
}

export function readContactsInWorker(
  request: ImportWorkerRequest,
  onBatch: (batch: PreparedBatch) => void,
  signal: AbortSignal,
): Promise<{ rowsRead: number }> {
  let worker: Worker;
  try {
    worker = new Worker(new URL('../../workers/import.worker.ts', import.meta.url), { type: 'module' });
  } catch {
    return readHere(request, onBatch, signal);
  }
  return new Promise((resolve, reject) => {
    const stop = (): void => {
      worker.terminate();
      reject(new DOMException('Import cancelled', 'AbortError'));
    };
    if (signal.aborted) return stop();
    signal.addEventListener('abort', stop, { once: true });
    worker.onmessage = ({ data }: MessageEvent<ImportWorkerMessage>) => {
      if (data.type === 'batch') onBatch(data);
      else {
        signal.removeEventListener('abort', stop);
        worker.terminate();
        if (data.type === 'done') resolve({ rowsRead: data.rowsRead });
        else reject(new Error(data.message));
      }
    };
    worker.onerror = (event) => {
      signal.removeEventListener('abort', stop);
      worker.terminate();
      reject(new Error(event.message || 'The import worker failed to start'));
    };
    worker.postMessage(request);
  });
}

/** Fallback without a worker: the window pauses while the file is read, then takes the batches in turn. */
async function readHere(
  request: ImportWorkerRequest,
  onBatch: (batch: PreparedBatch) => void,
  signal: AbortSignal,
): Promise<{ rowsRead: number }> {
  const batches: PreparedBatch[] = [];
  const result = prepareContactsFile(request.text, request.table, request.mapping, request.options, (b) =>
    batches.push(b),
  );
  for (const batch of batches) {
    if (signal.aborted) throw new DOMException('Import cancelled', 'AbortError');
    onBatch(batch);
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return result;
}
