/** A worker thread of `hwgen explore`: evaluates points' costs on the variants it was started with. */
import { parentPort, workerData } from 'node:worker_threads';
import { type CostOutcome, type CostRequest, type CostWorkerData, costOutcome } from './cost-outcome.ts';

const data = workerData as CostWorkerData;
const port = parentPort;
if (port === null) throw new Error('cost-worker.ts runs only as a worker thread');

port.on('message', (request: CostRequest) => {
  const layers = data.variants[request.variant];
  const outcome: CostOutcome = layers === undefined ? { kind: 'error', message: `no workload variant ${request.variant}` } : costOutcome(request.config, layers, data.energyTable);
  port.postMessage(outcome);
});
