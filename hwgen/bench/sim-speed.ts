/**
 * Simulation speed of the program player (docs/results.md, "Simulation speed"): a whole zoo layer's host program
 * played into the default design's accelerator top, stimulus included (the testbench reads program.bin, drives
 * the inputs, writes the captures). The program is written to a regular file before the simulator starts, so the
 * timed run is the simulator alone; every run must reach the layer's predicted cycle count. Builds go to a fresh
 * cache, so a simulator's first build is uncached (the runner's default flags); the model does not depend on the
 * layer, so later cases on that simulator reuse it.
 * Part of `make bench`; alone: `npx tsx hwgen/bench/sim-speed.ts [--keep DIR]` (DIR keeps each layer's folder).
 */
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultAccelerator } from '../config/load-config.ts';
import { CheckError } from '../errors.ts';
import { layerRunPlan } from '../flows/layer-plan.ts';
import { PROGRAM_TB_MODULE, renderProgramTb } from '../flows/program-player.ts';
import { DRAIN_SWEEP_PORT, layerProgram } from '../host/driver.ts';
import { generateAccelTop } from '../modules/accel/generator.ts';
import { markdownTable } from '../util/measure.ts';
import { type Progress, silentProgress, stderrProgress } from '../util/progress.ts';
import { zooGemmLayer } from '../zoo/zoo-gemm.ts';
import type { SimulatorName } from '../../sim/types.ts';
import { cosimulate } from '../../testbench/harness.ts';

interface SpeedCase {
  readonly simulator: SimulatorName;
  readonly network: string;
  readonly layer: string;
  /** Timed runs; the median is reported. */
  readonly runs: number;
}

/**
 * vgg16 conv3_1 (17.2 M cycles, 336 tiles) is the main figure, on Verilator only: Icarus would take about an
 * hour and a half. googlenet inception3a.1x1 (212 k cycles, 4 tiles) runs on both, for the ratio between them.
 */
export const SIM_SPEED_CASES: readonly SpeedCase[] = [
  { simulator: 'verilator', network: 'vgg16', layer: 'conv3_1', runs: 3 },
  { simulator: 'verilator', network: 'googlenet', layer: 'inception3a.1x1', runs: 3 },
  { simulator: 'icarus', network: 'googlenet', layer: 'inception3a.1x1', runs: 1 },
];

export interface SpeedRow {
  readonly simulator: SimulatorName;
  readonly layer: string;
  readonly cycles: number;
  readonly buildMs: number;
  /** The model was built for an earlier case (the testbench and design do not depend on the layer). */
  readonly cached: boolean;
  /** Wall time of each run of the simulator. */
  readonly runMs: readonly number[];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

async function writeChunks(file: string, chunks: Iterable<Uint8Array>): Promise<void> {
  const out = createWriteStream(file);
  const closed = once(out, 'close');
  for (const chunk of chunks) {
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await closed;
}

/** One case: its program written once, the model built into `cacheDir`, then `runs` timed runs in `workDir`. */
async function measureCase(speedCase: SpeedCase, workDir: string, cacheDir: string): Promise<SpeedRow> {
  const accelerator = defaultAccelerator();
  const gemm = await zooGemmLayer(speedCase.network, speedCase.layer);
  const { prediction } = layerRunPlan(accelerator, gemm, 'cost', 0);
  const program = layerProgram(accelerator, gemm, prediction.tiles.map(({ tile, schedule, weightKinds }) => ({ tile, schedule, weightKinds })));
  await mkdir(workDir, { recursive: true });
  await writeChunks(join(workDir, 'program.bin'), program.chunks());
  const top = generateAccelTop(accelerator);
  const name = `${speedCase.network} ${speedCase.layer}`;
  const runMs: number[] = [];
  let buildMs = 0;
  let cached = false;
  for (let run = 0; run < speedCase.runs; run++) {
    const sim = await cosimulate({
      simulator: speedCase.simulator,
      workDir,
      cacheDir,
      design: [top],
      testbench: { module: PROGRAM_TB_MODULE, text: renderProgramTb(top, 'done', accelerator.hash, [], DRAIN_SWEEP_PORT) },
      plusargs: { max_wait: 100_000_000 },
      timeoutMs: 3_600_000,
    });
    if (run === 0) ({ buildMs, cached } = sim.built);
    const cycles = Math.max(0, ...(await sim.marks('marks.txt')).values());
    if (cycles !== prediction.cycles) throw new CheckError(`${name} on ${speedCase.simulator}: ${cycles} cycles, predicted ${prediction.cycles}`);
    runMs.push(sim.wallMs);
  }
  return { simulator: speedCase.simulator, layer: name, cycles: prediction.cycles, buildMs, cached, runMs };
}

export async function measureSimSpeed(progress: Progress = silentProgress, keepDir?: string): Promise<SpeedRow[]> {
  const scratch = keepDir ?? (await mkdtemp(join(tmpdir(), 'hwgen-sim-speed-')));
  const cacheDir = join(scratch, 'cache');
  await rm(cacheDir, { recursive: true, force: true });
  try {
    const rows: SpeedRow[] = [];
    for (const speedCase of SIM_SPEED_CASES) {
      const done = progress.start(`${speedCase.network} ${speedCase.layer} on ${speedCase.simulator}, ${speedCase.runs} run(s)`);
      const row = await measureCase(speedCase, join(scratch, `${speedCase.simulator}-${speedCase.network}-${speedCase.layer}`), cacheDir);
      done(`${row.cycles} cycles, median run ${(median(row.runMs) / 1000).toFixed(1)} s`);
      rows.push(row);
    }
    return rows;
  } finally {
    if (keepDir === undefined) await rm(scratch, { recursive: true, force: true });
  }
}

function rate(cycles: number, ms: number): string {
  const perSecond = cycles / (ms / 1000);
  return perSecond >= 1e5 ? `${(perSecond / 1e6).toFixed(2)} M` : `${(perSecond / 1e3).toFixed(1)} k`;
}

export async function simSpeedBench(progress: Progress = silentProgress, keepDir?: string): Promise<string> {
  const rows = await measureSimSpeed(progress, keepDir);
  return [
    '### Simulation speed: the program player on the default design (stimulus included)',
    markdownTable(
      ['layer', 'simulator', 'cycles', 'build', 'run (median)', 'runs', 'cycles/s'],
      rows.map((row) => [
        row.layer,
        row.simulator,
        row.cycles.toLocaleString('en-US'),
        row.cached ? 'cached' : `${(row.buildMs / 1000).toFixed(1)} s`,
        `${(median(row.runMs) / 1000).toFixed(2)} s`,
        String(row.runMs.length),
        rate(row.cycles, median(row.runMs)),
      ]),
    ),
  ].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const keep = process.argv.indexOf('--keep');
  const keepDir = keep >= 0 ? process.argv[keep + 1] : undefined;
  process.stdout.write(`${await simSpeedBench(stderrProgress('bench'), keepDir)}\n`);
}
