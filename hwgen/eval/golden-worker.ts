/** A worker thread of `hwgen eval`: runs the golden model on the batches it is sent (golden-pool.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { type GoldenBatch, goldenBatch } from './golden-batch.ts';
import type { BatchModel } from './image-batch.ts';

const model = workerData as BatchModel;
const port = parentPort;
if (port === null) throw new Error('golden-worker.ts runs only as a worker thread');

port.on('message', (batch: GoldenBatch) => {
  goldenBatch(model, batch).then(
    (outcome) => port.postMessage({ kind: 'done', outcome }),
    (error: unknown) => port.postMessage({ kind: 'error', message: error instanceof Error ? error.message : String(error) }),
  );
});
