/**
 * A `sim-layer` job: one layer's RTL simulation, exactly as a local `hwgen sim` runs it (simulateGemm of
 * hwgen/flows/simulate.ts), in a scratch folder of the worker that is removed afterwards. The layer's lowered GEMM
 * (its input being the previous layer's RTL output, which the submitter chains) is stored in Redis under its hash;
 * the result is the layer's figures, problems and RTL outputs, in typed JSON so that the outputs come back as the
 * same Uint8Array or Int32Array. Waveforms are not part of it (`--queue` refuses `--trace`).
 */
import { acceleratorFrom } from '../config/load-config.ts';
import type { AcceleratorConfig } from '../config/schema.ts';
import type { EventCounts } from '../arch/events.ts';
import { InputError } from '../errors.ts';
import { type LayerSimResult, simulateGemm } from '../flows/simulate.ts';
import { POLICIES, type PolicyName } from '../schedule/types.ts';
import type { SimulatorName } from '../../sim/types.ts';
import { SIMULATORS } from '../../sim/registry.ts';
import { withScratchDir } from '../util/scratch-dir.ts';
import type { GemmLayer } from '../workload/gemm-layer.ts';
import { decodeTypedJson, encodeTypedJson } from './typed-json.ts';

export interface SimLayerJobData {
  readonly kind: 'sim-layer';
  readonly config: AcceleratorConfig;
  /** The lowered GEMM's hash in Redis (workload-store.ts: encodeStored). */
  readonly layer: string;
  /** The layer's index in its workload: names the worker's scratch folder only. */
  readonly index: number;
  readonly simulator: SimulatorName;
  readonly policy: PolicyName;
  readonly seed: number;
  readonly energyTable: Readonly<EventCounts> | null;
  readonly code?: string;
}

/** What a worker sends back: a layer's result without what only makes sense on its machine (scratch paths, waveforms). */
export type QueuedLayerResult = Omit<LayerSimResult, 'outputShape' | 'workDir' | 'waveform' | 'waveCheck'>;

/** The result as BullMQ keeps it: typed JSON text (the outputs are a typed array). */
export interface SimLayerJobResult {
  readonly typedJson: string;
}

export function decodeLayerResult(result: SimLayerJobResult): QueuedLayerResult {
  return decodeTypedJson(result.typedJson) as QueuedLayerResult;
}

function checkChoice<T extends string>(value: T, choices: readonly string[], field: string): void {
  if (!choices.includes(value)) throw new InputError('sim-layer job', field, `expected one of ${choices.join(', ')} (got ${JSON.stringify(value)})`);
}

export async function runSimLayer(data: SimLayerJobData, gemmOf: (hash: string) => Promise<GemmLayer>): Promise<SimLayerJobResult> {
  checkChoice(data.simulator, SIMULATORS, 'simulator');
  checkChoice(data.policy, POLICIES, 'policy');
  const accelerator = acceleratorFrom(data.config, 'sim-layer job');
  const gemm = await gemmOf(data.layer);
  return withScratchDir('hwgen-sim-layer-', async (workDir) => {
    const run = await simulateGemm(accelerator, gemm, data.index, { policy: data.policy, seed: data.seed, simulator: data.simulator, trace: 'none', workDir, energyTable: data.energyTable ?? undefined });
    const result: QueuedLayerResult = {
      name: run.name, shape: run.shape, tiles: run.tiles, cycles: run.cycles, predictedCycles: run.predictedCycles,
      loadCycles: run.loadCycles, runCycles: run.runCycles, drainCycles: run.drainCycles, match: run.match,
      mismatchedLevels: run.mismatchedLevels, events: run.events, predictedEvents: run.predictedEvents, energyPj: run.energyPj,
      predictedEnergyPj: run.predictedEnergyPj, problems: run.problems, outputs: run.outputs,
    };
    return { typedJson: encodeTypedJson(result) };
  });
}
