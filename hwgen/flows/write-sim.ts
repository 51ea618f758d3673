/**
 * Writes `hwgen sim`'s output folder as the contract names it: `<layer>.y.npy` from the RTL, `result.json`
 * (per layer and in total: cycles measured and predicted, match, events and energy), and the waveforms
 * when asked (`waves/<layer>.vcd|fst`). The folder appears whole (writeDirAtomically), also when a check
 * fails: a mismatch is a result to look at, reported by `result.json` and the caller's exit code.
 */
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Accelerator } from '../config/load-config.ts';
import { addEvents, type EventCounts, zeroEvents } from '../arch/events.ts';
import { encodeNpy } from '../tensor/npy.ts';
import { tensorOf } from '../tensor/tensor.ts';
import { writeDirAtomically } from '../util/atomic-dir.ts';
import { removeOnInterrupt } from '../util/interrupts.ts';
import { prettyJson } from '../util/json.ts';
import { HWGEN_VERSION } from '../version.ts';
import type { ResolvedWorkload } from '../workload/resolve.ts';
import { type LayerSimResult, type SimOptions, simulateWorkload } from './simulate.ts';
import { waveCheckJson, writeMismatchReport } from './wave-check.ts';

export interface SimRun {
  readonly result: SimResultJson;
  /** The scratch folder of the simulations, kept when a check failed (else removed). */
  readonly workDir?: string;
}

type LayerJson = ReturnType<typeof layerJson>;

export interface SimResultJson {
  readonly generator: string;
  readonly workload: string;
  readonly design: string;
  readonly configHash: string;
  readonly simulator: string;
  readonly policy: string;
  readonly seed: number;
  readonly clockMHz: number;
  readonly layers: readonly LayerJson[];
  readonly total: {
    readonly cycles: number;
    readonly predictedCycles: number;
    readonly match: boolean;
    readonly checked: boolean;
    readonly events: EventCounts;
    readonly predictedEvents: EventCounts;
    readonly energyPj: number;
    readonly predictedEnergyPj: number;
    readonly seconds: number;
    readonly edpJs: number;
  };
}

function layerJson(result: LayerSimResult, clockMHz: number) {
  const seconds = result.cycles / (clockMHz * 1e6);
  return {
    name: result.name,
    M: result.shape.M,
    K: result.shape.K,
    N: result.shape.N,
    tiles: result.tiles,
    cycles: result.cycles,
    predictedCycles: result.predictedCycles,
    loadCycles: result.loadCycles,
    runCycles: result.runCycles,
    drainCycles: result.drainCycles,
    match: result.match,
    mismatchedLevels: result.mismatchedLevels,
    /** Outputs, cycles, counters and events all as predicted. */
    checked: result.problems.length === 0,
    problems: result.problems,
    events: result.events,
    predictedEvents: result.predictedEvents,
    energyPj: result.energyPj,
    predictedEnergyPj: result.predictedEnergyPj,
    seconds,
    edpJs: result.energyPj * 1e-12 * seconds,
    // Waveform check: present when the run was traced.
    ...(result.waveCheck === undefined ? {} : { waveCheck: waveCheckJson(result.waveCheck) }),
  };
}

function totalOf(layers: readonly LayerJson[], clockMHz: number): SimResultJson['total'] {
  const cycles = layers.reduce((sum, layer) => sum + layer.cycles, 0);
  const energyPj = layers.reduce((sum, layer) => sum + layer.energyPj, 0);
  const seconds = cycles / (clockMHz * 1e6);
  return {
    cycles,
    predictedCycles: layers.reduce((sum, layer) => sum + layer.predictedCycles, 0),
    match: layers.every((layer) => layer.match),
    checked: layers.every((layer) => layer.checked),
    events: layers.reduce((sum, layer) => addEvents(sum, layer.events), zeroEvents()),
    predictedEvents: layers.reduce((sum, layer) => addEvents(sum, layer.predictedEvents), zeroEvents()),
    energyPj,
    predictedEnergyPj: layers.reduce((sum, layer) => sum + layer.predictedEnergyPj, 0),
    seconds,
    edpJs: energyPj * 1e-12 * seconds,
  };
}

/** Simulates the workload and writes its files into `dir` (which exists): the part `hwgen demo` shares. */
export async function simulateIntoDir(accelerator: Accelerator, workload: ResolvedWorkload, dir: string, options: SimOptions): Promise<SimResultJson> {
  return writeLayersIntoDir(accelerator, workload, dir, simulateWorkload(accelerator, workload, options), options);
}

/**
 * Writes the simulated layers' files into `dir` as they come (outputs, waveforms and their reports) and then
 * `result.json`: whoever simulated them (here, or workers of a queue, hwgen/queue/sim-backend.ts).
 */
export async function writeLayersIntoDir(accelerator: Accelerator, workload: ResolvedWorkload, dir: string, simulated: AsyncIterable<LayerSimResult>, options: Pick<SimOptions, 'simulator' | 'policy' | 'seed' | 'trace'>): Promise<SimResultJson> {
  const { clockMHz } = accelerator.config;
  const layers: LayerJson[] = [];
  for await (const layer of simulated) {
    const y = layer.outputs instanceof Uint8Array ? tensorOf('u1', layer.outputShape, layer.outputs) : tensorOf('i4', layer.outputShape, layer.outputs);
    await writeFile(join(dir, `${layer.name}.y.npy`), encodeNpy(y));
    if (layer.waveform !== undefined) {
      await mkdir(join(dir, 'waves'), { recursive: true });
      await copyFile(layer.waveform, join(dir, 'waves', `${layer.name}.${options.trace}`));
      // Waveform check: a failed check leaves its mismatch report beside the waveform.
      if (layer.waveCheck !== undefined) await writeMismatchReport(join(dir, 'waves'), layer.waveCheck);
    }
    layers.push(layerJson(layer, clockMHz));
  }
  const json: SimResultJson = {
    generator: `hwgen ${HWGEN_VERSION}`,
    workload: workload.name,
    design: accelerator.config.name,
    configHash: accelerator.hash,
    simulator: options.simulator,
    policy: options.policy,
    seed: options.seed,
    clockMHz,
    layers,
    total: totalOf(layers, clockMHz),
  };
  await writeFile(join(dir, 'result.json'), prettyJson(json));
  return json;
}

/**
 * `hwgen sim`'s folder, whole or not at all; the simulations' scratch folder is kept when a check failed.
 * `inputs`: the files the command read (config, workload, energy table), which `outDir` must not hold.
 */
export async function writeSim(accelerator: Accelerator, workload: ResolvedWorkload, outDir: string, options: Omit<SimOptions, 'workDir'>, inputs: readonly string[] = []): Promise<SimRun> {
  const workDir = await mkdtemp(join(tmpdir(), 'hwgen-sim-'));
  const forgetWorkDir = removeOnInterrupt(workDir);
  try {
    const result = await writeDirAtomically(outDir, { command: 'sim', inputs }, (dir) => simulateIntoDir(accelerator, workload, dir, { ...options, workDir }));
    if (result.total.checked) {
      await rm(workDir, { recursive: true, force: true });
      return { result };
    }
    return { result, workDir };
  } finally {
    forgetWorkDir();
  }
}
