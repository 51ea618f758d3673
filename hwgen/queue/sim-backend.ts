/**
 * `hwgen sim --queue` (and the RTL sample of `hwgen eval --queue`): every layer's simulation a `sim-layer` job for
 * `hwgen worker`s, the rest as a local run does it. Layers are lowered here, in the order and with the inputs of
 * simulateWorkload (hwgen/flows/simulate.ts): a layer that takes the previous layer's output waits for that layer's
 * RTL output (the host chains layers), layers with their own input go out at once. The folder is written as
 * writeSim (hwgen/flows/write-sim.ts) writes it: `<layer>.y.npy`, result.json, byte for byte the local run's.
 */
import type { Accelerator } from '../config/load-config.ts';
import type { EventCounts } from '../arch/events.ts';
import { type LayerSimResult, simulateLayers } from '../flows/simulate.ts';
import { type SimRun, writeLayersIntoDir } from '../flows/write-sim.ts';
import type { PolicyName } from '../schedule/types.ts';
import type { SimulatorName } from '../../sim/types.ts';
import { writeDirAtomically } from '../util/atomic-dir.ts';
import { type Progress, silentProgress } from '../util/progress.ts';
import type { GemmLayer } from '../workload/gemm-layer.ts';
import type { ResolvedLayer, ResolvedWorkload } from '../workload/resolve.ts';
import { codeFingerprint } from './code-fingerprint.ts';
import type { JobClient } from './job-client.ts';
import { simLayerJobKey } from './job-key.ts';
import { decodeLayerResult } from './sim-layer-job.ts';
import { encodeStored } from './workload-store.ts';

export interface QueuedSimOptions {
  readonly policy: PolicyName;
  readonly seed: number;
  readonly simulator: SimulatorName;
  readonly energyTable?: Readonly<EventCounts> | undefined;
  readonly progress?: Progress;
}

/** What a layer's result says about where its files are: on a worker, in a scratch folder removed after the job. */
export const ON_A_WORKER = '(on a worker, removed)';

/**
 * Layers lowered and waiting for their job at once: each holds its GEMM until stored in Redis, and then its result.
 * The workers' number and concurrency decide how many simulate at a time.
 */
const LAYERS_IN_FLIGHT = 16;

/** simulateWorkload's results, in layer order and chained the same way (simulateLayers), each layer simulated by a worker. */
export async function* queuedSimulateWorkload(client: JobClient, accelerator: Accelerator, workload: ResolvedWorkload, options: QueuedSimOptions): AsyncGenerator<LayerSimResult> {
  const code = await codeFingerprint();
  const parts = { simulator: options.simulator, policy: options.policy, seed: options.seed, energyTable: options.energyTable };
  const onAWorker = async (layer: ResolvedLayer, gemm: GemmLayer): Promise<Omit<LayerSimResult, 'outputShape'>> => {
    const stored = encodeStored(gemm);
    await client.storeWorkload(stored);
    const key = simLayerJobKey(accelerator.hash, stored.hash, parts, code);
    const reply = await client.run(key, {
      kind: 'sim-layer', config: accelerator.config, layer: stored.hash, index: layer.index,
      simulator: options.simulator, policy: options.policy, seed: options.seed, energyTable: options.energyTable ?? null, code,
    });
    client.forgetWorkload(stored.hash);
    return { ...decodeLayerResult(reply), workDir: ON_A_WORKER };
  };
  yield* simulateLayers(workload, onAWorker, { simulator: options.simulator, progress: options.progress ?? silentProgress, jobs: LAYERS_IN_FLIGHT });
}

/**
 * writeSim with the layers simulated by workers: `outDir` whole or not at all, the same files and bytes. Nothing is
 * kept on a failed check: the simulations' scratch folders were the workers', removed with their jobs.
 */
export async function writeQueuedSim(client: JobClient, accelerator: Accelerator, workload: ResolvedWorkload, outDir: string, options: QueuedSimOptions, inputs: readonly string[] = []): Promise<SimRun> {
  const result = await writeDirAtomically(outDir, { command: 'sim', inputs }, (dir) =>
    writeLayersIntoDir(accelerator, workload, dir, queuedSimulateWorkload(client, accelerator, workload, options), { ...options, trace: 'none' }),
  );
  return { result };
}
