/**
 * `hwgen sim`'s flow: every layer of a workload through the generated accelerator on a simulator.
 * Per layer: lower to a GEMM (the input being the previous layer's RTL output: the host chains layers),
 * plan tiles and schedules with the policy, predict them exactly (hwgen/cost/layer.ts), drive the host
 * protocol (hwgen/host/driver.ts) through the program player, read outputs and counters back, and compare
 * with the golden model and the prediction: outputs byte for byte, cycles of every tile, the top's
 * cnt_cycles of every run, every core's counters, and the events.
 */
import { join } from 'node:path';
import type { Accelerator } from '../config/load-config.ts';
import { type Design, type LayerPrediction, designOf } from '../cost/layer.ts';
import { bytesPerWord, predictedCounters } from '../cost/accel-counters.ts';
import { replicaWriteBytes } from '../cost/tile-model.ts';
import { CORE_KIND_FACTS, coreAt } from '../arch/core-kinds.ts';
import { DEFAULT_ENERGY_PJ, type EventCounts, energyPicojoules, zeroEvents } from '../arch/events.ts';
import type { AccelCounter } from '../modules/accel/arch.ts';
import { DRAIN_SWEEP_PORT, type LayerProgram, type LayerReadback, layerProgram, readLayer } from '../host/driver.ts';
import type { PolicyName } from '../schedule/types.ts';
import type { SimulatorName, TraceFormat } from '../../sim/types.ts';
import { generateAccelTop } from '../modules/accel/generator.ts';
import type { ModuleDescription } from '../arch/module.ts';
import { type TraceScope, type TraceWindow, playProgram } from './program-player.ts';
import { type WaveCheckResult, accelTraceProbes, checkLayerWaveform, explainFailure } from './wave-check.ts';
import { concurrencyLimit } from '../util/concurrency-limit.ts';
import { meteredChunks } from '../util/metered-chunks.ts';
import { type Progress, meterOf, silentProgress } from '../util/progress.ts';
import type { GemmLayer } from '../workload/gemm-layer.ts';
import { lowerToGemm } from '../workload/lower.ts';
import type { ResolvedLayer, ResolvedWorkload } from '../workload/resolve.ts';
import { passOn } from './golden.ts';
import { layerRunPlan } from './layer-plan.ts';
import { outputTensorOrder } from '../workload/batch.ts';
import { type OutputValues, beatsPerOutput } from '../arch/output-stream.ts';

export interface SimOptions {
  readonly policy: PolicyName;
  readonly seed: number;
  readonly simulator: SimulatorName;
  readonly trace: TraceFormat;
  /** What the waveform holds (default all signals) and which program cycles (default all): docs/simulation.md, "Waveforms". */
  readonly traceScope?: TraceScope | undefined;
  readonly traceWindow?: TraceWindow | undefined;
  /** Scratch folder: one sub-folder per layer (RTL, program, captures, waveforms). */
  readonly workDir: string;
  readonly energyTable?: Readonly<EventCounts> | undefined;
  readonly progress?: Progress;
  /** Simulator processes at once for layers with their own input (default 1). */
  readonly jobs?: number;
  /** The RTL to simulate (default generateAccelTop(accelerator)): mutation testing (hwgen/bench/mutation.ts) swaps in a mutant. */
  readonly top?: ModuleDescription | undefined;
  /** A run waiting longer than this many cycles for `done` fails (default the program player's). */
  readonly maxWait?: number | undefined;
  /** Wall-clock limit of each layer's simulation in ms (default the program player's). */
  readonly timeoutMs?: number | undefined;
}

