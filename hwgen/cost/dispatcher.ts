/**
 * Cycles and dispatcher events of one run of the accelerator top on one layer (tile) under a static schedule,
 * from the cores' exact models and the dispatcher's constant feeder latency (hwgen/modules/dispatcher/spec.md,
 * "Cycle formula"): core i started in cycle s_i finishes its list (fin) in s_i + FEEDER_LATENCY + cycles_i, and
 * the run's cycles are the maximum fin over all cores (an empty list's fin is start + 1).
 *
 * Proven per lane (feeder → core → gatherer) by hwgen/modules/dispatcher/lane-cosim.test.ts; the composition over
 * A + S lanes is co-simulated on hwgen_accel_top (testbench/accel-top-cosim.test.ts). Loads, the start cycle and
 * the drain are not included: layer.ts adds them per tile (spec.md, "Host protocol").
 */
import type { CoreKind } from '../arch/core-kinds.ts';
import type { Schedule } from '../schedule/types.ts';
import { FEEDER_LATENCY } from '../modules/dispatcher/arch.ts';
import type { GemmLayer } from '../workload/gemm-layer.ts';
import { CORE_KIND_ARCH, type CoreParams } from '../modules/accel/arch.ts';
import { addEvents, type EventCounts, zeroEvents } from '../arch/events.ts';
import { CORE_KIND_COSTS } from './core-kinds.ts';
import { beatsPerOutput } from '../arch/output-stream.ts';

/**
 * Cycles of the host protocol's wait for `done` beyond `predictDispatch(...).cycles`. The dispatcher counts
 * the start cycle as its cycle 0 and `done` is high in cycle D = predictDispatch(...).cycles; the program
 * player (hwgen/flows/program_tb.v.hbs) plays the start line, then waits rising edges until it sees `done`
 * after one: D − 1 of them. So start + wait = D exactly, and the wait alone is D − 1.
 * Proven by testbench/accel-program.test.ts on both simulators.
 */
export const RUN_WAIT_OFFSET = -1;

export interface DispatchedCore {
  readonly kind: CoreKind;
  readonly index: number;
  readonly columns: number;
  /** Cycle the core's start pulse is high. */
  readonly start: number;
  /** The core's own cycles (its cost model); 0 for an empty list. */
  readonly cycles: number;
  /** First cycle fin is high: start + FEEDER_LATENCY + cycles (start + 1 for an empty list). */
  readonly fin: number;
  readonly busy: number;
  readonly events: EventCounts;
  /** Dispatcher traffic of this core: replica bytes read, schedule entries read, output levels written. */
  readonly actBytes: number;
  readonly schedReads: number;
  readonly outBytes: number;
}

export interface DispatchPrediction {
  /** cnt_cycles: first cycle `done` is high, the first start being cycle 0. */
  readonly cycles: number;
  readonly cores: readonly DispatchedCore[];
  readonly events: EventCounts;
}

/** `starts[i]`: start cycle of schedule.cores[i] (default: all 0). */
export function predictDispatch(layer: GemmLayer, schedule: Schedule, params: CoreParams, outputs: Uint8Array, starts?: readonly number[]): DispatchPrediction {
  const cores = schedule.cores.map((core, i): DispatchedCore => {
    const start = starts?.[i] ?? 0;
    const n = core.columns.length;
    if (n === 0) return { kind: core.kind, index: core.index, columns: 0, start, cycles: 0, fin: start + 1, busy: 0, events: zeroEvents(), actBytes: 0, schedReads: 0, outBytes: 0 };
    const model = CORE_KIND_COSTS[core.kind];
    const p = model.predict(layer, core.columns, params, outputs);
    const actBytes = model.columnWords(layer, core.columns, params) * CORE_KIND_ARCH[core.kind].replicaWordBytes(params);
    return { kind: core.kind, index: core.index, columns: n, start, cycles: p.cycles, fin: start + FEEDER_LATENCY + p.cycles, busy: p.busy, events: p.events, actBytes, schedReads: n, outBytes: n * layer.M * beatsPerOutput(layer) };
  });
  // done = every fin; an empty list's fin rises the cycle after its start.
  const cycles = cores.length === 0 ? 1 : Math.max(...cores.map((core) => core.fin));
  return { cycles, cores, events: cores.reduce((sum, core) => addEvents(sum, core.events), zeroEvents()) };
}
