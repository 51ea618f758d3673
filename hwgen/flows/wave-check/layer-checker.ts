/**
 * One pass over a layer's waveform, at the rising edges of the clock numbered by the testbench's `cycle`:
 * every stream's protocol rules (sim/waveform/protocol.ts), every start pulse matched to the tile whose
 * predicted start is nearest, and every beat routed to the check of its core and tile (tile-run.ts).
 *
 * A tile is checked whole when the waveform holds it from its start pulse to its predicted `done`. With a
 * dump window (+trace_from/+trace_to), a tile whose start pulse is in the window is checked as far as the
 * window goes, and one started before it only for the protocol rules (its beats' places are unknown).
 */
import type { LayerPrediction } from '../../cost/layer.ts';
import { PROTOCOL_RULES, type ProtocolViolation } from '../../../sim/waveform/protocol.ts';
import {
  type NumberedCycle,
  type NumberedWaveform,
  type NumberedWaveformOptions,
  SignalTable,
  StreamMonitor,
  type Transaction,
  openNumberedCycles,
  streamIndices,
} from '../../../sim/waveform/transactions.ts';
import { InputError } from '../../errors.ts';
import { formatValue } from '../../../sim/waveform/values.ts';
import type { StreamTransactions, WaveCheckInput, WaveCheckStats } from './check-types.ts';
import type { Direction } from './contexts.ts';
import type { FindingSink, WaveFinding } from './findings.ts';
import { type AccelProbes, type CoreStreams, accelTraceProbes } from './probes.ts';
import { type LayerContext, TileRun } from './tile-run.ts';
import { RunControlCheck } from './run-control.ts';
import { BankReadCheck } from './bank-read.ts';

/** Violations of one protocol rule on one stream that are kept (the rest are counted). */
const PROTOCOL_KEPT = 10;

type KeptBeat = Transaction & { tile: number | undefined };

/** Predicted program cycle of every tile's start pulse: tiles run back to back, each after its loads. */
function predictedTileStarts(prediction: LayerPrediction): number[] {
  let begin = 0;
  return prediction.tiles.map((tile) => {
    const start = begin + tile.timeline.exposedLoad;
    begin += tile.cycles;
    return start;
  });
}

export class LayerWaveChecker implements FindingSink {
  readonly probes: AccelProbes;
  /** In the order found. */
  readonly findings: WaveFinding[] = [];
  private readonly layer: LayerContext;
  private readonly tileStarts: number[];
  private nextTile = 0;
  private readonly started = new Set<number>();
  private readonly protocolCounts = new Map<string, number>();
  /** Protocol violations beyond PROTOCOL_KEPT of their rule and stream: counted, not kept. */
  suppressed = 0;
  private current: TileRun | undefined;
  private readonly monitors: { input: StreamMonitor; output: StreamMonitor }[];
  private readonly table = new SignalTable();
  private readonly index: { reset: number; cycle: number; start: number; done: number; inValid: number[]; bankRead: { core: number; addr: number; data: number; bank: number } | undefined };
  private readonly runControl: RunControlCheck;
  private readonly bankRead: BankReadCheck;
  /** buffers.banks: tile t runs in bank t mod banks. */
  private readonly banks: number;
  private readonly kept: KeptBeat[][] | undefined;
  edges = 0;
  firstCycle: number | undefined;
  lastCycle: number | undefined;
  tilesChecked = 0;
  tilesPartial = 0;
  inputBeats = 0;
  outputBeats = 0;
  columnsTimed = 0;

  constructor(readonly input: WaveCheckInput) {
    this.probes = accelTraceProbes(input.accelerator);
    this.layer = { input, probes: this.probes, findings: this };
    this.tileStarts = predictedTileStarts(input.prediction);
    const t = this.table;
    this.index = {
      reset: t.indexOf(this.probes.reset),
      cycle: t.indexOf(this.probes.cycle),
      start: t.indexOf(this.probes.start),
      done: t.indexOf(this.probes.done),
      inValid: this.probes.cores.map((core) => t.indexOf(core.input.valid)),
      bankRead: undefined,
    };
    this.banks = input.accelerator.config.buffers.banks;
    this.runControl = new RunControlCheck(this.probes, this, input.prediction.tiles, this.tileStarts);
    this.bankRead = new BankReadCheck(this.probes.bankRead, this, this.probes.cores.length, this.banks);
    const violation = (core: CoreStreams) => (v: ProtocolViolation) => this.protocolFinding(core, v);
    this.monitors = this.probes.cores.map((core) => ({
      input: new StreamMonitor(core.input, streamIndices(core.input, t), violation(core)),
      output: new StreamMonitor(core.output, streamIndices(core.output, t), violation(core)),
    }));
    this.kept = input.keepTransactions === true ? this.probes.cores.flatMap(() => [[], []]) : undefined;
    // Last in the table, so that a waveform without them (written before they were probed) reads the rest the same.
    const read = this.probes.bankRead;
    this.index.bankRead = { core: t.indexOf(read.core), addr: t.indexOf(read.addr), data: t.indexOf(read.data), bank: t.indexOf(read.bank) };
  }

