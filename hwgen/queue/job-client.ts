/**
 * The submitting side: adds a content-addressed job (its key is the BullMQ jobId) and waits for its result. Asking
 * for a key that is already queued, running or done joins that job: BullMQ ignores an add whose id exists, and
 * waitUntilFinished answers at once for a finished job. Results are kept in Redis (completed jobs are not removed),
 * so a second exploration of the same designs costs one round trip per job. A failure is reported to everyone
 * waiting then; a later submission of a failed key runs it again (failures are not cached, results are).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Job, Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { checkReachable, plainClient, redisOptions } from './connection.ts';
import { submitterError } from './job-failure.ts';
import { type JobData, type JobResult, type JobResults, QUEUE_NAME, storedValueOf } from './jobs.ts';
import type { JobKind } from './job-key.ts';
import type { RedisAddress } from './queue-url.ts';
import { type StoredWorkload, storeWorkload } from './workload-store.ts';

/** One retry for an unexpected error (a worker's machine out of memory); hwgen's own errors are never retried. */
const ATTEMPTS = 2;
const BACKOFF_MS = 1_000;
/** How often a waiting submitter looks at its job directly, beside the events (watch). */
const WATCH_MS = 10_000;

export class JobClient {
  private readonly workloads = new Map<string, StoredWorkload>();

  private constructor(
    private readonly queue: Queue<JobData, JobResult, JobKind>,
    private readonly events: QueueEvents,
    private readonly store: Redis,
  ) {}

  /** Checks that Redis answers (bounded; `--queue: …` otherwise), then opens the queue and its event stream. */
  static async open(address: RedisAddress): Promise<JobClient> {
    await checkReachable(address);
    const connection = redisOptions(address);
    const queue = new Queue<JobData, JobResult, JobKind>(QUEUE_NAME, { connection: { ...connection } });
    const events = new QueueEvents(QUEUE_NAME, { connection: { ...connection } });
    // One listener per job in flight: an exploration waits on hundreds at once.
    events.setMaxListeners(0);
    // ioredis reconnects by itself, and the waits resume when Redis is back (a restart must not end a long
    // exploration); without a listener the event would end the process with a stack trace instead.
    queue.on('error', () => undefined);
    events.on('error', () => undefined);
    await events.waitUntilReady();
    return new JobClient(queue, events, plainClient(address));
  }

  /** Stores a cost job's workload (or a value another job names); kept here too, to store again if Redis loses it (watch). */
  async storeWorkload(workload: StoredWorkload): Promise<void> {
    this.workloads.set(workload.hash, workload);
    await storeWorkload(this.store, workload);
  }

  /** No job of this submitter needs the value any more (its job is done): it is not kept here. */
  forgetWorkload(hash: string): void {
    this.workloads.delete(hash);
  }

  private add(key: string, data: JobData): Promise<Job<JobData, JobResult, JobKind>> {
    return this.queue.add(data.kind, data, { jobId: key, attempts: ATTEMPTS, backoff: { type: 'fixed', delay: BACKOFF_MS } });
  }

  /** The job's result, computed by a worker or found in Redis; rejects with the worker's error, rebuilt. */
  async run<K extends keyof JobResults>(key: string, data: JobData & { readonly kind: K }): Promise<JobResults[K]> {
    const job = await this.add(key, data);
    await retryIfFailedBefore(job);
    const stop = new AbortController();
    // The event is the fast path; the watch covers what events cannot (see watch). Whichever loses may still settle
    // later, when the client closes: its outcome is nobody's business then.
    const finished = job.waitUntilFinished(this.events) as Promise<JobResults[K]>;
    const watched = this.watch(key, data, stop.signal) as Promise<JobResults[K]>;
    finished.catch(() => undefined);
    watched.catch(() => undefined);
    try {
      return await Promise.race([finished, watched]);
    } catch (error) {
      throw submitterError(key, error instanceof Error ? error.message : String(error));
    } finally {
      stop.abort();
    }
  }

  /**
   * Looks at the job every WATCH_MS: a job that finished while this client's event stream was down (Redis restarted)
   * is answered from its state, and one that vanished with a Redis that kept nothing is added again, so the
   * exploration resumes instead of waiting forever. Settles only then; stops when `signal` aborts.
   */
  private async watch(key: string, data: JobData, signal: AbortSignal): Promise<JobResult> {
    for (;;) {
      await sleep(WATCH_MS, undefined, { signal }).catch(() => undefined);
      if (signal.aborted) return new Promise<never>(() => undefined);
      const job = await Job.fromId<JobData, JobResult, JobKind>(this.queue, key);
      if (job === undefined) {
        for (const hash of storedValueOf(data)) {
          const workload = this.workloads.get(hash);
          if (workload !== undefined) await storeWorkload(this.store, workload);
        }
        await this.add(key, data);
        continue;
      }
      const state = await job.getState();
      if (state === 'completed') return job.returnvalue;
      if (state === 'failed') throw new Error(job.failedReason);
    }
  }

  /** Workers connected now: with none the jobs wait, and the explorer says so rather than seeming to hang. */
  workers(): Promise<number> {
    return this.queue.getWorkersCount();
  }

  async close(): Promise<void> {
    this.store.disconnect();
    await Promise.all([this.events.close(), this.queue.close()]);
  }
}

/** A key that failed in an earlier run is run again rather than reported from the old failure. */
async function retryIfFailedBefore(job: Job<JobData, JobResult, JobKind>): Promise<void> {
  if ((await job.getState()) !== 'failed') return;
  try {
    await job.retry('failed');
  } catch {
    // Another submitter retried it first: it is waiting or running again, which is all this needed.
  }
}
