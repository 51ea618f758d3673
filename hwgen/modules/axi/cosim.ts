/**
 * Co-simulation of the AXI wrapper: a layer runs through hwgen_axi_top as a processor with a DMA would run it.
 * The host driver's program for the bare top (hwgen/host/driver.ts) is decoded into what it writes on each load
 * bus, which layer configuration it holds and what it reads back; that becomes AXI4-Lite register writes, stream
 * beats, a wait for the interrupt, stream drains and counter reads (an axi.hex the AXI testbench,
 * hwgen/modules/axi/axi_tb.v.hbs, plays on Verilator or Icarus). The check is the bare top's: every output level equals the
 * golden model, every tile's run cycles (CYCLES) and every core's counters equal the exact cost model, and the
 * identification registers say what the generator built.
 */
import type { Accelerator } from '../../config/load-config.ts';
import { predictedCounters } from '../../cost/accel-counters.ts';
import { designOf, planLayer, predictLayer } from '../../cost/layer.ts';
import { CheckError } from '../../errors.ts';
import { annLayer } from '../../golden/ann.ts';
import { DRAIN_SWEEP_PORT, type LayerProgram, layerProgram, programBytes } from '../../host/driver.ts';
import { decodeProgram } from '../../host/program-decode.ts';
import { PROGRAM_OPS, parseCapture } from '../../host/program.ts';
import type { PolicyName } from '../../schedule/types.ts';
import type { GemmLayer } from '../../workload/gemm-layer.ts';
import type { SimulatorName } from '../../../sim/types.ts';
import { cosimulate } from '../../../testbench/harness.ts';
import { ACCEL_COUNTERS, accelTopWidths } from '../accel/arch.ts';
import { generateAccelTop } from '../accel/generator.ts';
import type { ModuleDescription } from '../../arch/module.ts';
import { renderVerilog } from '../../generate/render.ts';
import {
  AXI_ID, AXI_MAP_VERSION, CONFIG_PORTS, CTRL_DRAIN, CTRL_SOFT_RESET, CTRL_START, DEFAULT_AXIS_BITS, REGISTERS, STATUS_DRAINING, type AxiLoadBus, axiLoadBuses, generateAxiTop,
} from './generator.ts';

export const AXI_TB_MODULE = 'hwgen_axi_tb';
export const AXI_OPS = { write: 0, read: 1, send: 2, wait: 3, recv: 4, mark: 5, end: 6, idle: 7, poll: 8 } as const;

/** Builds axi.hex: one command per line, {op[3:0], arg[31:0], data[DW-1:0]}. */
export class AxiProgram {
  private readonly lines: string[] = [];
  private reads = 0;
  private beats = 0;
  readonly dataBits: number;

  constructor(readonly axisBits: number) {
    this.dataBits = Math.max(axisBits, 32);
  }

  private push(op: number, arg: number, data: bigint = 0n): void {
    if (data < 0n || data >= 1n << BigInt(this.dataBits)) throw new RangeError(`axi program: data ${data} does not fit ${this.dataBits} bits`);
    this.lines.push(((BigInt(op) << BigInt(32 + this.dataBits)) | (BigInt(arg >>> 0) << BigInt(this.dataBits)) | data).toString(16));
  }

  write(address: number, value: number | bigint): void {
    this.push(AXI_OPS.write, address, BigInt(value));
  }

  /** Returns the read's index in reads.hex. */
  read(address: number): number {
    this.push(AXI_OPS.read, address);
    return this.reads++;
  }

  send(data: bigint, last = false): void {
    this.push(AXI_OPS.send, last ? 1 : 0, data);
  }

  /** Reads `address` until it holds `value`. */
  poll(address: number, value: number): void {
    this.push(AXI_OPS.poll, address, BigInt(value >>> 0));
  }

  waitIrq(): void {
    this.push(AXI_OPS.wait, 0);
  }

  /** Returns the first beat's index in beats.hex. */
  receive(beats: number): number {
    this.push(AXI_OPS.recv, beats);
    const first = this.beats;
    this.beats += beats;
    return first;
  }