export interface LayerSimResult {
  readonly name: string;
  readonly shape: { readonly M: number; readonly K: number; readonly N: number };
  readonly tiles: number;
  /** Measured in RTL (Σ over tiles of load + start + wait + drain). */
  readonly cycles: number;
  readonly predictedCycles: number;
  readonly loadCycles: number;
  readonly runCycles: number;
  readonly drainCycles: number;
  /** RTL output equals the golden model. */
  readonly match: boolean;
  readonly mismatchedLevels: number;
  /** From the RTL counters and the host's own bus traffic. */
  readonly events: EventCounts;
  readonly predictedEvents: EventCounts;
  readonly energyPj: number;
  readonly predictedEnergyPj: number;
  /** Everything that differs from the golden model or the prediction; empty when the layer checks. */
  readonly problems: readonly string[];
  /** The RTL's output levels (or logits), the layer's output shape. */
  readonly outputs: OutputValues;
  readonly outputShape: readonly number[];
  /** Where the layer's RTL, program and captures are. */
  readonly workDir: string;
  /** The layer's waveform file, when traced. */
  readonly waveform?: string | undefined;
  /** The waveform check (hwgen/flows/wave-check.ts), when traced; its findings are among `problems`. */
  readonly waveCheck?: WaveCheckResult | undefined;
}

/** The events the RTL counted, plus the buffer bytes of the host's own bus traffic (no counter sees those). */
function measuredEvents(program: LayerProgram, readback: LayerReadback, design: Design): EventCounts {
  const events = zeroEvents();
  readback.counters.forEach((counters, c) => {
    const { kind } = coreAt(c, design.machines);
    events[CORE_KIND_FACTS[kind].computeEvent] += counters.mac_or_add;
    events.spike += counters.spike;
    events.fire += counters.fire;
    // the core's memories (loads included), its replica reads, schedule reads, output-bank writes
    events.sram_byte += counters.sram_byte + counters.feeder_words * bytesPerWord(kind, design) + counters.entries * design.buffers.schedEntryBytes + counters.levels;
  });
  for (const { tile, busWords } of program.tiles) {
    const drained = (tile.tile.rowEnd - tile.tile.rowStart) * beatsPerOutput(program.layer) * (tile.tile.colEnd - tile.tile.colStart);
    events.sram_byte += replicaWriteBytes(busWords, design);
    events.sram_byte += busWords.sched * design.buffers.schedEntryBytes + drained;
  }
  return events;
}

function outputProblems(name: string, rtl: OutputValues, golden: OutputValues, N: number): { count: number; problems: string[] } {
  let count = 0;
  let first = -1;
  for (let i = 0; i < golden.length; i++) {
    if (rtl[i] !== golden[i]) {
      count += 1;
      if (first < 0) first = i;
    }
  }
  if (count === 0) return { count, problems: [] };
  const m = Math.floor(first / N), n = first % N;
  const what = golden instanceof Int32Array ? 'logits' : 'output levels';
  return { count, problems: [`${name}: ${count} of ${golden.length} ${what} differ from the golden model; first Y[${m}, ${n}] = ${rtl[first]}, expected ${golden[first]}`] };
}

function timingProblems(name: string, prediction: LayerPrediction, readback: LayerReadback): string[] {
  const problems: string[] = [];
  prediction.tiles.forEach((tile, t) => {
    const measured = readback.tiles[t];
    if (measured === undefined) return;
    const where = `${name} tile ${t} (rows ${tile.tile.rowStart}..${tile.tile.rowEnd - 1}, columns ${tile.tile.colStart}..${tile.tile.colEnd - 1})`;
    const pairs: [string, number, number][] = [
      ['load cycles', measured.loadCycles, tile.timeline.exposedLoad],
      ['cycles under the run', measured.hiddenCycles, tile.timeline.hiddenDrain + tile.timeline.hiddenLoad],
      ['wait cycles', measured.waitCycles, tile.timeline.wait],
      ['drain cycles', measured.drainCycles, tile.timeline.tailDrain],
      ['cnt_cycles', measured.cntCycles, tile.dispatch.cycles],
    ];
    for (const [what, got, expected] of pairs) if (got !== expected) problems.push(`${where}: ${what} ${got}, predicted ${expected}`);
  });
  return problems;
}

function counterProblems(name: string, prediction: LayerPrediction, readback: LayerReadback, design: Design, K: number): string[] {
  const problems: string[] = [];
  readback.counters.forEach((counters, c) => {
    const expected = predictedCounters(prediction, design, K, c);
    for (const [counter, value] of Object.entries(counters) as [AccelCounter, number][]) {
      if (value !== expected[counter]) problems.push(`${name}: core ${c} counter ${counter} = ${value}, predicted ${expected[counter]}`);
    }
  });
  return problems;
}

