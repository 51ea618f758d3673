/**
 * Exact cost model of hwgen_snn_core (hwgen/modules/snn-core/spec.md, "Cycle formula"): cycles and
 * events for streaming columns through a freshly reset core whose memories hold the layer, with the
 * input always valid and the output always ready (the testbench's +gaps=0 mode).
 *
 * Modelled one lane group at a time by recurrences on the cycles where things happen, never cycle
 * by cycle: inside a column the add stage runs back to back (the front stages prefetch), so only a
 * group's span, the stall at its final add and the fire stage need tracking. Per column j:
 *   a  first input beat taken              f = a + B: the bank is seen full (B = max(E, 1) beats)
 *   R  reader issues the column's first token      A = R + 1 or later: it enters the add stage
 *   F  a group's final add cycle, which loads the serial fire stage's bank (held until the bank is free)
 *      its n beats issue in F + 1 … F + n and leave SERIAL_FIRE_PIPE cycles later
 * The serial fire stage's time does not depend on the levels it makes.
 */
import { BIAS_THETA_BYTES } from '../../arch/widths.ts';
import { type SnnCoreParams, addCyclesOfLevel, eventBytes, snnCoreGeometryOf } from './arch.ts';
import type { GemmLayer } from '../../workload/gemm-layer.ts';
import type { GemmShape } from '../../workload/shapes.ts';
import { type CorePrediction, type EventCounts, zeroEvents } from '../../arch/events.ts';
import { BusyCycles } from '../../arch/busy-cycles.ts';
import { columnLevels } from '../../golden/column-levels.ts';
import type { ColumnTiming } from '../../arch/column-timing.ts';
import { beatsPerOutput } from '../../arch/output-stream.ts';
import { SERIAL_FIRE_PIPE } from '../serial-fire/arch.ts';

export { type SnnBeat, type SnnCoreParams, snnColumnEvents, snnCoreParams } from './arch.ts';

export interface SnnCorePrediction extends CorePrediction {
  /** Cycles counted by cnt_busy: a full event bank, a token in the pipeline, or a bank or beat in the fire stage. */
  readonly busy: number;
}

/**
 * What the timing and the counters need of one column: its events, never the weights. An event of level x takes
 * c(x) add cycles: x, one per spike, or popcount(x) with shift-add (addCyclesOfLevel).
 */
export interface ColumnEvents {
  /** E: non-zero levels. */
  readonly events: number;
  /** Σ_k c(x[k]): add cycles per lane group (S = Σ_k x[k], the spikes, without shift-add). */
  readonly adds: number;
  /** c(x) of the last event (0 when E = 0). */
  readonly lastAdds: number;
  /** c(x) of the event before it (0 when E < 2). */
  readonly secondLastAdds: number;
}

export function columnEventsOf(layer: GemmLayer, n: number, params: Pick<SnnCoreParams, 'shiftAdd'>): ColumnEvents {
  let events = 0;
  let adds = 0;
  let lastAdds = 0;
  let secondLastAdds = 0;
  for (let k = 0, i = n; k < layer.K; k++, i += layer.N) {
    const level = layer.input[i] ?? 0;
    if (level === 0) continue;
    const cycles = addCyclesOfLevel(level, params);
    events += 1;
    adds += cycles;
    secondLastAdds = lastAdds;
    lastAdds = cycles;
  }
  return { events, adds, lastAdds, secondLastAdds };
}

/** Buffer bytes a column moves: E event writes, G·E event reads and weight fetches, G bias/θ reads. */
export function snnCoreBytesOfColumn(column: Pick<ColumnEvents, 'events'>, shape: Pick<GemmShape, 'M' | 'K'>, params: SnnCoreParams): number {
  const { groups } = snnCoreGeometryOf(shape, params);
  const eventSize = eventBytes(params);
  return column.events * eventSize + groups * column.events * (eventSize + params.lanes) + groups * params.lanes * BIAS_THETA_BYTES;
}

/** Events of loading a layer's memories (every weight and bias/θ word written once). */
export function snnCoreLoadEvents(shape: Pick<GemmShape, 'M' | 'K'>, params: SnnCoreParams): EventCounts {
  const { groups } = snnCoreGeometryOf(shape, params);
  return { ...zeroEvents(), sram_byte: groups * shape.K * params.lanes + groups * params.lanes * BIAS_THETA_BYTES };
}

const NEVER = Number.NEGATIVE_INFINITY;

/** The cycles one column leaves behind for the next ones. */
interface ColumnTimes {
  /** f: first cycle its bank is seen full. */
  readonly bankFull: number;
  /** Cycle the reader issues its last token (the bank is free from the next cycle on). */
  readonly lastRead: number;
  /** Cycle its last token moves from the event register into the add stage. */
  readonly lastTake: number;
  /** Final add cycle of its last group. */
  readonly lastFinal: number;
}

/** The fire stage's state carried across groups and columns. */
interface FireState {
  /** First cycle the fire stage's bank can be loaded: the cycle the previous bank's last beat issues. */
  bankFree: number;
  /** Cycle the last output beat so far is accepted. */
  lastBeat: number;
}

/** The whole pipeline, one column at a time. */
class SnnCoreTimeline {
  private readonly columns: ColumnTimes[] = [];
  private readonly fire: FireState = { bankFree: NEVER, lastBeat: -1 };
  readonly busy = new BusyCycles();
  /** Per column added, its input and output cycles. */
  readonly times: ColumnTiming[] = [];

  constructor(
    private readonly groups: number,
    private readonly lanes: number,
    private readonly lastLanes: number,
    /** Output-stream bytes per output: 1, or 4 for logits. */
    private readonly beats: number,
  ) {}

  get lastBeat(): number {
    return this.fire.lastBeat;
  }