  mark(id: number): void {
    this.push(AXI_OPS.mark, id);
  }

  idle(cycles: number): void {
    this.push(AXI_OPS.idle, cycles);
  }

  finish(): string {
    this.push(AXI_OPS.end, 0);
    return `${this.lines.join('\n')}\n`;
  }
}

/** What sits between the testbench's masters and the wrapper: FIFO depths, 0 for a wire. */
export interface AxiPath {
  /** Every AXI4-Lite channel (2: a fully registered register slice). */
  readonly liteDepth: number;
  /** s_axis. */
  readonly axisDepth: number;
}

export const DIRECT_PATH: AxiPath = { liteDepth: 0, axisDepth: 0 };
/** A register slice on AXI4-Lite and a 3-deep AXI4-Stream FIFO on s_axis, as a DMA path has them. */
export const DMA_PATH: AxiPath = { liteDepth: 2, axisDepth: 3 };

/** The testbench; it sets the wrapper's AXIS_W to `axisBits`, whatever default the wrapper was generated with. */
export function renderAxiTb(axi: ModuleDescription, configHash: string, axisBits: number, path: AxiPath = DIRECT_PATH): string {
  const context = { axisBits, dataBits: Math.max(axisBits, 32), liteDepth: path.liteDepth, axisDepth: path.axisDepth };
  return renderVerilog('hwgen/modules/axi/axi_tb.v.hbs', context, { file: `${AXI_TB_MODULE}.v`, configHash, summary: `AXI testbench for ${axi.name}` });
}

// ---------------------------------------------------------------------------------------------
// The bare top's program, decoded.

interface BusWord {
  readonly addr: number;
  readonly core: number;
  readonly word: bigint;
}

interface TileTraffic {
  readonly config: Readonly<Record<string, bigint>>;
  readonly words: ReadonlyMap<number, BusWord[]>;
}

/** Per tile: the configuration held at its start cycle and the words of every load bus, in program order. */
function tileTraffic(program: LayerProgram, buses: readonly AxiLoadBus[]): TileTraffic[] {
  const lines = decodeProgram(programBytes(program), program.ports, DRAIN_SWEEP_PORT);
  const tiles: TileTraffic[] = [];
  let words = new Map<number, BusWord[]>();
  for (const line of lines) {
    if (line.op !== PROGRAM_OPS.play) continue;
    // The start line holds the tile's configuration and closes its loads.
    if (line.values.start === 1n) {
      tiles.push({ config: line.values, words });
      words = new Map();
      continue;
    }
    for (const bus of buses) {
      if (line.values[bus.en] !== 1n) continue;
      let word = 0n;
      for (const field of bus.fields) word |= (line.values[field.port] ?? 0n) << BigInt(field.offset);
      const list = words.get(bus.id) ?? [];
      list.push({ addr: Number(line.values[bus.addr] ?? 0n), core: Number(line.values.sched_wr_core ?? 0n), word });
      words.set(bus.id, list);
    }
  }
  return tiles;
}

/** Runs of consecutive addresses (for schedules: of one core), each written from one LOAD_ADDR. */
function runsOf(words: readonly BusWord[]): BusWord[][] {
  const runs: BusWord[][] = [];
  for (const word of words) {
    const run = runs[runs.length - 1];
    const last = run?.[run.length - 1];
    if (run !== undefined && last !== undefined && word.addr === last.addr + 1 && word.core === last.core) run.push(word);
    else runs.push([word]);
  }
  return runs;
}

// ---------------------------------------------------------------------------------------------
// The AXI program of a layer and its read-back.

interface TileReads {
  readonly cyclesLo: number;
  readonly cyclesHi: number;
  /** Per core (schedule order): its first beat, or -1 when it has no columns. */
  readonly beats: readonly number[];
}