function eventProblems(name: string, measured: EventCounts, predicted: EventCounts): string[] {
  return (Object.keys(measured) as (keyof EventCounts)[])
    .filter((event) => measured[event] !== predicted[event])
    .map((event) => `${name}: ${event} events ${measured[event]}, predicted ${predicted[event]}`);
}

/** One layer (a GEMM) through the RTL; `layerIndex` names its scratch folder. */
export async function simulateGemm(accelerator: Accelerator, gemm: GemmLayer, layerIndex: number, options: SimOptions): Promise<Omit<LayerSimResult, 'outputShape'>> {
  const design = designOf(accelerator);
  const energyTable = options.energyTable ?? DEFAULT_ENERGY_PJ;
  const { golden, prediction } = layerRunPlan(accelerator, gemm, options.policy, options.seed, energyTable);
  const program = layerProgram(accelerator, gemm, prediction.tiles.map(({ tile, schedule, weightKinds }) => ({ tile, schedule, weightKinds })));
  const workDir = join(options.workDir, `${String(layerIndex).padStart(3, '0')}-${gemm.name.replace(/[^A-Za-z0-9_.-]/g, '_')}`);
  // Waveform check: the testbench copies every core's streams into probes, and the waveform is checked below.
  const traceOptions = options.trace === 'none' ? {} : { traceProbes: accelTraceProbes(accelerator).probes, traceScope: options.traceScope ?? 'all', ...(options.traceWindow === undefined ? {} : { traceWindow: options.traceWindow }) };
  const limits = { ...(options.maxWait === undefined ? {} : { maxWait: options.maxWait }), ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }) };
  const top = options.top ?? generateAccelTop(accelerator);
  const meter = meterOf(options.progress ?? silentProgress, { label: `simulating ${gemm.name}`, total: prediction.cycles, unit: 'cycles' });
  const tileCycles = prediction.tiles.map((tile) => tile.cycles);
  const played = await playProgram(top, meteredChunks(program.chunks(), tileCycles, meter), { simulator: options.simulator, workDir, trace: options.trace, configHash: accelerator.hash, clockMHz: accelerator.config.clockMHz, sweepPort: DRAIN_SWEEP_PORT, ...limits, ...traceOptions }).catch(async (error: unknown) => {
    const file = options.trace === 'none' ? undefined : join(workDir, `waves.${options.trace}`);
    throw await explainFailure(error, { file, accelerator, layer: gemm, prediction, golden });
  }).finally(() => meter.stop());
  // Reading back and checking a large layer takes a while of its own: say so, lest the run look stuck.
  options.progress?.info(`${gemm.name}: simulated ${played.cycles} cycles; reading back and checking the outputs, counters and events`);
  const readback = readLayer(program, played.captures, played.marks);
  const events = measuredEvents(program, readback, design);
  const outputs = outputProblems(gemm.name, readback.outputs, golden, gemm.N);
  const problems = [
    ...outputs.problems,
    ...timingProblems(gemm.name, prediction, readback),
    ...counterProblems(gemm.name, prediction, readback, design, gemm.K),
    ...eventProblems(gemm.name, events, prediction.events),
  ];
  if (readback.cycles !== prediction.cycles) problems.push(`${gemm.name}: ${readback.cycles} cycles, predicted ${prediction.cycles}`);
  // Waveform check: the golden and cost models read the waveform; its findings join the problems.
  const waveCheck = played.waveform === undefined ? undefined : await checkLayerWaveform({ file: played.waveform, accelerator, layer: gemm, prediction, golden });
  if (waveCheck !== undefined) problems.push(...waveCheck.problems);
  return {
    name: gemm.name,
    shape: { M: gemm.M, K: gemm.K, N: gemm.N },
    tiles: prediction.tiles.length,
    cycles: readback.cycles,
    predictedCycles: prediction.cycles,
    loadCycles: readback.tiles.reduce((sum, tile) => sum + tile.loadCycles, 0),
    runCycles: readback.tiles.reduce((sum, tile) => sum + 1 + tile.hiddenCycles + tile.waitCycles, 0),
    drainCycles: readback.tiles.reduce((sum, tile) => sum + tile.drainCycles, 0),
    match: outputs.count === 0,
    mismatchedLevels: outputs.count,
    events,
    predictedEvents: prediction.events,
    energyPj: energyPicojoules(events, energyTable),
    predictedEnergyPj: prediction.energyPj,
    problems,
    outputs: readback.outputs,
    workDir,
    waveform: played.waveform,
    waveCheck,
  };
}

