/**
 * The working side: a BullMQ Worker that takes jobs (jobs.ts) until it is closed. A job whose worker dies (killed,
 * machine lost) keeps its lock only `lockMs`: then another worker's stalled-job check puts it back in the queue and
 * someone runs it again. A job that fails for a real reason (hwgen's own errors) fails for good and its submitter
 * gets the message (job-failure.ts).
 */
import { type Job, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { interruptSignal } from '../util/interrupts.ts';
import { codeFingerprint } from './code-fingerprint.ts';
import { plainClient, redisOptions } from './connection.ts';
import { jobFailure } from './job-failure.ts';
import { decodeModelBundle, decodePixels } from './eval-shard-job.ts';
import { type JobData, type JobResult, type JobStores, QUEUE_NAME, runJob } from './jobs.ts';
import type { RedisAddress } from './queue-url.ts';
import { storedFetcher, workloadFetcher } from './workload-store.ts';
import type { GemmLayer } from '../workload/gemm-layer.ts';

export interface JobWorkerOptions {
  /** Jobs at once in this process: syntheses run as yosys processes, so one per core this worker may use. */
  readonly concurrency: number;
  /** How long a job stays with a worker that stopped renewing its lock, before others may take it. */
  readonly lockMs: number;
  /** One line per job event (stderr). */
  readonly log: (line: string) => void;
}

/** BullMQ's default lock; also how often the stalled-job check runs. */
export const DEFAULT_LOCK_MS = 30_000;
/** A job whose worker was lost this many times fails ("stalled more than allowable limit") rather than looping. */
const MAX_STALLED = 3;

export interface JobWorker {
  /** Stops taking jobs; `force`: without waiting for the running ones (they go back to the queue when their lock expires). */
  close(force: boolean): Promise<void>;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Never settles: the job is left to its lock, which expires, and to another worker. */
function abandoned(): Promise<never> {
  return new Promise<never>(() => undefined);
}

/**
 * Says so, once per submitter's fingerprint, when a job comes from other hwgen sources than this worker's: its result
 * is then this code's, stored under the submitter's key. Not refused: a file touched anywhere in the tree would
 * otherwise stop every worker; the line tells which machine to update.
 */
function codeWarner(log: (line: string) => void): (job: Job<JobData>) => Promise<void> {
  const warned = new Set<string>();
  return async (job) => {
    const theirs = job.data.code;
    if (theirs === undefined || warned.has(theirs)) return;
    const ours = await codeFingerprint().catch(() => theirs);
    if (theirs !== ours) log(`${job.id ?? '?'}: submitted by an hwgen whose sources differ from this worker's (fingerprint ${theirs.slice(0, 12)})`);
    warned.add(theirs);
  };
}

function processor(store: Redis, log: (line: string) => void): (job: Job<JobData>) => Promise<JobResult> {
  const stores: JobStores = {
    workloadOf: workloadFetcher(store),
    // A layer is simulated once; a model serves every shard of an evaluation; pixels are a shard's own.
    gemmOf: storedFetcher(store, 'sim-layer job', 'layer', (value) => value as GemmLayer, 0),
    modelOf: storedFetcher(store, 'eval-shard job', 'model', decodeModelBundle, 2),
    pixelsOf: storedFetcher(store, 'eval-shard job', 'pixels', decodePixels, 0),
  };
  const checkCode = codeWarner(log);
  return async (job) => {
    const began = performance.now();
    log(`${job.id ?? '?'} started`);
    await checkCode(job);
    try {
      const result = await runJob(job.data, stores);
      log(`${job.id ?? '?'} done in ${((performance.now() - began) / 1000).toFixed(1)} s`);
      return result;
    } catch (error) {
      // Ctrl-C killed the job's yosys: the failure is the interrupt's, not the job's, so it must not count.
      if (interruptSignal() !== undefined) return abandoned();
      log(`${job.id ?? '?'} failed: ${messageOf(error)}`);
      throw jobFailure(error);
    }
  };
}

export function startJobWorker(address: RedisAddress, options: JobWorkerOptions): JobWorker {
  const store = plainClient(address);
  const worker = new Worker<JobData, JobResult>(QUEUE_NAME, processor(store, options.log), {
    connection: { ...redisOptions(address) },
    concurrency: options.concurrency,
    lockDuration: options.lockMs,
    stalledInterval: options.lockMs,
    maxStalledCount: MAX_STALLED,
  });
  // ioredis reconnects by itself; say so once per distinct problem rather than on every attempt.
  let lastError = '';
  worker.on('error', (error) => {
    if (error.message !== lastError) options.log(`Redis: ${error.message}`);
    lastError = error.message;
  });
  return {
    async close(force) {
      await worker.close(force);
      store.disconnect();
    },
  };
}