  /** First input beat taken: cycle 0, or as soon as the bank two columns back is released. */
  private firstBeat(): number {
    const previous = this.columns.at(-1);
    if (previous === undefined) return 0;
    const sameBank = this.columns.at(-2);
    return Math.max(previous.bankFull, sameBank === undefined ? NEVER : sameBank.lastRead + 1);
  }

  addColumn(column: ColumnEvents): void {
    const firstInput = this.firstBeat();
    const bankFull = firstInput + Math.max(column.events, 1);
    const previous = this.columns.at(-1);
    // The reader needs the bank full and the event register free (its last token taken).
    const firstRead = Math.max(previous?.lastTake ?? NEVER, bankFull);
    const firstTake = Math.max(previous?.lastFinal ?? NEVER, firstRead + 1);
    // Add-stage cycles of a group: c(x) per event, or one for an empty column's token.
    const span = column.events > 0 ? column.adds : 1;
    const lastX = column.events > 0 ? column.lastAdds : 1;
    const groupStarts: number[] = [];
    let start = firstTake + 1;
    let final = NEVER;
    const groupOutputs: number[] = [];
    for (let g = 0; g < this.groups; g++) {
      groupStarts.push(start);
      final = Math.max(start + span - 1, this.fire.bankFree);
      groupOutputs.push(this.fireGroup(final, g));
      start = final + 1;
    }
    const lastStart = groupStarts[this.groups - 1] ?? 0;
    const lastTake = lastStart + span - lastX - 1;
    this.columns.push({ bankFull, lastRead: this.lastReadOf(column, groupStarts, firstRead, span, lastX), lastTake, lastFinal: final });
    this.busy.add(bankFull, this.fire.lastBeat);
    this.times.push({ firstInput, lastInput: bankFull - 1, firstOutput: groupOutputs[0] ?? Number.NaN, groupOutputs, lastOutput: this.fire.lastBeat });
  }

  /** The reader issues a token in the cycle its predecessor enters the add stage. */
  private lastReadOf(column: ColumnEvents, groupStarts: readonly number[], firstRead: number, span: number, lastX: number): number {
    const lastStart = groupStarts[this.groups - 1] ?? 0;
    if (column.events >= 2) return lastStart + span - lastX - column.secondLastAdds - 1;
    if (this.groups >= 2) return (groupStarts[this.groups - 2] ?? 0) + span - lastX - 1;
    return firstRead;
  }

  /** Group g's final add, in cycle `take`, loads the fire stage's bank. Returns its first level's cycle. */
  private fireGroup(take: number, g: number): number {
    const beats = (g === this.groups - 1 ? this.lastLanes : this.lanes) * this.beats;
    this.fire.bankFree = take + beats;
    this.fire.lastBeat = take + beats + SERIAL_FIRE_PIPE;
    return take + 1 + SERIAL_FIRE_PIPE;
  }
}

/**
 * Exact cycles (first input beat offered … last output beat accepted, inclusive) and event counts of
 * streaming `columns` of `layer` in order through a freshly reset core whose memories hold the layer
 * (the load writes before cycle 0 are snnCoreLoadEvents, not counted here). `outputs` is the layer's
 * Y (M×N row-major, as annLayer returns) if known; else the golden model supplies the levels that set
 * the fire stage's time. The memories are not checked against the layer: for a layer too big for one
 * core this is the cost of an ideal core with big enough memories.
 */
export function predictSnnCore(layer: GemmLayer, columns: readonly number[], params: SnnCoreParams, outputs?: Uint8Array): SnnCorePrediction {
  return streamSnnCore(layer, columns, params, outputs).prediction;
}

/**
 * The cycles of every column of `columns` (same order) in the run `predictSnnCore` predicts: first and
 * last input beat (event) taken, first and last output level accepted, and when each lane group's levels leave.
 */
export function snnCoreColumnTimes(layer: GemmLayer, columns: readonly number[], params: SnnCoreParams, outputs?: Uint8Array): ColumnTiming[] {
  return streamSnnCore(layer, columns, params, outputs).times;
}

function streamSnnCore(layer: GemmLayer, columns: readonly number[], params: SnnCoreParams, outputs: Uint8Array | undefined): { prediction: SnnCorePrediction; times: ColumnTiming[] } {
  const { groups, lastLanes } = snnCoreGeometryOf(layer, params);
  const levels = columnLevels(layer, columns, outputs);
  const timeline = new SnnCoreTimeline(groups, params.lanes, lastLanes, beatsPerOutput(layer));
  const events = zeroEvents();
  columns.forEach((n, i) => {
    const column = columnEventsOf(layer, n, params);
    const columnLevels = levels[i] ?? new Uint8Array(layer.M);
    timeline.addColumn(column);
    events.snn_add += layer.M * column.adds;
    events.spike += groups * column.adds;
    events.fire += columnLevels.reduce((sum, y) => sum + y, 0);
    events.sram_byte += snnCoreBytesOfColumn(column, layer, params);
  });
  if (columns.length === 0) return { prediction: { cycles: 0, events, busy: 0 }, times: [] };
  return { prediction: { cycles: timeline.lastBeat + 1, events, busy: timeline.busy.count() }, times: timeline.times };
}

/** SNN additions per busy cycle over the core's LANES adders: the lane utilisation while it has work. */
export function snnCoreUtilisation(prediction: SnnCorePrediction, params: SnnCoreParams): number {
  return prediction.busy === 0 ? 0 : prediction.events.snn_add / (prediction.busy * params.lanes);
}

/** Buffer bytes moved per SNN addition while streaming (loads excluded). */
export function snnCoreBytesPerAddition(prediction: CorePrediction): number {
  return prediction.events.snn_add === 0 ? 0 : prediction.events.sram_byte / prediction.events.snn_add;
}