export interface AxiLayerProgram {
  readonly text: string;
  readonly tiles: readonly TileReads[];
  /** Core c's counter j: low half at counterReads + 2·(8c + j), high half next. */
  readonly counterReads: number;
  readonly identity: { readonly id: number; readonly info: number; readonly beats: readonly number[] };
  /** After CTRL.SOFT_RESET: CYCLES_LO and core 0's first counter, both 0. */
  readonly afterReset: readonly number[];
  /** CTRL.SOFT_RESET while a drain's first beat stalls on m_axis_tready (see softResetWhileStalled). */
  readonly stalledReset: StalledReset | undefined;
  readonly laneBytes: number;
}

export function axiLayerProgram(accelerator: Accelerator, program: LayerProgram, axisBits: number): AxiLayerProgram {
  const buses = axiLoadBuses(generateAccelTop(accelerator), axisBits);
  const { entryBits } = accelTopWidths(accelerator);
  const cores = program.cores;
  const laneBytes = axisBits / 8;
  const axi = new AxiProgram(axisBits);
  const identity = { id: axi.read(REGISTERS.ID), info: axi.read(REGISTERS.INFO), beats: buses.map((bus) => axi.read(REGISTERS.BEATS + 4 * bus.id)) };
  axi.write(REGISTERS.IRQ_EN, 1);
  const beatMask = (1n << BigInt(axisBits)) - 1n;
  const tiles = tileTraffic(program, buses).map((traffic, t): TileReads => {
    const host = program.tiles[t];
    if (host === undefined) throw new Error(`axi program: tile ${t} has no host tile`);
    CONFIG_PORTS.forEach((name, i) => axi.write(REGISTERS.CONFIG + 4 * i, traffic.config[name] ?? 0n));
    const entries = traffic.config.cfg_entries ?? 0n;
    for (let c = 0; c < cores; c++) axi.write(REGISTERS.ENTRIES + 4 * c, (entries >> BigInt(c * entryBits)) & ((1n << BigInt(entryBits)) - 1n));
    axi.mark(4 * t);
    for (const bus of buses) {
      for (const run of runsOf(traffic.words.get(bus.id) ?? [])) {
        const first = run[0];
        if (first === undefined) continue;
        axi.write(REGISTERS.LOAD_SEL, bus.id | (first.core << 8));
        axi.write(REGISTERS.LOAD_ADDR, first.addr);
        run.forEach(({ word }, w) => {
          for (let b = 0; b < bus.beats; b++) axi.send((word >> BigInt(b * axisBits)) & beatMask, w === run.length - 1 && b === bus.beats - 1);
        });
        // The DMA being done is not the words being written (a FIFO may still hold beats): wait for LOAD_WORDS
        // before LOAD_SEL, LOAD_ADDR or START changes what the next beats mean.
        axi.poll(REGISTERS.LOAD_WORDS, run.length);
      }
    }
    axi.mark(4 * t + 1);
    axi.write(REGISTERS.CTRL, CTRL_START);
    axi.waitIrq();
    axi.mark(4 * t + 2);
    const cyclesLo = axi.read(REGISTERS.CYCLES_LO);
    const cyclesHi = axi.read(REGISTERS.CYCLES_HI);
    const M = host.tile.tile.rowEnd - host.tile.tile.rowStart;
    const beats = host.tile.schedule.cores.map((core, c) => {
      const levels = core.columns.length * M;
      if (levels === 0) return -1;
      axi.write(REGISTERS.OUT_CORE, c);
      axi.write(REGISTERS.OUT_ADDR, 0);
      axi.write(REGISTERS.OUT_COUNT, levels);
      axi.write(REGISTERS.CTRL, CTRL_DRAIN);
      return axi.receive(Math.ceil(levels / laneBytes));
    });
    axi.mark(4 * t + 3);
    return { cyclesLo, cyclesHi, beats };
  });
  let counterReads = -1;
  for (let c = 0; c < cores; c++) {
    ACCEL_COUNTERS.forEach((_, j) => {
      const lo = axi.read(REGISTERS.COUNTERS + 0x40 * c + 8 * j);
      axi.read(REGISTERS.COUNTERS + 0x40 * c + 8 * j + 4);
      if (counterReads < 0) counterReads = lo;
    });
  }
  const stalledReset = softResetWhileStalled(axi, program, tiles);
  if (stalledReset === undefined) {
    axi.write(REGISTERS.CTRL, CTRL_SOFT_RESET);
    axi.idle(2);
  }
  const afterReset = [axi.read(REGISTERS.CYCLES_LO), axi.read(REGISTERS.COUNTERS)];
  return { text: axi.finish(), tiles, counterReads, identity, afterReset, stalledReset, laneBytes };
}

