/**
 * The AXI wrapper co-simulated like the bare top: random layers cut into tiles by small buffers, loaded over
 * AXI4-Stream, configured, started and read over AXI4-Lite, drained over AXI4-Stream, with random gaps and stalls
 * on every channel, directly or behind a register slice (AXI4-Lite) and a 3-deep FIFO (s_axis), on both simulators
 * and several stream widths, also with AXIS_W overridden at instantiation. Every output level equals the golden
 * model, every tile's CYCLES and every counter equal the exact cost model; a soft reset while an output beat
 * stalls leaves the beat as it was; the testbench's monitors check the AXI handshake rules on every channel.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { acceleratorFrom } from '../../config/load-config.ts';
import type { PolicyName } from '../../schedule/types.ts';
import { Rng } from '../../util/rng.ts';
import { type TiledDesignName, TILED_DESIGNS, WEIGHT_BANKED_SHAPE, randomTiledLayer } from '../../testing/tiled-layers.ts';
import type { SimulatorName } from '../../../sim/types.ts';
import { icarusCompile, verilatorLint } from '../../../sim/checks.ts';
import { allFiles } from '../../arch/module.ts';
import { AXI_TB_MODULE, type AxiPath, DIRECT_PATH, DMA_PATH, renderAxiTb, simulateAxiGemm } from './cosim.ts';
import { AXI_TOP_MODULE, REGISTERS, generateAxiTop } from './generator.ts';

const workDirs: string[] = [];

afterAll(async () => {
  await Promise.all(workDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function workDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hwgen-axi-'));
  workDirs.push(dir);
  return dir;
}

describe('hwgen_axi_top', () => {
  it.each([[8, 8], [32, 32], [64, 64], [1024, 1024], [32, 64], [32, 8], [32, 1024]])('generated with a %i-bit stream and AXIS_W = %i, the wrapper is lint-clean (-Wall) and compiles in Icarus with its testbench', async (generated, axisBits) => {
    const accelerator = acceleratorFrom(TILED_DESIGNS.hybrid, 'hybrid');
    const axi = generateAxiTop(accelerator, { axisBits: generated });
    const dir = await workDir();
    const files = [...allFiles(axi), { name: `${AXI_TB_MODULE}.v`, text: renderAxiTb(axi, accelerator.hash, axisBits, DMA_PATH) }];
    await Promise.all(files.map((file) => writeFile(join(dir, file.name), file.text)));
    const names = files.map((file) => file.name);
    await verilatorLint({ dir, files: names.slice(0, -1), top: AXI_TOP_MODULE, verilatorFlags: [`-GAXIS_W=${axisBits}`] });
    await icarusCompile({ dir, files: names, top: AXI_TB_MODULE });
  }, 300_000);

  it('refuses a stream width that is not 8·2^n bits', () => {
    expect(() => generateAxiTop(acceleratorFrom({}, 'x'), { axisBits: 48 })).toThrow(/8·2\^n bits/);
  });

  const PATHS = { direct: DIRECT_PATH, dma: DMA_PATH } as const;
  type PathName = keyof typeof PATHS;
  // [design, policy, simulator, AXIS_W, stall seed, path, AXIS_W the wrapper is generated with]
  const CASES: [TiledDesignName, PolicyName, SimulatorName, number, number, PathName, number][] = [
    ['hybrid', 'cost', 'verilator', 32, 1, 'dma', 32],
    ['hybrid', 'random', 'icarus', 32, 2, 'direct', 32],
    ['hybrid', 'snn', 'verilator', 8, 3, 'direct', 8],
    ['annOnly', 'cost', 'verilator', 64, 0, 'dma', 64],
    ['snnOnly', 'random', 'icarus', 128, 4, 'dma', 128],
    // Output banks read 4 levels a cycle (drainBytes 4), streamed 2 levels a beat.
    ['wide', 'cost', 'verilator', 16, 5, 'direct', 16],
    // AXIS_W is a real parameter: generated for 32 bits, instantiated with 64.
    ['hybrid', 'cost', 'verilator', 64, 6, 'dma', 32],
    ['hybrid', 'random', 'icarus', 64, 7, 'dma', 32],
    // Two banks (buffers.banks), the host keeping BANK at 0: loads, runs and drains in one bank, one after another.
    ['banked', 'cost', 'icarus', 32, 8, 'dma', 32],
  ];
  it.each(CASES)('%s design, %s policy, %s, %i-bit stream, stall seed %i, %s path, generated for %i bits: outputs = golden, CYCLES and counters = prediction', async (design, policy, simulator, axisBits, stallSeed, path, generatedAxisBits) => {
    const accelerator = acceleratorFrom(TILED_DESIGNS[design], design);
    const rng = new Rng(design.length * 17 + policy.length * 5 + axisBits);
    let tiles = 0;
    // The two-bank design also runs a layer whose row tiles alternate weight banks (CONFIG's cfg_wbank).
    const shapes = design === 'banked' ? [undefined, undefined, WEIGHT_BANKED_SHAPE] : [undefined, undefined];
    for (const [round, shape] of shapes.entries()) {
      const layer = randomTiledLayer(rng, `l${round}`, shape);
      const options = { policy, seed: 7, simulator, workDir: join(await workDir(), `r${round}`), axisBits, stallSeed, path: PATHS[path], generatedAxisBits };
      const result = await simulateAxiGemm(accelerator, layer, options);
      expect(result.problems, `M=${layer.M} K=${layer.K} N=${layer.N}`).toEqual([]);
      expect(result.runCycles).toBeGreaterThan(0);
      tiles += result.tiles;
    }
    expect(tiles, 'the buffers are small enough to tile').toBeGreaterThan(2);
  }, 600_000);

  it.each([['verilator'], ['icarus']] as [SimulatorName][])('on %s, behind a register slice and a 3-deep s_axis FIFO with gaps, the outputs equal a direct run\'s and the golden model', async (simulator) => {
    const accelerator = acceleratorFrom(TILED_DESIGNS.hybrid, 'hybrid');
    const layer = randomTiledLayer(new Rng(99), 'through');
    const run = async (path: AxiPath) => simulateAxiGemm(accelerator, layer, { policy: 'cost', seed: 7, simulator, workDir: await workDir(), stallSeed: 8, path });
    const direct = await run(DIRECT_PATH);
    const dma = await run(DMA_PATH);
    expect(direct.problems).toEqual([]);
    expect(dma.problems).toEqual([]);
    expect(dma.outputs).toEqual(direct.outputs);
    expect(dma.runCycles, 'the run itself does not see the path').toBe(direct.runCycles);
  }, 600_000);
});

describe('the register map in the docs', () => {
  it('README.md beside the generator lists every register at its offset', async () => {
    const readme = await readFile(fileURLToPath(new URL('./README.md', import.meta.url)), 'utf8');
    for (const [name, offset] of Object.entries(REGISTERS)) {
      expect(readme, name).toMatch(new RegExp(`\\| \`0x${offset.toString(16).padStart(3, '0')}\`[^|]*\\| \`${name}\``));
    }
  });
});