/** A simulated layer, and what the next layer takes from it. */
interface LayerRun {
  readonly result: LayerSimResult;
  /** Its RTL output pooled as the next layer takes it (undefined after logits). */
  readonly passed: Uint8Array | undefined;
}

/** One layer's RTL run, its GEMM lowered: here (simulateGemm) or on a queue's worker (hwgen/queue/sim-backend.ts). */
export type GemmSimulation = (layer: ResolvedLayer, gemm: GemmLayer) => Promise<Omit<LayerSimResult, 'outputShape'>>;

/**
 * Every layer in order, each taking the previous layer's RTL output (pooled) as the host would. With `jobs` > 1,
 * layers that name their own input (zoo layers, independent batches) run at the same time; a layer that takes the
 * previous one's output waits for it. Results come in layer order.
 */
export async function* simulateLayers(workload: ResolvedWorkload, simulateOne: GemmSimulation, options: Pick<SimOptions, 'simulator' | 'progress' | 'jobs'>): AsyncGenerator<LayerSimResult> {
  const progress = options.progress ?? silentProgress;
  const jobs = options.jobs ?? 1;
  const slot = concurrencyLimit(jobs);
  // Lowered inside its slot, so that only the running layers' GEMMs are in memory.
  const simulate = async (layer: ResolvedLayer, input: () => Uint8Array): Promise<LayerRun> =>
    slot(async () => {
      const gemm = lowerToGemm(layer, input());
      const done = progress.start(`layer ${layer.index + 1}/${workload.layers.length} ${layer.spec.name} (M=${gemm.M} K=${gemm.K} N=${gemm.N}) on ${options.simulator}`);
      const result = await simulateOne(layer, gemm);
      done(`${result.cycles} cycles (predicted ${result.predictedCycles}), ${result.tiles} tiles, ${result.problems.length === 0 ? 'checked' : `${result.problems.length} problems`}`);
      const shaped = { ...result, outputs: outputTensorOrder(layer, result.outputs), name: layer.spec.name, outputShape: layer.outputShape };
      return { result: shaped, passed: passOn(layer, result.outputs) };
    });
  const runs: Promise<LayerRun>[] = [];
  let yielded = 0;
  for (const layer of workload.layers) {
    const own = layer.input;
    const before = runs.at(-1);
    if (own !== undefined) runs.push(simulate(layer, () => own().data));
    else runs.push((async () => {
      const passed = (await before)?.passed;
      return simulate(layer, () => inputOf(layer, passed));
    })());
    // One job: strictly one layer after the other, each result as soon as it is there.
    if (jobs <= 1) yield (await (runs[yielded++] as Promise<LayerRun>)).result;
  }
  // A failed layer is raised in its turn; the ones running beside it are not left unobserved.
  for (const run of runs) run.catch(() => undefined);
  for (; yielded < runs.length; yielded++) yield (await (runs[yielded] as Promise<LayerRun>)).result;
}

/** Every layer of the workload through the RTL here, as simulateLayers runs them. */
export function simulateWorkload(accelerator: Accelerator, workload: ResolvedWorkload, options: SimOptions): AsyncGenerator<LayerSimResult> {
  return simulateLayers(workload, (layer, gemm) => simulateGemm(accelerator, gemm, layer.index, options), options);
}

function inputOf(layer: ResolvedLayer, previous: Uint8Array | undefined): Uint8Array {
  const levels = layer.input?.().data ?? previous;
  if (levels === undefined) throw new Error(`${layer.field} has no input: resolveWorkload lets no such layer through`);
  return levels;
}