export interface StalledReset {
  /** The beat taken after the soft reset, and the one it must equal (the same drain's first beat, taken before). */
  readonly beat: number;
  readonly expectedBeat: number;
  /** STATUS read while the beat stalls after the reset (DRAINING set) and after it was taken (DRAINING clear). */
  readonly statusStalled: number;
  readonly statusAfter: number;
}

/**
 * Drains the last tile's first core with levels again, leaves its first beat stalled (m_axis_tready low), writes
 * CTRL.SOFT_RESET and only then takes one beat: the stream rule says the stalled beat survives unchanged (the
 * testbench's monitor $fatal's otherwise) and nothing follows it.
 */
function softResetWhileStalled(axi: AxiProgram, program: LayerProgram, tiles: readonly TileReads[]): StalledReset | undefined {
  const t = tiles.length - 1;
  const host = program.tiles[t]?.tile;
  const reads = tiles[t];
  if (host === undefined || reads === undefined) return undefined;
  const c = reads.beats.findIndex((first) => first >= 0);
  const columns = host.schedule.cores[c]?.columns.length ?? 0;
  if (c < 0 || columns === 0) return undefined;
  const levels = columns * (host.tile.rowEnd - host.tile.rowStart);
  axi.write(REGISTERS.OUT_CORE, c);
  axi.write(REGISTERS.OUT_ADDR, 0);
  axi.write(REGISTERS.OUT_COUNT, levels);
  axi.write(REGISTERS.CTRL, CTRL_DRAIN);
  axi.idle(axi.axisBits / 8 + 8);
  axi.write(REGISTERS.CTRL, CTRL_SOFT_RESET);
  axi.idle(8);
  const statusStalled = axi.read(REGISTERS.STATUS);
  const beat = axi.receive(1);
  const statusAfter = axi.read(REGISTERS.STATUS);
  return { beat, expectedBeat: reads.beats[c] ?? -1, statusStalled, statusAfter };
}

// ---------------------------------------------------------------------------------------------
// Running it.

export interface AxiSimOptions {
  readonly policy: PolicyName;
  readonly seed: number;
  readonly simulator: SimulatorName;
  readonly workDir: string;
  /** Stream width (default 32). */
  readonly axisBits?: number;
  /** The testbench's gap and stall generator (0: none). */
  readonly stallSeed?: number;
  /** FIFOs between the testbench and the wrapper (default none). */
  readonly path?: AxiPath;
  /** The AXIS_W the wrapper is generated with (default axisBits); the testbench overrides it with axisBits. */
  readonly generatedAxisBits?: number;
}

export interface AxiSimResult {
  readonly outputs: Uint8Array;
  readonly problems: readonly string[];
  readonly tiles: number;
  /** Cycles of the whole AXI program (loads, runs, drains, reads). */
  readonly axiCycles: number;
  /** Σ of every tile's CYCLES register (the runs alone). */
  readonly runCycles: number;
  /** Σ of the bare top's tile cycles the cost model predicts (loads on seven parallel buses, runs, drains). */
  readonly predictedCycles: number;
  /** Per tile: load, run (start to irq) and drain cycles through AXI, from the marks. */
  readonly phases: readonly { readonly load: number; readonly run: number; readonly drain: number }[];
}

/** A read's value: 8 hex digits, anything else (x or z bits) refused. */
function readValue(line: string): number | undefined {
  return /^[0-9a-fA-F]{8}$/.test(line) ? Number.parseInt(line, 16) : undefined;
}

