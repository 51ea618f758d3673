/**
 * What one SNN lane and one MAC cost in area, counted as the design-space exploration counts it
 * (hwgen/explore/area.ts): yosys generic cells from `hwgen synth --target generic`'s flow (hwgen/fpga/synth.ts),
 * through its content-hash cache (.cache/fpga, HWGEN_FPGA_CACHE), so a second run costs a hash per core.
 * Each core is synthesised alone (top = hwgen_snn_core or hwgen_ann_core with its fire stage submodule; the
 * hierarchy is kept, so the fire stage's share can be read off), from the base of examples/spaces/iso-area.yaml
 * (21-bit accumulators) set to each case's sizes the way explore builds a point. The SNN core at 16, 32 and 64
 * lanes gives cells per lane and the marginal cost of a lane, (cells64 − cells16) / 48; the ANN core 8×8 gives
 * cells per MAC.
 * Memories stay `$mem_v2` cells (the generic flow does not map them to gates): they are left out of the logic
 * cells and listed with their bits; explore's own count (last column) takes each memory as one cell.
 * Part of `make bench`; alone: `npx tsx hwgen/bench/lane-cost.ts`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ModuleDescription } from '../arch/module.ts';
import type { Accelerator } from '../config/load-config.ts';
import { InputError } from '../errors.ts';
import { totalCells } from '../explore/area.ts';
import { enumeratePoints } from '../explore/points.ts';
import { type Space, loadSpace } from '../explore/space.ts';
import type { ModuleReport } from '../fpga/report.ts';
import { type SynthResult, synthesize } from '../fpga/synth.ts';
import { generateAnnCore } from '../modules/ann-core/generator.ts';
import { generateSnnCore } from '../modules/snn-core/generator.ts';
import { markdownTable } from '../util/measure.ts';
import { type Progress, silentProgress, stderrProgress } from '../util/progress.ts';

/** The space whose base config every case starts from (the iso-area comparison's designs). */
export const LANE_COST_SPACE = fileURLToPath(new URL('../../examples/spaces/iso-area.yaml', import.meta.url));

type CoreKind = 'snn' | 'ann';

interface LaneCostCase {
  readonly core: CoreKind;
  /** Values set on the space's base, by the space file's parameter names. */
  readonly set: Readonly<Record<string, number>>;
  /** snn.shiftAdd (not a swept parameter): one add of w·2^b per set bit of a level. */
  readonly shiftAdd?: boolean;
}

/** The first and last SNN cases bound the marginal lane cost; the ANN case is the iso-area space's array. */
export const LANE_COST_CASES: readonly LaneCostCase[] = [
  { core: 'snn', set: { 'snn.cores': 1, 'snn.lanes': 16 } },
  { core: 'snn', set: { 'snn.cores': 1, 'snn.lanes': 32 } },
  { core: 'snn', set: { 'snn.cores': 1, 'snn.lanes': 64 } },
  { core: 'snn', set: { 'snn.cores': 1, 'snn.lanes': 16 }, shiftAdd: true },
  { core: 'snn', set: { 'snn.cores': 1, 'snn.lanes': 64 }, shiftAdd: true },
  { core: 'ann', set: { 'ann.arrays': 1, 'ann.rows': 8, 'ann.cols': 8 } },
];

export interface CoreCost {
  readonly core: CoreKind;
  readonly label: string;
  readonly shiftAdd: boolean;
  /** SNN lanes or ANN MACs: what the area is divided by. */
  readonly units: number;
  readonly accumulatorBits: number;
  /** Every generic cell but the memories. */
  readonly logicCells: number;
  readonly flipFlops: number;
  /** The core's submodules: its fire stage (hwgen_qcfs_fire in the ANN core). */
  readonly fireModules: readonly string[];
  /** Logic cells of the fire stage's instances; the rest of logicCells is the core's own. */
  readonly fireCells: number;
  readonly memories: number;
  readonly memoryBits: number;
  /** Explore's area figure: every cell, each memory counted as one. */
  readonly exploreCells: number;
  readonly cached: boolean;
}

