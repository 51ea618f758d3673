/**
 * The kinds of job and what each computes. A job's data is JSON (BullMQ stores it as such) and so is its result
 * (BullMQ's returnvalue), the same figures a local exploration computes:
 *
 * - `synth`: a design's area, what hwgen/explore/area.ts's synthesizedArea returns (yosys through the worker's
 *   synthesis cache, HWGEN_FPGA_CACHE);
 * - `cost`: a point's cost evaluation as the explorer's cost pool does it (costOutcome: figures, or a skip);
 * - `sim-layer`: one layer of `hwgen sim --queue` (or of `hwgen eval --queue`'s RTL sample) on a simulator
 *   (sim-layer-job.ts: simulateGemm, as a local run);
 * - `eval-shard`: some images of `hwgen eval --queue` through the golden model (eval-shard-job.ts: classes and
 *   activation tallies, as a local run's batches).
 */
import { acceleratorFrom } from '../config/load-config.ts';
import { InputError } from '../errors.ts';
import type { AcceleratorConfig } from '../config/schema.ts';
import { type MeasuredArea, synthesizedArea } from '../explore/area.ts';
import { type CostOutcome, costOutcome } from '../explore/cost-outcome.ts';
import type { GemmLayer } from '../workload/gemm-layer.ts';
import { type EvalShardJobData, type EvalShardJobResult, type ModelBundle, runEvalShard } from './eval-shard-job.ts';
import { type SimLayerJobData, type SimLayerJobResult, runSimLayer } from './sim-layer-job.ts';
import type { CostWorkload } from './workload-store.ts';

export interface SynthJobData {
  readonly kind: 'synth';
  readonly config: AcceleratorConfig;
  /** The submitter's code fingerprint (code-fingerprint.ts), which its key holds; absent from hand-made jobs. */
  readonly code?: string;
}

export interface CostJobData {
  readonly kind: 'cost';
  readonly config: AcceleratorConfig;
  /** The workload's hash in Redis (workload-store.ts). */
  readonly workload: string;
  readonly code?: string;
}

export type { EvalShardJobData, SimLayerJobData };

export type JobData = SynthJobData | CostJobData | SimLayerJobData | EvalShardJobData;

export interface JobResults {
  readonly synth: MeasuredArea;
  readonly cost: CostOutcome;
  readonly 'sim-layer': SimLayerJobResult;
  readonly 'eval-shard': EvalShardJobResult;
}

/** The values jobs name by hash in Redis (workload-store.ts), fetched by a worker once and kept for a while. */
export interface JobStores {
  readonly workloadOf: (hash: string) => Promise<CostWorkload>;
  readonly gemmOf: (hash: string) => Promise<GemmLayer>;
  readonly modelOf: (hash: string) => Promise<ModelBundle>;
  readonly pixelsOf: (hash: string) => Promise<Uint8Array>;
}

/** The hash of the value a job names in Redis, which a submitter stores again if Redis lost it. */
export function storedValueOf(data: JobData): string[] {
  switch (data.kind) {
    case 'cost':
      return [data.workload];
    case 'sim-layer':
      return [data.layer];
    case 'eval-shard':
      return [data.model, data.pixels];
    default:
      return [];
  }
}

export type JobResult = JobResults[keyof JobResults];

/** The BullMQ queue's name; `--queue`'s database number separates independent sets of queues on one server. */
export const QUEUE_NAME = 'hwgen';

/**
 * Runs one job here. Bad data (a synth job's config the schema refuses, an unknown kind, a missing workload) throws
 * InputError, which fails the job for good. A cost job's config goes to costOutcome unchecked, so that a design the
 * cost model refuses is a skip exactly as in a local exploration.
 */
export async function runJob(data: JobData, stores: JobStores): Promise<JobResult> {
  switch (data.kind) {
    case 'synth':
      return synthesizedArea(acceleratorFrom(data.config, 'synth job'));
    case 'cost': {
      const workload = await stores.workloadOf(data.workload);
      return costOutcome(data.config, workload.layers, workload.energyTable);
    }
    case 'sim-layer':
      return runSimLayer(data, stores.gemmOf);
    case 'eval-shard':
      return runEvalShard(data, stores.modelOf, stores.pixelsOf);
    default:
      throw new InputError('job', 'kind', `expected synth, cost, sim-layer or eval-shard (got ${JSON.stringify((data as { kind?: unknown }).kind)})`);
  }
}
