/**
 * The whole accelerator against the golden model and the exact layer model: random layers, cut into 2-D tiles
 * by small buffers, scheduled by every policy over several designs, driven through the host protocol
 * (hwgen/host/driver.ts) on both simulators, with one bank and with two (loads, drains and a layer's next row
 * tile's weights under the runs). Every
 * output level equals the golden model; every tile's load, under-the-run, wait and drain cycles and the top's
 * cnt_cycles equal the prediction; every core's eight counters and the
 * layer's events equal the prediction (simulateGemm lists each difference as a problem).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type AcceleratorConfigInput } from '../hwgen/config/schema.ts';
import { acceleratorFrom } from '../hwgen/config/load-config.ts';
import { simulateGemm } from '../hwgen/flows/simulate.ts';
import { DRAIN_SWEEP_PORT } from '../hwgen/host/driver.ts';
import { generateAccelTop } from '../hwgen/modules/accel/generator.ts';
import { allFiles } from '../hwgen/arch/module.ts';
import { verilatorLint } from '../sim/checks.ts';
import { PROGRAM_TB_MODULE, renderProgramTb } from '../hwgen/flows/program-player.ts';
import { writeFile } from 'node:fs/promises';
import type { PolicyName } from '../hwgen/schedule/types.ts';
import { Rng } from '../hwgen/util/rng.ts';
import { TILED_DESIGNS, WEIGHT_BANKED_SHAPE, randomTiledLayer } from '../hwgen/testing/tiled-layers.ts';
import { tileLayer, weightBankOf } from '../hwgen/cost/layer-tiling.ts';
import { designOf } from '../hwgen/modules/accel/arch.ts';
import type { SimulatorName } from '../sim/types.ts';

/** Small buffers, so that layers of a few dozen columns need several tiles in both directions. */
const DESIGNS: Readonly<Record<string, AcceleratorConfigInput>> = TILED_DESIGNS;
const workDirs: string[] = [];

afterAll(async () => {
  await Promise.all(workDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

const CASES: [string, PolicyName, SimulatorName][] = [
  ['hybrid', 'cost', 'verilator'], ['hybrid', 'random', 'verilator'], ['hybrid', 'ann', 'verilator'], ['hybrid', 'snn', 'verilator'],
  ['wide', 'cost', 'verilator'], ['wide', 'random', 'verilator'],
  ['annOnly', 'cost', 'verilator'], ['snnOnly', 'random', 'verilator'],
  ['hybrid', 'random', 'icarus'], ['wide', 'cost', 'icarus'],
  ['banked', 'cost', 'verilator'], ['banked', 'random', 'icarus'],
];

describe('the program player', () => {
  it.each(Object.keys(DESIGNS))('%s design: testbench and top lint clean together (-Wall: every port width agrees with the port list)', async (name) => {
    const accelerator = acceleratorFrom(DESIGNS[name] ?? {}, name);
    const top = generateAccelTop(accelerator);
    const dir = await mkdtemp(join(tmpdir(), 'hwgen-player-'));
    workDirs.push(dir);
    const files = [...allFiles(top), { name: `${PROGRAM_TB_MODULE}.v`, text: renderProgramTb(top, 'done', accelerator.hash, [], DRAIN_SWEEP_PORT) }];
    await Promise.all(files.map((file) => writeFile(join(dir, file.name), file.text)));
    await verilatorLint({ dir, files: files.map((file) => file.name), top: PROGRAM_TB_MODULE, verilatorFlags: ['--timing'] });
  }, 120_000);
});

describe('hwgen_accel_top through the host protocol', () => {
  it.each(CASES)('%s design, %s policy, %s: outputs = golden, cycles and counters = prediction', async (designName, policy, simulator) => {
    const accelerator = acceleratorFrom(DESIGNS[designName] ?? {}, designName);
    const rng = new Rng(designName.length * 31 + policy.length * 7 + simulator.length);
    const dir = await mkdtemp(join(tmpdir(), 'hwgen-accel-'));
    workDirs.push(dir);
    let tiles = 0;
    // The two-bank design also runs a layer whose row tiles alternate weight banks (weights load under the runs).
    const shapes = designName === 'banked' ? [undefined, undefined, WEIGHT_BANKED_SHAPE] : [undefined, undefined];
    for (const [round, shape] of shapes.entries()) {
      const layer = randomTiledLayer(rng, `l${round}`, shape);
      if (shape !== undefined) expect(tileLayer(layer, designOf(accelerator), designOf(accelerator).machines).filter((tile) => tile.weightsBanked && tile.firstInRow).map(weightBankOf)).toEqual([0, 1, 0, 1, 0]);
      // The two-bank design's waveform is checked too: drains read the other bank while a run writes its own.
      const trace = designName === 'banked' ? 'vcd' : 'none';
      const result = await simulateGemm(accelerator, layer, round, { policy, seed: 7, simulator, trace, workDir: dir });
      expect(result.problems, `M=${layer.M} K=${layer.K} N=${layer.N}`).toEqual([]);
      expect(result.match).toBe(true);
      expect(result.cycles).toBe(result.predictedCycles);
      tiles += result.tiles;
    }
    expect(tiles, 'the buffers are small enough to tile').toBeGreaterThan(2);
  }, 600_000);
});
