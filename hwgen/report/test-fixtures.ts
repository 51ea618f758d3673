/**
 * A hand-made ReportData with every section filled, for the report's tests: the counts the tests expect follow
 * from the numbers here (see each part's comment).
 */
import { defaultAccelerator } from '../config/load-config.ts';
import type { ParetoFile, ParetoPoint } from './pareto-file.ts';
import type { DesignReport, ModuleReport } from '../fpga/report.ts';
import { ZERO_RESOURCES } from '../fpga/targets.ts';
import { parseOrThrow } from '../util/zod-issues.ts';
import { manifestSchema } from '../workload/manifest-schema.ts';
import { type ResolvedWorkload, resolveWorkload } from '../workload/resolve.ts';
import { type SignalWindow, waveDromWindow } from '../../sim/waveform/diagnostics.ts';
import type { LayerReport, ReportData } from './report-data.ts';

const ENERGY_TABLE = { ann_mac: 0.3, snn_add: 0.1, spike: 0.03, fire: 0.1, sram_byte: 1.25 };

/**
 * conv1: ann0 runs 3 pipelined columns, snn0 2, snn1 none (idle); one tile's load and drain: 7 Gantt bars.
 * All five events are non-zero: 5 energy segments.
 */
const CONV1: LayerReport = {
  name: 'conv1',
  shape: { M: 8, K: 27, N: 5 },
  tiles: 1,
  cycles: 120,
  predictedCycles: 120,
  match: true,
  checked: true,
  problems: [],
  cores: [
    { id: 'ann0', kind: 'ann', busy: 30, intervals: [{ column: 0, start: 20, end: 40 }, { column: 1, start: 24, end: 44 }, { column: 2, start: 28, end: 48 }] },
    { id: 'snn0', kind: 'snn', busy: 70, intervals: [{ column: 3, start: 20, end: 60 }, { column: 4, start: 60, end: 90 }] },
    { id: 'snn1', kind: 'snn', busy: 0, intervals: [] },
  ],
  phases: [
    { kind: 'load', tile: 0, start: 0, end: 19 },
    { kind: 'drain', tile: 0, start: 90, end: 120 },
  ],
  energyPj: { ann_mac: 10_000, snn_add: 2000, spike: 300, fire: 100, sram_byte: 5000 },
};

/** fc1 (checked false, `<b>` in its problem to prove escaping): 2 tiles, 1 + 1 columns: 6 Gantt bars; 3 non-zero events. */
const FC1: LayerReport = {
  name: 'fc1',
  shape: { M: 4, K: 16, N: 2 },
  tiles: 2,
  cycles: 80,
  predictedCycles: 78,
  match: false,
  checked: false,
  problems: ['fc1: 80 cycles, predicted 78 <b>'],
  cores: [
    { id: 'ann0', kind: 'ann', busy: 10, intervals: [{ column: 0, start: 10, end: 20 }] },
    { id: 'snn0', kind: 'snn', busy: 20, intervals: [{ column: 1, start: 50, end: 70 }] },
    { id: 'snn1', kind: 'snn', busy: 0, intervals: [] },
  ],
  phases: [
    { kind: 'load', tile: 0, start: 0, end: 9 },
    { kind: 'drain', tile: 0, start: 21, end: 39 },
    { kind: 'load', tile: 1, start: 39, end: 49 },
    { kind: 'drain', tile: 1, start: 71, end: 78 },
  ],
  energyPj: { ann_mac: 500, snn_add: 0, spike: 0, fire: 20, sram_byte: 800 },
};

function moduleOf(module: string, instances: string[], lut: number, ff: number, cells: Record<string, number>): ModuleReport {
  const resources = { ...ZERO_RESOURCES, lut, ff };
  return { module, yosysName: module, parameters: { ROWS: 8 }, instances, memories: 0, memoryBits: 0, cells, resources, resourcesWithSubmodules: resources };
}

/** Three module variants (the SNN core twice): rows 100 + 300 + 2 × 200 LUTs = 800, cells 10 + 30 + 2 × 20 = 80. */
export function sampleDesignReport(): DesignReport {
  const modules = [
    moduleOf('hwgen_accel_top', ['(top)'], 100, 50, { $lut: 10 }),
    moduleOf('hwgen_ann_core', ['core[0].ann.array'], 300, 120, { $lut: 30 }),
    moduleOf('hwgen_snn_core', ['core[1].snn.snn_core', 'core[2].snn.snn_core'], 200, 90, { $lut: 20 }),
  ];
  return { top: 'hwgen_accel_top', modules, total: { ...ZERO_RESOURCES, lut: 800, ff: 350 }, cells: { $lut: 80 }, memoryBits: 0 };
}

function point(id: string, cycles: number, energyPj: number, cells: number, pareto: boolean): ParetoPoint {
  return { id, params: {}, config: defaultAccelerator().config, kind: id.startsWith('a') ? 'ann-only' : 'hybrid', cycles, energyPj, edpJs: energyPj * 1e-12 * cycles * 1e-8, area: { cells, memoryBits: 0 }, pareto };
}

