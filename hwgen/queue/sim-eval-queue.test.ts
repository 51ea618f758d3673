/**
 * `hwgen sim --queue` and `hwgen eval --queue` with two `hwgen worker` processes on a real redis-server: the folders
 * are the local run's byte for byte. The sim workload has two chained layers and one with its own input (which goes
 * out beside the first); asked again, every layer is answered from Redis without a worker starting a job. The evals
 * are the hand-made tiny network (four images in four shards, all four through the RTL as sim-layer jobs) and the
 * reference fashion-MNIST network's 500 images in five shards. `--queue` with `--trace` is refused.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runCli, tempWorkspace } from '../cli/cli-harness.ts';
import { type TinyWorkspace, tinyWorkspace } from '../eval/test-fixtures.ts';
import { waitUntil } from '../testing/process-groups.ts';
import { type RedisServer, redisServerInstalled, startRedisServer } from '../testing/redis-server.ts';

const HWGEN = fileURLToPath(new URL('../cli/hwgen.mjs', import.meta.url));
const MODELS = join(import.meta.dirname, '..', '..', 'examples', 'models');
const NO_REDIS = !redisServerInstalled();

const DESIGN = {
  name: 'tiny_design',
  ann: { arrays: 1, rows: 2, cols: 2 },
  snn: { cores: 1, lanes: 2 },
  limits: { maxK: 16, maxM: 8, maxInLevels: 15, maxBiasAbs: 1024, maxTheta: 1024 },
  buffers: { weightBytes: 64, activationBytes: 64, outputBytes: 64, scheduleEntries: 16, drainBytes: 1 },
};
const THREE_LAYERS = {
  name: 'three',
  layers: [
    { name: 'fc1', kind: 'gemm', T: 3, inLevels: 3, input: { synthetic: { shape: [8, 6], density: 0.6, pattern: 'clustered', seed: 1 } }, weights: { synthetic: { shape: [4, 8], seed: 2 } }, theta: 40 },
    { name: 'fc2', kind: 'gemm', T: 3, weights: { synthetic: { shape: [3, 4], seed: 3 } }, theta: 30 },
    { name: 'fc3', kind: 'gemm', T: 3, inLevels: 3, input: { synthetic: { shape: [8, 4], density: 0.5, seed: 4 } }, weights: { synthetic: { shape: [4, 8], seed: 5 } }, theta: 20 },
  ],
};

let dir = '';
let redis: RedisServer | undefined;
let tiny: TinyWorkspace | undefined;
const workers: WorkerProcess[] = [];
const at = (name: string) => join(dir, name);
const queueUrl = () => `redis://127.0.0.1:${redis?.port ?? 0}/4`;

/** A `hwgen worker` child process and the lines it wrote on stderr. */
class WorkerProcess {
  readonly lines: string[] = [];
  private readonly child: ChildProcess;
  private readonly exited: Promise<number | null>;

  constructor() {
    this.child = spawn(process.execPath, [HWGEN, 'worker', '--queue', queueUrl()], { env: { ...process.env, TMPDIR: at('tmp') }, stdio: ['ignore', 'ignore', 'pipe'] });
    let partial = '';
    this.child.stderr?.on('data', (chunk: Buffer) => {
      const complete = (partial + chunk.toString()).split('\n');
      partial = complete.pop() ?? '';
      this.lines.push(...complete);
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  async ready(): Promise<void> {
    await waitUntil(() => this.lines.some((line) => line.startsWith('[worker] taking jobs from ')), 60_000);
  }

  startedJobs(): string[] {
    return this.lines.flatMap((line) => /^\[worker\] (\S+) started$/.exec(line)?.[1] ?? []);
  }

  stop(): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    return this.exited;
  }
}

const startedJobs = () => workers.flatMap((worker) => worker.startedJobs());

/** Every file of a folder (the output marker included) with its bytes. */
async function folder(path: string): Promise<Record<string, string>> {
  const names = (await readdir(path)).sort();
  return Object.fromEntries(await Promise.all(names.map(async (name) => [name, (await readFile(join(path, name))).toString('base64')] as const)));
}

beforeAll(async () => {
  dir = await tempWorkspace('hwgen-sim-eval-queue-');
  await mkdir(at('tmp'));
  await writeFile(at('design.yaml'), stringify(DESIGN));
  await writeFile(at('three.yaml'), stringify(THREE_LAYERS));
  tiny = await tinyWorkspace();
  if (NO_REDIS) return;
  redis = await startRedisServer();
  workers.push(new WorkerProcess(), new WorkerProcess());
  await Promise.all(workers.map((worker) => worker.ready()));
}, 90_000);

afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop()));
  await redis?.stop();
});