/** A beat {tlast, tkeep, tdata} with the bytes tkeep leaves out cleared (they carry stale levels). */
function keptBeat(value: bigint | undefined, axisBits: number): bigint | undefined {
  if (value === undefined) return undefined;
  const keep = (value >> BigInt(axisBits)) & ((1n << BigInt(axisBits / 8)) - 1n);
  let kept = value >> BigInt(axisBits) << BigInt(axisBits);
  for (let b = 0; b < axisBits / 8; b++) if ((keep >> BigInt(b)) & 1n) kept |= value & (0xffn << BigInt(8 * b));
  return kept;
}

/** The soft reset left the stalled beat as it was, and no beat after it. */
function stalledResetProblems(stalled: StalledReset | undefined, axisBits: number, beats: readonly { readonly value: bigint }[], read: (index: number) => number): string[] {
  if (stalled === undefined) return ['no drain to stall for the soft-reset check'];
  const problems: string[] = [];
  const got = keptBeat(beats[stalled.beat]?.value, axisBits), expected = keptBeat(beats[stalled.expectedBeat]?.value, axisBits);
  if (got === undefined || got !== expected) problems.push(`beat after a soft reset while stalled: ${got?.toString(16)}, expected the drain's first beat ${expected?.toString(16)}`);
  if ((read(stalled.statusStalled) & STATUS_DRAINING) === 0) problems.push('soft reset while a beat stalls: STATUS.DRAINING fell before the beat was taken');
  if ((read(stalled.statusAfter) & STATUS_DRAINING) !== 0) problems.push('soft reset while a beat stalls: STATUS.DRAINING still set after the beat was taken');
  return problems;
}

