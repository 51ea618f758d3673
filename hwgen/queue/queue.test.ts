/**
 * `hwgen explore --queue` and `hwgen worker` on a real redis-server: a queued exploration writes the local run's
 * pareto.json byte for byte and asks for each content-addressed job once; a worker killed while it holds a
 * synthesis has its job run by another worker, with the same file at the end; a Redis restarting empty under a
 * waiting explorer has its lost jobs added again; a job failing for a real reason reaches its submitter with the
 * worker's message and is not retried; a bad or unreachable --queue is exit 2.
 * The tiny space and workload of hwgen/cli/explore-command.test.ts (three designs of a few thousand cells).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Job, Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runCli, tempWorkspace } from '../cli/cli-harness.ts';
import type { AcceleratorConfig } from '../config/schema.ts';
import { InputError } from '../errors.ts';
import { processTree, waitUntil } from '../testing/process-groups.ts';
import { type RedisServer, freePort, redisServerInstalled, startRedisServer } from '../testing/redis-server.ts';
import { JobClient } from './job-client.ts';
import { QUEUE_NAME } from './jobs.ts';
import { parseQueueUrl } from './queue-url.ts';

const HWGEN = fileURLToPath(new URL('../cli/hwgen.mjs', import.meta.url));
const NO_REDIS = !redisServerInstalled();
/**
 * Short, so that a killed worker's job is handed on within seconds (the default is BullMQ's 30 s); where jobs are
 * counted, long enough that a live worker's renewal delayed by a busy machine cannot hand its job on.
 */
const SHORT_LOCK_MS = 2_000;
const COUNTING_LOCK_MS = 20_000;

const LIMITS = { maxK: 16, maxM: 8, maxInLevels: 15, maxBiasAbs: 1024, maxTheta: 1024 };
const BUFFERS = { weightBytes: 64, activationBytes: 64, outputBytes: 64, scheduleEntries: 16, drainBytes: 1 };
const TINY_SPACE = {
  name: 'tiny',
  base: { name: 'tiny', ann: { rows: 2, cols: 2 }, snn: { lanes: 2 }, limits: LIMITS, buffers: BUFFERS },
  sweep: { ann: { arrays: [0, 1] }, snn: { cores: [0, 1] }, T: [3] },
  isoArea: { budgets: [100, 1_000_000] },
};
const TINY_WORKLOAD = {
  name: 'tiny',
  layers: [
    { name: 'fc1', kind: 'gemm', T: 3, inLevels: 3, input: { synthetic: { shape: [8, 6], density: 0.6, pattern: 'clustered', seed: 1 } }, weights: { synthetic: { shape: [4, 8], seed: 2 } }, theta: 40 },
    { name: 'fc2', kind: 'gemm', T: 3, weights: { synthetic: { shape: [3, 4], seed: 3 } }, theta: 30 },
  ],
};

let dir = '';
let redis: RedisServer | undefined;
const at = (name: string) => join(dir, name);
const queueUrl = (db: number) => `redis://127.0.0.1:${redis?.port ?? 0}/${db}`;
const started: WorkerProcess[] = [];
const savedCache = process.env.HWGEN_FPGA_CACHE;