describe.skipIf(NO_REDIS)('hwgen sim --queue and hwgen eval --queue (redis-server is not installed: make test installs it)', () => {
  it('simulates every layer as a job: result.json and the outputs are the local run\'s bytes, and a second run is answered from Redis', async () => {
    const sim = (out: string, ...options: string[]) => runCli('sim', at('design.yaml'), at('three.yaml'), '--simulator', 'icarus', '-q', '--out', at(out), ...options);
    const local = await sim('sim-local');
    expect([local.code, local.stderr]).toEqual([0, '']);
    const queued = await sim('sim-queued', '--queue', queueUrl());
    expect([queued.code, queued.stderr]).toEqual([0, '']);
    expect(queued.stdout).toBe(local.stdout.replace(at('sim-local'), at('sim-queued')));
    const files = await folder(at('sim-local'));
    expect(Object.keys(files)).toEqual(['.hwgen-output', 'fc1.y.npy', 'fc2.y.npy', 'fc3.y.npy', 'result.json']);
    expect(await folder(at('sim-queued'))).toEqual(files);
    await waitUntil(() => startedJobs().length >= 3, 10_000);
    const jobs = startedJobs();
    expect(jobs.filter((id) => id.startsWith('sim-layer-'))).toHaveLength(3);
    expect(new Set(jobs).size).toBe(3);
    // Content-addressed: the same layers again are three finished jobs already in Redis.
    const again = await sim('sim-again', '--queue', queueUrl());
    expect([again.code, again.stderr]).toEqual([0, '']);
    expect(await folder(at('sim-again'))).toEqual(files);
    expect(startedJobs()).toEqual(jobs);
  }, 60_000);

  it('refuses --queue with --trace in one line, exit 2, writing nothing', async () => {
    const run = await runCli('sim', at('design.yaml'), at('three.yaml'), '--simulator', 'icarus', '-q', '--out', at('traced'), '--trace', 'vcd', '--queue', queueUrl());
    expect([run.code, run.stderr, run.stdout]).toEqual([2, 'hwgen: --trace: waveforms are written only by a local run: drop --queue or --trace\n', '']);
    expect(existsSync(at('traced'))).toBe(false);
  });

  it('evaluates the tiny network in four shards with its RTL sample as sim-layer jobs: eval.json and classes.npy are the local run\'s bytes', async () => {
    const before = new Set(startedJobs());
    const files = tiny as TinyWorkspace;
    const evaluate = (out: string, ...options: string[]) =>
      runCli('eval', files.manifest, '--images', files.images, '--labels', files.labels, '--config', at('design.yaml'), '--rtl', '4', '--cost-images', '4', '--simulator', 'icarus', '--jobs', '1', '-q', '--out', at(out), ...options);
    const local = await evaluate('tiny-local');
    expect([local.code, local.stderr]).toEqual([0, '']);
    const queued = await evaluate('tiny-queued', '--queue', queueUrl(), '--shard-images', '1');
    expect([queued.code, queued.stderr]).toEqual([0, '']);
    expect(queued.stdout).toBe(local.stdout.replace(at('tiny-local'), at('tiny-queued')));
    expect(await folder(at('tiny-queued'))).toEqual(await folder(at('tiny-local')));
    const newJobs = () => startedJobs().filter((id) => !before.has(id));
    await waitUntil(() => newJobs().length >= 6, 10_000);
    const kinds = newJobs().map((id) => id.replace(/-[0-9a-f]{40}$/, '')).sort();
    expect(kinds).toEqual(['eval-shard', 'eval-shard', 'eval-shard', 'eval-shard', 'sim-layer', 'sim-layer']);
  }, 60_000);

  it('classifies the reference network\'s 500 images in five shards: eval.json and classes.npy are the local run\'s bytes', async () => {
    const evaluate = (out: string, ...options: string[]) =>
      runCli('eval', join(MODELS, 'qcfs_fmnist_t4.onnx'), '--images', join(MODELS, 'test_images_500.npy'), '--labels', join(MODELS, 'test_labels_500.npy'), '--cost-images', '2', '--jobs', '1', '-q', '--out', at(out), ...options);
    const local = await evaluate('fmnist-local');
    expect([local.code, local.stderr]).toEqual([0, '']);
    const queued = await evaluate('fmnist-queued', '--queue', queueUrl(), '--shard-images', '100');
    expect([queued.code, queued.stderr]).toEqual([0, '']);
    expect(queued.stdout).toBe(local.stdout.replace(at('fmnist-local'), at('fmnist-queued')));
    expect(await folder(at('fmnist-queued'))).toEqual(await folder(at('fmnist-local')));
    expect(local.stdout.split('\n')[0]).toBe('qcfs_fmnist_t4: top-1 accuracy 91.80 % (459 of 500 images, golden model, classified by logits)');
  }, 60_000);
});