/** One GEMM layer through hwgen_axi_top on a simulator, checked like `hwgen sim` checks the bare top. */
export async function simulateAxiGemm(accelerator: Accelerator, gemm: GemmLayer, options: AxiSimOptions): Promise<AxiSimResult> {
  const axisBits = options.axisBits ?? DEFAULT_AXIS_BITS;
  const design = designOf(accelerator);
  const golden = annLayer(gemm);
  const plan = planLayer(gemm, design, options.policy, { seed: options.seed, outputs: golden });
  const prediction = predictLayer(gemm, plan, design, { outputs: golden });
  const program = layerProgram(accelerator, gemm, prediction.tiles.map(({ tile, schedule, weightKinds }) => ({ tile, schedule, weightKinds })));
  const axiProgram = axiLayerProgram(accelerator, program, axisBits);
  const axi = generateAxiTop(accelerator, { axisBits: options.generatedAxisBits ?? axisBits });

  const sim = await cosimulate({
    simulator: options.simulator,
    workDir: options.workDir,
    design: [axi],
    testbench: { module: AXI_TB_MODULE, text: renderAxiTb(axi, accelerator.hash, axisBits, options.path) },
    inputs: { 'axi.hex': axiProgram.text },
    plusargs: { seed: options.stallSeed ?? 0, max_wait: 10_000_000 },
    timeoutMs: 3_600_000,
  });
  const reads = await sim.parseLines('reads.hex', 'a 32-bit hex word (x or z bits?)', readValue);
  const beats = await sim.parseLines('beats.hex', 'a hex word', parseCapture);
  const marks = await sim.marks('marks.txt');
  const read = (index: number): number => {
    const value = reads[index];
    if (value === undefined) throw new CheckError(`read ${index} is missing (${reads.length} read)`);
    return value;
  };

  const problems: string[] = [];
  const L = axiProgram.laneBytes;
  const expect = (what: string, got: number, expected: number): void => {
    if (got !== expected) problems.push(`${what}: ${got}, expected ${expected}`);
  };
  // Identification.
  const { ann, snn } = accelerator.config;
  expect('ID', read(axiProgram.identity.id), AXI_ID);
  expect('INFO', read(axiProgram.identity.info), ((AXI_MAP_VERSION << 24) | (L << 16) | (snn.cores << 8) | ann.arrays) >>> 0);
  axiLoadBuses(generateAccelTop(accelerator), axisBits).forEach((bus, b) => expect(`BEATS[${b}]`, read(axiProgram.identity.beats[b] ?? -1), bus.beats));

  // Outputs and run cycles, tile by tile.
  const outputs = new Uint8Array(gemm.M * gemm.N);
  const keepBits = BigInt(L);
  let runCycles = 0;
  axiProgram.tiles.forEach((tileReads, t) => {
    const host = program.tiles[t]?.tile;
    const predicted = prediction.tiles[t];
    if (host === undefined || predicted === undefined) throw new Error(`tile ${t} is missing`);
    const cycles = read(tileReads.cyclesLo) + read(tileReads.cyclesHi) * 2 ** 32;
    runCycles += cycles;
    expect(`tile ${t} CYCLES`, cycles, predicted.dispatch.cycles);
    const { rowStart, rowEnd, colStart } = host.tile;
    const M = rowEnd - rowStart;
    host.schedule.cores.forEach((core, c) => {
      const first = tileReads.beats[c] ?? -1;
      if (first < 0) return;
      const levels = core.columns.length * M;
      const count = Math.ceil(levels / L);
      for (let k = 0; k < count; k++) {
        const beat = beats[first + k];
        if (beat === undefined) throw new CheckError(`beat ${first + k} is missing (${beats.length} received)`);
        const inBeat = Math.min(L, levels - k * L);
        const last = (beat.value >> (BigInt(axisBits) + keepBits)) & 1n;
        const keep = (beat.value >> BigInt(axisBits)) & ((1n << keepBits) - 1n);
        expect(`tile ${t} core ${c} beat ${k} tlast`, Number(last), k === count - 1 ? 1 : 0);
        if (keep !== (1n << BigInt(inBeat)) - 1n) problems.push(`tile ${t} core ${c} beat ${k}: tkeep ${keep.toString(2)}, expected ${inBeat} levels`);
        for (let b = 0; b < inBeat; b++) {
          if (((beat.unknown >> BigInt(8 * b)) & 0xffn) !== 0n) problems.push(`tile ${t} core ${c} beat ${k} level ${b} has x or z bits`);
          const level = k * L + b;
          const i = Math.floor(level / M), m = level % M;
          const column = core.columns[i];
          if (column === undefined) throw new Error(`level ${level} past core ${c}'s columns`);
          outputs[(rowStart + m) * gemm.N + colStart + column] = Number((beat.value >> BigInt(8 * b)) & 0xffn);
        }
      }
    });
  });
  let mismatches = 0;
  let firstMismatch = -1;
  golden.forEach((value, i) => {
    if (outputs[i] !== value) {
      mismatches += 1;
      if (firstMismatch < 0) firstMismatch = i;
    }
  });
  if (mismatches > 0) {
    problems.push(`${gemm.name}: ${mismatches} of ${golden.length} output levels differ from the golden model; first Y[${Math.floor(firstMismatch / gemm.N)}, ${firstMismatch % gemm.N}] = ${outputs[firstMismatch]}, expected ${golden[firstMismatch]}`);
  }
  // Counters.
  for (let c = 0; c < program.cores; c++) {
    const expected = predictedCounters(prediction, design, gemm.K, c);
    ACCEL_COUNTERS.forEach((name, j) => {
      const index = axiProgram.counterReads + 2 * (8 * c + j);
      expect(`core ${c} counter ${name}`, read(index) + read(index + 1) * 2 ** 32, expected[name]);
    });
  }
  axiProgram.afterReset.forEach((index, i) => expect(`after soft reset, ${i === 0 ? 'CYCLES_LO' : 'core 0 busy'}`, read(index), 0));
  problems.push(...stalledResetProblems(axiProgram.stalledReset, axisBits, beats, read));

  const phases = axiProgram.tiles.map((_, t) => {
    const at = (phase: number) => marks.get(4 * t + phase) ?? 0;
    return { load: at(1) - at(0), run: at(2) - at(1), drain: at(3) - at(2) };
  });
  return {
    outputs,
    problems,
    tiles: axiProgram.tiles.length,
    axiCycles: Math.max(0, ...marks.values()),
    runCycles,
    predictedCycles: prediction.cycles,
    phases,
  };
}