/** A `hwgen worker` child process and the lines it wrote on stderr. */
class WorkerProcess {
  readonly lines: string[] = [];
  private readonly child: ChildProcess;
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(db: number, cache: string, concurrency: number, lockMs: number, url = queueUrl(db)) {
    this.child = spawn(process.execPath, [HWGEN, 'worker', '--queue', url, '--lock-ms', String(lockMs), '--concurrency', String(concurrency)], {
      // TMPDIR: the scratch folder of a worker killed with SIGKILL (which cannot clean up) stays in the workspace.
      env: { ...process.env, HWGEN_FPGA_CACHE: cache, TMPDIR: at('tmp') },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let partial = '';
    this.child.stderr?.on('data', (chunk: Buffer) => {
      const text = partial + chunk.toString();
      const complete = text.split('\n');
      partial = complete.pop() ?? '';
      this.lines.push(...complete);
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
    started.push(this);
  }

  async waitFor(pattern: RegExp, limitMs = 60_000): Promise<RegExpExecArray> {
    await waitUntil(() => this.lines.some((line) => pattern.test(line)), limitMs);
    const found = this.lines.map((line) => pattern.exec(line)).find((match) => match !== null);
    if (found === undefined || found === null) throw new Error(`worker never wrote ${pattern}; it wrote:\n${this.lines.join('\n')}`);
    return found;
  }

  ready(): Promise<RegExpExecArray> {
    return this.waitFor(/^\[worker\] taking jobs from /);
  }

  /** The ids of the jobs it started, in order. */
  startedJobs(): string[] {
    return this.lines.flatMap((line) => /^\[worker\] (\S+) started$/.exec(line)?.[1] ?? []);
  }

  async stop(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }

  /** As if its machine died: the worker and everything it started (yosys) killed at once, nothing cleaned up. */
  async killHard(): Promise<void> {
    const pid = this.child.pid;
    if (pid !== undefined) {
      for (const row of processTree(pid)) {
        try {
          process.kill(row.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    await this.exited;
  }
}

beforeAll(async () => {
  dir = await tempWorkspace('hwgen-queue-');
  await writeFile(at('space.yaml'), stringify(TINY_SPACE));
  await writeFile(at('tiny.yaml'), stringify(TINY_WORKLOAD));
  await mkdir(at('cache-local'));
  await mkdir(at('cache-fresh'));
  await mkdir(at('tmp'));
  if (!NO_REDIS) redis = await startRedisServer();
});

afterAll(async () => {
  await Promise.all(started.map((worker) => worker.killHard()));
  await redis?.stop();
  if (savedCache === undefined) delete process.env.HWGEN_FPGA_CACHE;
  else process.env.HWGEN_FPGA_CACHE = savedCache;
});

async function waitUntilAsync(condition: () => Promise<boolean>, limitMs = 60_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function explore(out: string, ...options: string[]): Promise<string> {
  const run = await runCli('explore', at('space.yaml'), at('tiny.yaml'), '--out', at(out), '--no-verify', '-q', ...options);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return readFile(join(at(out), 'pareto.json'), 'utf8');
}

describe.skipIf(NO_REDIS)('hwgen explore --queue and hwgen worker (redis-server is not installed: make test installs it)', () => {
  let local = '';
  /** The worker left on database 1 by the kill test, which the failing job goes to. */
  let database1Worker: WorkerProcess | undefined;

  it('gives the local run\'s pareto.json byte for byte with two workers, each job computed once, and a second run from Redis', async () => {
    // The local run synthesises into its own cache, which the first two workers then share, as on a shared disk.
    process.env.HWGEN_FPGA_CACHE = at('cache-local');
    local = await explore('local');
    const workers = [new WorkerProcess(0, at('cache-local'), 1, COUNTING_LOCK_MS), new WorkerProcess(0, at('cache-local'), 1, COUNTING_LOCK_MS)];
    await Promise.all(workers.map((worker) => worker.ready()));
    expect(await explore('queued', '--queue', queueUrl(0))).toBe(local);
    const jobs = workers.flatMap((worker) => worker.startedJobs());
    // Three points' costs and three designs' areas, each once whichever worker took it.
    expect(jobs.filter((id) => id.startsWith('cost-'))).toHaveLength(3);
    expect(jobs.filter((id) => id.startsWith('synth-'))).toHaveLength(3);
    expect(new Set(jobs).size).toBe(6);
    // Another submitter of the same jobs finds their results in Redis: no worker runs anything.
    expect(await explore('again', '--queue', queueUrl(0))).toBe(local);
    expect(workers.flatMap((worker) => worker.startedJobs())).toEqual(jobs);
    // SIGTERM and SIGINT end a worker as they end every hwgen command.
    expect(await workers[0]!.stop('SIGTERM')).toEqual({ code: 143, signal: null });
    expect(await workers[1]!.stop('SIGINT')).toEqual({ code: 130, signal: null });
  }, 120_000);

  it('finishes with the same pareto.json when a worker is killed while it synthesises', async () => {
    // Database 1 holds none of the results above, and the empty cache makes the syntheses real.
    const doomed = new WorkerProcess(1, at('cache-fresh'), 1, SHORT_LOCK_MS);
    await doomed.ready();
    const run = explore('survived', '--queue', queueUrl(1));
    const [, held] = await doomed.waitFor(/^\[worker\] (synth-\S+) started$/);
    await doomed.killHard();
    const rescuer = new WorkerProcess(1, at('cache-fresh'), 2, SHORT_LOCK_MS);
    database1Worker = rescuer;
    expect(await run).toBe(local);
    expect(rescuer.startedJobs()).toContain(held);
    await rescuer.waitFor(new RegExp(`^\\[worker\\] ${held} done in `));
    expect(doomed.lines.some((line) => line.startsWith(`[worker] ${held} done`))).toBe(false);
  }, 120_000);

  it('resumes when Redis restarts empty while the explorer waits: the lost jobs are added again', async () => {
    let restartable = await startRedisServer();
    const url = `redis://127.0.0.1:${restartable.port}`;
    const lookAt = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: restartable.port, maxRetriesPerRequest: null } });
    lookAt.on('error', () => undefined);
    try {
      // No worker yet: the three cost jobs wait in Redis, and go with it.
      const run = explore('restarted', '--queue', url);
      await waitUntilAsync(async () => (await lookAt.getWaitingCount()) === 3);
      await restartable.stop();
      restartable = await startRedisServer(restartable.port);
      const worker = new WorkerProcess(0, at('cache-local'), 1, COUNTING_LOCK_MS, url);
      expect(await run).toBe(local);
      expect(worker.startedJobs().filter((id) => id.startsWith('cost-'))).toHaveLength(3);
      expect(await worker.stop('SIGTERM')).toEqual({ code: 143, signal: null });
    } finally {
      await lookAt.close();
      await restartable.stop();
    }
  }, 90_000);

  it('reports a job that fails for a real reason to its submitter with the worker\'s message, and does not retry it', async () => {
    const client = await JobClient.open(parseQueueUrl(queueUrl(1)));
    const key = 'synth-no-core';
    const message = 'synth job: ann.arrays: a design needs at least one ANN array or SNN core';
    try {
      // No core at all: the worker's acceleratorFrom refuses the design with an InputError.
      const config = { ...TINY_SPACE.base, ann: { arrays: 0 }, snn: { cores: 0 } } as unknown as AcceleratorConfig;
      const failure = await client.run(key, { kind: 'synth', config }).then(() => undefined, (error: unknown) => error);
      expect(failure).toBeInstanceOf(InputError);
      expect((failure as Error).message).toBe(`queued job ${key}: ${message}`);
    } finally {
      await client.close();
    }
    const queue = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: redis?.port ?? 0, db: 1 } });
    try {
      const job = await Job.fromId(queue, key);
      expect([await job?.getState(), job?.attemptsMade, job?.failedReason]).toEqual(['failed', 1, `[InputError] ${message}`]);
    } finally {
      await queue.close();
    }
    const rescuer = database1Worker;
    expect(rescuer).toBeDefined();
    expect(rescuer?.lines.filter((line) => line.startsWith(`[worker] ${key} `))).toEqual([`[worker] ${key} started`, `[worker] ${key} failed: ${message}`]);
  }, 60_000);

  it('exits 2 with one line for a bad or unreachable --queue, before any work', async () => {
    const closed = await freePort();
    const cases: [string, string][] = [
      ['localhost:6379', 'hwgen: --queue: expected redis://HOST:PORT or rediss://HOST:PORT (got "localhost:6379")\n'],
      ['redis://127.0.0.1:6379/99', 'hwgen: --queue: the path must be a database number 0..15 (got "redis://127.0.0.1:6379/99")\n'],
      [`redis://127.0.0.1:${closed}`, `hwgen: --queue: cannot reach Redis at redis://127.0.0.1:${closed}: connect ECONNREFUSED 127.0.0.1:${closed}\n`],
    ];
    for (const [url, line] of cases) {
      const run = await runCli('explore', at('space.yaml'), at('tiny.yaml'), '--out', at('refused'), '--no-verify', '-q', '--queue', url);
      expect([run.code, run.stderr, run.stdout]).toEqual([2, line, '']);
      const worker = await runCli('worker', '--queue', url);
      expect([worker.code, worker.stderr]).toEqual([2, line]);
    }
  }, 60_000);
});
