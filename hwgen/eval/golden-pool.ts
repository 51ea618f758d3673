/**
 * Runs golden-model batches on `jobs` worker threads (golden-worker.mjs), each taking the next batch when it is
 * free; with one job, or one batch, in this thread (no worker to start). The golden model is plain single-threaded
 * JavaScript, so the threads are what lets 10 000 images finish in well under a minute on a few cores.
 */
import { Worker } from 'node:worker_threads';
import { type GoldenBatch, type GoldenBatchOutcome, goldenBatch } from './golden-batch.ts';
import type { BatchModel } from './image-batch.ts';

/** Called as a batch starts; the function it returns is called with the batch's outcome. */
export type BatchStarted = (batch: GoldenBatch) => (outcome: GoldenBatchOutcome) => void;

/** runGoldenBatches, or what stands in for it (`hwgen eval --queue`: the batches as jobs for `hwgen worker`s). */
export type RunGoldenBatches = (model: BatchModel, batches: readonly GoldenBatch[], jobs: number, started: BatchStarted) => Promise<void>;

type WorkerReply = { kind: 'done'; outcome: GoldenBatchOutcome } | { kind: 'error'; message: string };

export async function runGoldenBatches(model: BatchModel, batches: readonly GoldenBatch[], jobs: number, started: BatchStarted): Promise<void> {
  const queue = [...batches];
  if (jobs <= 1 || batches.length <= 1) {
    for (const batch of queue) started(batch)(await goldenBatch(model, batch));
    return;
  }
  const workers = Array.from({ length: Math.min(jobs, batches.length) }, () => new Worker(new URL('./golden-worker.mjs', import.meta.url), { workerData: model }));
  try {
    await Promise.all(workers.map(async (worker) => {
      for (let batch = queue.shift(); batch !== undefined; batch = queue.shift()) started(batch)(await onWorker(worker, batch));
    }));
  } finally {
    // A failed batch leaves the other workers busy: stop them all.
    queue.length = 0;
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}

function onWorker(worker: Worker, batch: GoldenBatch): Promise<GoldenBatchOutcome> {
  return new Promise((resolve, reject) => {
    const stop = (): void => {
      worker.off('message', reply);
      worker.off('error', failed);
      worker.off('exit', exited);
    };
    const reply = (message: WorkerReply): void => {
      stop();
      if (message.kind === 'done') resolve(message.outcome);
      else reject(new Error(`golden worker: ${message.message}`));
    };
    const failed = (error: Error): void => {
      stop();
      reject(error);
    };
    const exited = (code: number): void => {
      stop();
      reject(new Error(`golden worker exited with code ${code}`));
    };
    worker.on('message', reply);
    worker.on('error', failed);
    worker.on('exit', exited);
    worker.postMessage(batch);
  });
}
