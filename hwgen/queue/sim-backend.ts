/**
 * `hwgen sim --queue` (and the RTL sample of `hwgen eval --queue`): every layer's simulation a `sim-layer` job for
 * `hwgen worker`s, the rest as a local run does it. Layers are lowered here, in the order and with the inputs of
 * simulateWorkload (hwgen/flows/simulate.ts): a layer that takes the previous layer's output waits for that layer's
 * RTL output (the host chains layers), layers with their own input go out at once. The folder is written as
 * writeSim (hwgen/flows/write-sim.ts) writes it: `<layer>.y.npy`, result.json, byte for byte the local run's.
 */
import type { Accelerator } from '../config/load-config.ts';
import type { EventCounts } from '../arch/events.ts';
import { passOn } from '../flows/golden.ts';
import type { LayerSimResult } from '../flows/simulate.ts';
import { type SimRun, writeLayersIntoDir } from '../flows/write-sim.ts';
import type { PolicyName } from '../schedule/types.ts';
import type { SimulatorName } from '../../sim/types.ts';
import { writeDirAtomically } from '../util/atomic-dir.ts';
import { type Progress, silentProgress } from '../util/progress.ts';
import { outputTensorOrder } from '../workload/batch.ts';
import { lowerToGemm } from '../workload/lower.ts';
import type { ResolvedLayer, ResolvedWorkload } from '../workload/resolve.ts';
import { codeFingerprint } from './code-fingerprint.ts';
import type { JobClient } from './job-client.ts';
import { simLayerJobKey } from './job-key.ts';
import { decodeLayerResult } from './sim-layer-job.ts';
import { limiter } from './limiter.ts';
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

interface LayerRun {
  readonly result: LayerSimResult;
  readonly passed: Uint8Array | undefined;
}

/** simulateWorkload's results, in layer order, each layer simulated by a worker. */
export async function* queuedSimulateWorkload(client: JobClient, accelerator: Accelerator, workload: ResolvedWorkload, options: QueuedSimOptions): AsyncGenerator<LayerSimResult> {
  const progress = options.progress ?? silentProgress;
  const code = await codeFingerprint();
  const slot = limiter(LAYERS_IN_FLIGHT);
  const parts = { simulator: options.simulator, policy: options.policy, seed: options.seed, energyTable: options.energyTable };
  const simulate = (layer: ResolvedLayer, input: () => Uint8Array): Promise<LayerRun> =>
    slot(async () => {
      const stored = encodeStored(lowerToGemm(layer, input()));
      const { M, K, N } = layer.gemm;
      const done = progress.start(`layer ${layer.index + 1}/${workload.layers.length} ${layer.spec.name} (M=${M} K=${K} N=${N}) on ${options.simulator}`);
      await client.storeWorkload(stored);
      const key = simLayerJobKey(accelerator.hash, stored.hash, parts, code);
      const reply = await client.run(key, {
        kind: 'sim-layer', config: accelerator.config, layer: stored.hash, index: layer.index,
        simulator: options.simulator, policy: options.policy, seed: options.seed, energyTable: options.energyTable ?? null, code,
      });
      client.forgetWorkload(stored.hash);
      const result = decodeLayerResult(reply);
      done(`${result.cycles} cycles (predicted ${result.predictedCycles}), ${result.tiles} tiles, ${result.problems.length === 0 ? 'checked' : `${result.problems.length} problems`}`);
      const shaped: LayerSimResult = { ...result, workDir: ON_A_WORKER, outputs: outputTensorOrder(layer, result.outputs), name: layer.spec.name, outputShape: layer.outputShape };
      return { result: shaped, passed: passOn(layer, result.outputs) };
    });
  const runs: Promise<LayerRun>[] = [];
  for (const layer of workload.layers) {
    const own = layer.input;
    const before = runs.at(-1);
    if (own !== undefined) runs.push(simulate(layer, () => own().data));
    else runs.push((async () => {
      const passed = (await before)?.passed;
      if (passed === undefined) throw new Error(`${layer.field} has no input: resolveWorkload lets no such layer through`);
      return simulate(layer, () => passed);
    })());
  }
  // A failed layer is raised in its turn; the ones running beside it are not left unobserved.
  for (const run of runs) run.catch(() => undefined);
  for (const run of runs) yield (await run).result;
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