/** The case's design, made by explore's own point enumeration so the config is exactly a point's. */
function caseAccelerator(space: Space, laneCase: LaneCostCase): Accelerator {
  const { set, shiftAdd = false } = laneCase;
  const parameters = Object.entries(set).map(([name, value]) => ({ name, values: [value] }));
  const base = { ...space.base, snn: { ...space.base.snn, shiftAdd } };
  const { points, notes } = enumeratePoints({ ...space, base, parameters });
  const point = points[0];
  if (point === undefined) throw new InputError(space.file, 'base', `no design for ${JSON.stringify(set)}: ${notes.join('; ')}`);
  return point.accelerator;
}

function coreTop(core: CoreKind, accelerator: Accelerator): ModuleDescription {
  return core === 'snn' ? generateSnnCore(accelerator) : generateAnnCore(accelerator);
}

function unitsOf(core: CoreKind, accelerator: Accelerator): number {
  const { snn, ann } = accelerator.config;
  return core === 'snn' ? snn.lanes : ann.rows * ann.cols;
}

function labelOf(core: CoreKind, accelerator: Accelerator): string {
  const { snn, ann } = accelerator.config;
  return core === 'snn' ? `SNN core, ${snn.lanes} lanes${snn.shiftAdd ? ', shift-add' : ''}` : `ANN core ${ann.rows}×${ann.cols} (${ann.rows * ann.cols} MACs)`;
}

