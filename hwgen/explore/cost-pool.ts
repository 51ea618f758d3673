/**
 * Evaluates points' costs, one per core: `jobs` worker threads (cost-worker.mjs), each holding every workload
 * variant's layers and golden outputs, sent once when it starts. One job runs in this thread instead: no
 * workers to start, and the same code path (costOutcome).
 */
import { Worker } from 'node:worker_threads';
import type { AcceleratorConfig } from '../config/schema.ts';
import { type CostOutcome, type CostRequest, type CostWorkerData, costOutcome } from './cost-outcome.ts';

export interface CostEvaluator {
  evaluate(config: AcceleratorConfig, variant: number): Promise<CostOutcome>;
  close(): Promise<void>;
}

/** Yields to the event loop first, so that yosys and simulator runs started meanwhile keep going. */
export function inThreadEvaluator(data: CostWorkerData): CostEvaluator {
  return {
    async evaluate(config, variant) {
      await new Promise((resolve) => setImmediate(resolve));
      const layers = data.variants[variant];
      if (layers === undefined) throw new Error(`no workload variant ${variant}`);
      return costOutcome(config, layers, data.energyTable);
    },
    close: async () => undefined,
  };
}

interface Waiting {
  readonly request: CostRequest;
  readonly resolve: (outcome: CostOutcome) => void;
  readonly reject: (error: Error) => void;
}

class WorkerPool implements CostEvaluator {
  private readonly idle: Worker[] = [];
  private readonly queue: Waiting[] = [];
  private readonly running = new Map<Worker, Waiting>();
  private failure: Error | undefined;

  constructor(data: CostWorkerData, jobs: number) {
    for (let i = 0; i < jobs; i++) this.idle.push(this.started(data));
  }

  private started(data: CostWorkerData): Worker {
    const worker = new Worker(new URL('./cost-worker.mjs', import.meta.url), { workerData: data });
    worker.on('message', (outcome: CostOutcome) => this.finished(worker, outcome));
    worker.on('error', (error) => this.failed(worker, error));
    worker.on('exit', (code) => {
      if (this.failure === undefined && code !== 0) this.failed(worker, new Error(`cost worker exited with code ${code}`));
    });
    return worker;
  }

  private finished(worker: Worker, outcome: CostOutcome): void {
    const waiting = this.running.get(worker);
    this.running.delete(worker);
    this.idle.push(worker);
    waiting?.resolve(outcome);
    this.dispatch();
  }

  /** A crashed worker fails its job and every later one: the explorer stops with the error. */
  private failed(worker: Worker, error: Error): void {
    this.failure ??= error;
    this.running.get(worker)?.reject(error);
    this.running.delete(worker);
    for (const waiting of this.queue.splice(0)) waiting.reject(error);
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop() as Worker;
      const waiting = this.queue.shift() as Waiting;
      this.running.set(worker, waiting);
      worker.postMessage(waiting.request);
    }
  }

  evaluate(config: AcceleratorConfig, variant: number): Promise<CostOutcome> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.queue.push({ request: { config, variant }, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.failure ??= new Error('cost workers closed');
    const workers = [...this.idle, ...this.running.keys()];
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}

export function costEvaluator(data: CostWorkerData, jobs: number): CostEvaluator {
  return jobs <= 1 ? inThreadEvaluator(data) : new WorkerPool(data, jobs);
}