  pathOf(signal: string): string {
    return this.probes.pathOf.get(signal) ?? signal;
  }

  add(finding: WaveFinding): void {
    this.findings.push(finding);
  }

  private protocolFinding(core: CoreStreams, v: ProtocolViolation): void {
    // A rule broken every cycle (x on a valid) would fill memory: the first few of each rule and stream are kept.
    const key = `${v.interface}/${v.rule}`;
    const seen = (this.protocolCounts.get(key) ?? 0) + 1;
    this.protocolCounts.set(key, seen);
    if (seen > PROTOCOL_KEPT) {
      this.suppressed += 1;
      return;
    }
    const tile = this.current;
    this.add({
      fault: v.rule,
      cycle: v.cycle,
      signal: this.pathOf(v.signal),
      expected: v.expected,
      actual: v.actual,
      core: core.core,
      ...(tile === undefined ? {} : { tile: tile.index }),
      message: `${v.interface}${tile === undefined ? '' : `, ${tile.label}`}: ${PROTOCOL_RULES[v.rule]}: cycle ${v.cycle}: ${v.detail}`,
    });
  }

  async run(): Promise<void> {
    const { input } = this;
    const numbering = { clock: this.probes.clock, reset: this.index.reset, counter: this.index.cycle, fst2vcd: input.fst2vcd };
    const { cycles } = await this.openCycles(numbering);
    for await (const edge of cycles) this.edge(edge);
    this.endTile();
    this.reportMissingStarts();
  }

  /**
   * The waveform's numbered edges. One written before the bank read port was probed lacks those signals: it is
   * read without them, and the bank read is not checked.
   */
  private async openCycles(numbering: NumberedWaveformOptions): Promise<NumberedWaveform> {
    try {
      return await openNumberedCycles(this.input.file, this.table, numbering);
    } catch (error) {
      const { bankRead } = this.probes;
      const missing = error instanceof InputError && [bankRead.core, bankRead.addr, bankRead.data].some((name) => error.field === `signal ${name}`);
      if (!missing) throw error;
      this.index.bankRead = undefined;
      const older = new SignalTable();
      for (const name of this.table.names.slice(0, -3)) older.indexOf(name);
      return openNumberedCycles(this.input.file, older, numbering);
    }
  }

  /** A tile whose predicted start the waveform holds, but whose start pulse never came. */
  private reportMissingStarts(): void {
    this.tileStarts.forEach((predicted, t) => {
      if (this.started.has(t) || this.firstCycle === undefined || predicted < this.firstCycle || predicted > this.lastCycle!) return;
      this.add({
        fault: 'timing',
        cycle: predicted,
        signal: this.pathOf(this.probes.start),
        expected: `cycle ${predicted}`,
        actual: 'never',
        tile: t,
        message: `tile ${t}: no start pulse; predicted in cycle ${predicted}`,
      });
    });
  }

  private edge(edge: NumberedCycle): void {
    this.edges += 1;
    this.firstCycle ??= edge.cycle;
    this.lastCycle = edge.cycle;
    const { values } = edge;
    if (!edge.reset && values[this.index.start] === 1n) this.startPulse(edge.cycle);
    const tile = this.current;
    if (tile !== undefined && tile.doneCycle === undefined && !edge.reset && values[this.index.done] === 1n && edge.cycle > tile.startCycle) tile.doneCycle = edge.cycle;
    if (!edge.reset) this.checkRunControl(edge, tile);
    this.monitors.forEach((monitor, c) => {
      const inBeat = monitor.input.sample(edge);
      const outBeat = monitor.output.sample(edge);
      const core = tile?.cores[c];
      if (core !== undefined && core.firstOffer === undefined && !edge.reset && edge.cycle > tile!.startCycle && values[this.index.inValid[c]!] === 1n) core.firstOffer = edge.cycle;
      if (inBeat !== undefined) this.route(c, 'input', inBeat);
      if (outBeat !== undefined) {
        this.bankRead.write(c, outBeat.payload[0]!);
        this.route(c, 'output', outBeat);
      }
    });
  }

  /** A start pulse begins the next tile, unless a run is still in progress (a finding of its own). */
  private startPulse(cycle: number): void {
    if (this.runControl.startWhileRunning(cycle, this.current)) return;
    this.bankRead.restart(this.nextTile % this.banks);
    this.beginTile(cycle);
  }