/** The same synthesis as explore's synthesizedArea, with the core as top; its report folder is scratch. */
async function synthesizeCore(accelerator: Accelerator, top: ModuleDescription): Promise<SynthResult> {
  const scratch = await mkdtemp(join(tmpdir(), 'hwgen-lane-cost-'));
  try {
    return await synthesize(accelerator, top, { target: 'generic', out: join(scratch, 'synth'), inputs: [] });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** `$mem_v2` cells (and the older `$mem`): memories the generic flow leaves unmapped. */
function memoryCells(cells: Readonly<Record<string, number>>): number {
  return Object.entries(cells).reduce((sum, [type, count]) => (type.startsWith('$mem') ? sum + count : sum), 0);
}

function logicCells(cells: Readonly<Record<string, number>>): number {
  return totalCells(cells) - memoryCells(cells);
}

/**
 * A core's only submodule is its fire stage, found from the generator's description rather than by a fixed module
 * name, so the figure follows whichever fire stage the core instantiates. The fire stage has no submodules of its
 * own, so its own cells times its instances are all of it.
 */
function fireStageModules(top: ModuleDescription): string[] {
  return top.submodules.map((submodule) => submodule.name);
}

function fireStageCells(modules: readonly ModuleReport[], fireModules: readonly string[]): number {
  return modules.filter((module) => fireModules.includes(module.module)).reduce((sum, module) => sum + logicCells(module.cells) * module.instances.length, 0);
}

function costOf(core: CoreKind, accelerator: Accelerator, top: ModuleDescription, result: SynthResult): CoreCost {
  const fireModules = fireStageModules(top);
  return {
    core,
    label: labelOf(core, accelerator),
    shiftAdd: accelerator.config.snn.shiftAdd,
    units: unitsOf(core, accelerator),
    accumulatorBits: accelerator.accumulatorBits,
    logicCells: logicCells(result.cells),
    flipFlops: result.total.ff,
    fireModules,
    fireCells: fireStageCells(result.modules, fireModules),
    memories: memoryCells(result.cells),
    memoryBits: result.memoryBits,
    exploreCells: totalCells(result.cells),
    cached: result.cached,
  };
}

export async function measureLaneCost(progress: Progress = silentProgress): Promise<CoreCost[]> {
  const space = await loadSpace(LANE_COST_SPACE);
  const costs: CoreCost[] = [];
  // One at a time: a large core's yosys run wants the machine, and cached ones take no time anyway.
  for (const laneCase of LANE_COST_CASES) {
    const accelerator = caseAccelerator(space, laneCase);
    const top = coreTop(laneCase.core, accelerator);
    const done = progress.start(`yosys generic of ${top.name} alone: ${labelOf(laneCase.core, accelerator)}, ${accelerator.accumulatorBits}-bit accumulators`);
    const cost = costOf(laneCase.core, accelerator, top, await synthesizeCore(accelerator, top));
    done(`${cost.logicCells} logic cells, ${cost.memories} memories${cost.cached ? ' (cached)' : ''}`);
    costs.push(cost);
  }
  return costs;
}

function count(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

function perUnit(value: number): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
}

function percent(part: number, whole: number): string {
  return `${((100 * part) / whole).toFixed(1)} %`;
}

function unitName(core: CoreKind): string {
  return core === 'snn' ? 'lane' : 'MAC';
}

/** (cells − cells of the smallest) / (units − its units): what each lane added beyond the smallest core of its kind. */
function marginal(cost: CoreCost, smallest: CoreCost | undefined, cells: (cost: CoreCost) => number): number | undefined {
  if (smallest === undefined || cost.core !== smallest.core || cost.shiftAdd !== smallest.shiftAdd || cost.units === smallest.units) return undefined;
  return (cells(cost) - cells(smallest)) / (cost.units - smallest.units);
}

function tableRow(cost: CoreCost, costs: readonly CoreCost[]): string[] {
  const added = marginal(cost, smallestLike(cost, costs), (c) => c.logicCells);
  return [
    cost.label,
    count(cost.logicCells),
    count(cost.flipFlops),
    `${perUnit(cost.logicCells / cost.units)} /${unitName(cost.core)}`,
    added === undefined ? '—' : `${perUnit(added)} /lane`,
    `${cost.fireModules.join(', ')}: ${count(cost.fireCells)} (${percent(cost.fireCells, cost.logicCells)})`,
    `${count(cost.logicCells - cost.fireCells)} (${percent(cost.logicCells - cost.fireCells, cost.logicCells)})`,
    `${cost.memories}, ${count(cost.memoryBits)} bits`,
    count(cost.exploreCells),
  ];
}

/** The first (smallest) core of the same kind and adder style as `cost`. */
function smallestLike(cost: CoreCost, costs: readonly CoreCost[]): CoreCost | undefined {
  return costs.find((other) => other.core === cost.core && other.shiftAdd === cost.shiftAdd);
}

/** The one-line summary of the marginal lane cost between the smallest and the largest SNN core of one adder style. */
function marginalLine(snn: readonly CoreCost[]): string {
  const smallest = snn[0];
  const largest = snn.at(-1);
  if (smallest === undefined || largest === undefined || largest === smallest) return '';
  const all = marginal(largest, smallest, (c) => c.logicCells) ?? 0;
  const fire = marginal(largest, smallest, (c) => c.fireCells) ?? 0;
  return (
    `Marginal SNN lane${smallest.shiftAdd ? " (shift-add)" : ""}, ${smallest.units} → ${largest.units} lanes: (${count(largest.logicCells)} − ${count(smallest.logicCells)}) / ${largest.units - smallest.units} = ` +
    `${perUnit(all)} logic cells per lane, of which ${perUnit(fire)} in the fire stage and ${perUnit(all - fire)} in the rest of the core.`
  );
}

export async function laneCostBench(progress: Progress = silentProgress): Promise<string> {
  const costs = await measureLaneCost(progress);
  const snn = costs.filter((cost) => cost.core === 'snn');
  const bits = costs[0]?.accumulatorBits ?? 0;
  const styles = [false, true].map((shiftAdd) => snn.filter((cost) => cost.shiftAdd === shiftAdd)).filter((style) => style.length > 0);
  return [
    `### Lane cost: yosys generic cells of one core alone (iso-area base, ${bits}-bit accumulators)`,
    markdownTable(
      ['core', 'logic cells', 'of which FFs', 'per lane / MAC', `marginal per lane (vs ${snn[0]?.units ?? '?'} lanes)`, 'fire stage', 'rest of the core', 'memories ($mem_v2)', "explore's cells"],
      costs.map((cost) => tableRow(cost, costs)),
    ),
    '',
    ...styles.map(marginalLine),
    'Logic cells: every generic cell but the memories, which stay `$mem_v2` cells (not mapped to gates) and are listed with their bits; ' +
      "explore's area (last column) counts each memory as one cell.",
  ].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`${await laneCostBench(stderrProgress('bench'))}\n`);
}