/** Five points, two on the front (labelled); two iso-area budgets. */
export function sampleParetoFile(): ParetoFile {
  return {
    generator: 'hwgen 0.1.0',
    space: 'space.yaml',
    workload: 'demo',
    objectives: ['cycles', 'energyPj', 'area.cells'],
    points: [
      point('a1x8x8', 10_977, 356_000, 4000, true),
      point('a2x8x8', 6000, 380_000, 7000, false),
      point('h1x8x8-s2x16', 9000, 300_000, 6000, true),
      point('h2x8x8-s2x16', 7000, 420_000, 9000, false),
      point('h1x4x4-s1x16', 40_000, 500_000, 2000, false),
    ],
    isoArea: [
      { budgetCells: 5000, bestAnnOnly: 'a1x8x8', bestHybrid: null, throughputGain: null, edpChange: null },
      { budgetCells: 8000, bestAnnOnly: 'a1x8x8', bestHybrid: 'h1x8x8-s2x16', throughputGain: 0.2197, edpChange: -0.31 },
    ],
  };
}

/** Cycles 100..108 of one core's output stream; the focus is cycle 104, where y = 3 came and 5 was due. */
export function sampleWindow(): SignalWindow {
  const bits = (pattern: string): bigint[] => [...pattern].map((char) => BigInt(char));
  return {
    cycles: [100, 101, 102, 103, 104, 105, 106, 107, 108],
    times: [1000, 1010, 1020, 1030, 1040, 1050, 1060, 1070, 1080],
    focus: 104,
    timescale: { magnitude: 1, unit: 'ps', seconds: 1e-12 },
    rows: [
      { label: 'rst', signal: 'tb.rst', width: 1, values: bits('000000000') },
      { label: 'out_valid', signal: 'tb.out_valid', width: 1, values: bits('001111100') },
      { label: 'out_level', signal: 'tb.out_level', width: 8, values: ['xxxxxxxx', 'xxxxxxxx', 1n, 2n, 3n, 3n, 7n, 7n, 7n] },
    ],
  };
}

/** The figures of the sample report, in page order. */
export const SAMPLE_FIGURES = ['layers', 'gantt-conv1', 'gantt-fc1', 'utilisation', 'energy', 'energy-table', 'resources', 'pareto', 'pareto-front', 'iso-area', 'waveform'];

/** Every section filled: two layers, resources, a Pareto front, a mismatch window. */
export function sampleReport(): ReportData {
  const window = sampleWindow();
  return {
    title: 'sample <design> & run',
    design: { name: 'hwgen_default', ann: { arrays: 1, rows: 8, cols: 8 }, snn: { cores: 2, lanes: 16 }, clockMHz: 100, configHash: 'ab'.repeat(32) },
    run: { workload: 'demo', simulator: 'verilator', policy: 'cost', seed: 0, generator: 'hwgen 0.1.0' },
    layers: [CONV1, FC1],
    utilisation: [
      { id: 'ann0', kind: 'ann', busy: 40, total: 198 },
      { id: 'snn0', kind: 'snn', busy: 90, total: 198 },
      { id: 'snn1', kind: 'snn', busy: 0, total: 198 },
    ],
    energyTablePj: ENERGY_TABLE,
    resources: { target: 'generic', report: sampleDesignReport() },
    pareto: sampleParetoFile(),
    mismatch: { layer: 'fc1', wavedrom: waveDromWindow(window, 'fc1: wrong-value in cycle 104, core 0 (ann 0)', { row: 'out_level', expected: 5n }), text: 'fc1: waveform: 1 finding; the first:\n  expected  5\n  actual    3' },
  };
}

/** Two small conv layers (c1: 3 × 6·6 outputs from 2 × 6·6 inputs, pooled; c2 on them), all synthetic. */
const SMALL_CONV = {
  name: 'small_conv',
  layers: [
    { name: 'c1', kind: 'conv2d', T: 7, inLevels: 15, input: { synthetic: { shape: [2, 6, 6], density: 0.5, seed: 1 } }, weights: { synthetic: { shape: [3, 2, 3, 3], seed: 2 } }, theta: 300, padding: 1, pool: { size: 2 } },
    { name: 'c2', kind: 'conv2d', T: 7, weights: { synthetic: { shape: [4, 3, 3, 3], seed: 3 } }, theta: 120, padding: 1 },
  ],
};

/** The first `layers` layers of SMALL_CONV, resolved. */
export async function smallConvWorkload(layers: 1 | 2): Promise<ResolvedWorkload> {
  const manifest = { ...SMALL_CONV, layers: SMALL_CONV.layers.slice(0, layers) };
  return resolveWorkload({ manifest: parseOrThrow(manifestSchema, manifest, 'small_conv.yaml'), file: 'small_conv.yaml', baseDir: '.' });
}