  /** `done` low outside its pulse, and the bank read one cycle after its address while no run is in progress. */
  private checkRunControl(edge: NumberedCycle, tile: TileRun | undefined): void {
    const { values, cycle } = edge;
    const fromTheStart = this.firstCycle !== undefined && this.firstCycle <= (this.tileStarts[0] ?? 0);
    this.runControl.sampleDone(cycle, values[this.index.done]!, tile, fromTheStart);
    const at = this.index.bankRead;
    if (at === undefined) return;
    // The address cycle (cycle − 1) from the run's done on: the last level was written at the edge before done.
    const idle = tile?.doneCycle !== undefined && cycle - 1 >= Math.max(tile.predictedDone, tile.doneCycle);
    this.bankRead.sample(cycle, { core: values[at.core]!, addr: values[at.addr]!, data: values[at.data]!, bank: values[at.bank]! }, idle, tile?.label ?? '');
  }

  private route(c: number, direction: Direction, beat: Transaction): void {
    if (direction === 'input') this.inputBeats += 1;
    else this.outputBeats += 1;
    this.kept?.[2 * c + (direction === 'input' ? 0 : 1)]!.push({ ...beat, tile: this.current?.index });
    const tile = this.current;
    if (tile !== undefined) {
      const core = tile.cores[c]!;
      (direction === 'input' ? core.input : core.output).beat(beat);
      return;
    }
    // Before any start pulse: wrong only when the waveform holds the run from before the first tile.
    if (this.firstCycle !== undefined && this.firstCycle <= (this.tileStarts[0] ?? 0)) this.beatBeforeFirstTile(c, direction, beat);
  }

  private beatBeforeFirstTile(c: number, direction: Direction, beat: Transaction): void {
    const streams = this.probes.cores[c]!;
    const stream = direction === 'input' ? streams.input : streams.output;
    this.add({
      fault: 'extra-beat',
      cycle: beat.cycle,
      signal: this.pathOf(stream.valid),
      expected: 'no beat',
      actual: `beat ${beat.payload.map(formatValue).join(', ')}`,
      core: c,
      message: `${stream.name}: a beat before the first start pulse, in cycle ${beat.cycle}`,
    });
  }

  private beginTile(cycle: number): void {
    this.endTile();
    const best = this.nearestUnseenTile(cycle);
    if (best < 0) {
      this.add({
        fault: 'timing',
        cycle,
        signal: this.pathOf(this.probes.start),
        expected: `${this.tileStarts.length} start pulses`,
        actual: 'one more',
        message: `a start pulse in cycle ${cycle} after the layer's ${this.tileStarts.length} tiles`,
      });
      return;
    }
    this.nextTile = best + 1;
    this.started.add(best);
    const predicted = this.tileStarts[best]!;
    const run = new TileRun(this.layer, best, this.input.prediction.tiles[best]!, cycle);
    if (predicted !== cycle) {
      this.add({
        fault: 'timing',
        cycle: Math.min(cycle, predicted),
        signal: this.pathOf(this.probes.start),
        expected: `cycle ${predicted}`,
        actual: `cycle ${cycle}`,
        tile: best,
        message: `${run.label}: start pulse in cycle ${cycle}, predicted ${predicted}`,
      });
    }
    this.current = run;
  }

  /** The tile whose predicted start is nearest the pulse, among those not yet seen; −1 when all were. */
  private nearestUnseenTile(cycle: number): number {
    let best = -1;
    for (let t = this.nextTile; t < this.tileStarts.length; t++) {
      if (best < 0 || Math.abs(this.tileStarts[t]! - cycle) < Math.abs(this.tileStarts[best]! - cycle)) best = t;
    }
    return best;
  }

  private endTile(): void {
    const tile = this.current;
    if (tile === undefined) return;
    this.current = undefined;
    const complete = this.lastCycle !== undefined && this.lastCycle >= tile.predictedDone;
    if (complete) this.tilesChecked += 1;
    else this.tilesPartial += 1;
    tile.finish(complete);
    for (const core of tile.cores) this.columnsTimed += core.columnsTimed;
  }

  stats(): WaveCheckStats {
    return {
      edges: this.edges,
      firstCycle: this.firstCycle,
      lastCycle: this.lastCycle,
      tiles: this.tileStarts.length,
      tilesChecked: this.tilesChecked,
      tilesPartial: this.tilesPartial,
      inputBeats: this.inputBeats,
      outputBeats: this.outputBeats,
      stallCycles: this.monitors.reduce((sum, m) => sum + m.input.stalls, 0),
      columnsTimed: this.columnsTimed,
    };
  }

  transactions(): StreamTransactions[] | undefined {
    return this.kept?.map((beats, i) => {
      const core = this.probes.cores[i >> 1]!;
      return { stream: (i & 1) === 0 ? core.input.name : core.output.name, beats };
    });
  }
}
