/**
 * `hwgen sim` end to end. The tiny case is the hand-worked one of schedule-command.test.ts (and
 * hwgen/cost/layer.test.ts): its cycles and energy were computed by hand for every policy, and the RTL must
 * give exactly those, on both simulators. Then a small conv workload on the default design.
 */
import { FORMER_DEFAULT_BUFFERS } from '../testing/tiled-layers.ts';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { decodeNpy } from '../tensor/npy.ts';
import { RUN_WAIT_OFFSET } from '../cost/dispatcher.ts';
import { runCli, tempWorkspace, writeTensor } from './cli-harness.ts';
import { SIMULATORS } from '../../sim/registry.ts';
import { POLICIES } from '../schedule/types.ts';

const R = RUN_WAIT_OFFSET;
// cost keeps the SNN core out of this tiny layer (hwgen/cost/layer.test.ts); random (seed 2) puts both columns on it.
const CYCLES = { cost: 27 + R, random: 30 + R, ann: 27 + R, snn: 30 + R };
const ENERGY = { cost: 170.2, random: 131.09, ann: 170.2, snn: 131.09 };

let dir = '';
const at = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = await tempWorkspace('hwgen-sim-');
  await writeTensor(dir, 'x.npy', 'u1', [4, 2], Uint8Array.from([3, 0, 0, 0, 0, 0, 0, 0]));
  await writeTensor(dir, 'w.npy', 'i1', [2, 4], Int8Array.from([4, 0, 0, 0, 1, 0, 0, 0]));
  const layer = { name: 'fc', kind: 'gemm', T: 4, inLevels: 3, input: 'x.npy', weights: 'w.npy', theta: 4 };
  await writeFile(at('tiny.yaml'), stringify({ name: 'tiny', layers: [layer] }));
  await writeFile(at('design.yaml'), stringify({ name: 'tiny_design', ann: { arrays: 1, rows: 2, cols: 2 }, snn: { cores: 1, lanes: 2 }, buffers: { weightBytes: 64, ...FORMER_DEFAULT_BUFFERS } }));
  // θ = 4 needs 3 bits; this design stores 2 (maxTheta 2).
  await writeFile(at('narrow.yaml'), stringify({ name: 'narrow', ann: { arrays: 1, rows: 2, cols: 2 }, snn: { cores: 1, lanes: 2 }, limits: { maxTheta: 2 } }));
  const conv = {
    name: 'small_conv',
    layers: [
      { name: 'c1', kind: 'conv2d', T: 7, inLevels: 15, input: { synthetic: { shape: [2, 8, 8], density: 0.7, seed: 1 } }, weights: { synthetic: { shape: [4, 2, 3, 3], seed: 2 } }, theta: 300, padding: 1, pool: { size: 2 } },
      { name: 'c2', kind: 'conv2d', T: 7, weights: { synthetic: { shape: [6, 4, 3, 3], seed: 3 } }, theta: 120, padding: 1 },
    ],
  };
  await writeFile(at('conv.yaml'), stringify(conv));
});

interface ResultJson {
  layers: { name: string; cycles: number; predictedCycles: number; match: boolean; checked: boolean; problems: string[]; energyPj: number; predictedEnergyPj: number; events: Record<string, number>; predictedEvents: Record<string, number> }[];
  total: { cycles: number; predictedCycles: number; match: boolean; checked: boolean };
}

async function result(out: string): Promise<ResultJson> {
  return JSON.parse(await readFile(join(out, 'result.json'), 'utf8')) as ResultJson;
}

describe('cli: hwgen sim', () => {
  it.each(SIMULATORS)('the hand-worked tiny layer on %s: cycles and energy as computed by hand, for every policy', async (simulator) => {
    for (const policy of POLICIES) {
      const out = at(`tiny-${simulator}-${policy}`);
      const run = await runCli('sim', at('design.yaml'), at('tiny.yaml'), '--simulator', simulator, '--policy', policy, '--seed', '2', '-q', '--out', out);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const json = await result(out);
      const [fc] = json.layers;
      expect(fc?.cycles, policy).toBe(CYCLES[policy]);
      expect(fc?.predictedCycles, policy).toBe(CYCLES[policy]);
      expect(fc?.energyPj, policy).toBeCloseTo(ENERGY[policy], 9);
      expect(fc?.match).toBe(true);
      expect(Array.from(decodeNpy(await readFile(join(out, 'fc.y.npy')), 'fc.y.npy').data)).toEqual([3, 0, 1, 0]);
      expect(run.stdout).toBe(`tiny on tiny_design (${simulator}, policy ${policy}): 1 layers, ${CYCLES[policy]} cycles (predicted ${CYCLES[policy]}), ${(ENERGY[policy] / 1e6).toFixed(3)} µJ, outputs match the golden model -> ${out}\n`);
    }
  }, 300_000);

  it.each(SIMULATORS)('a small conv workload on the default design on %s: layers chained, every check passes, waveform written', async (simulator) => {
    const out = at(`conv-${simulator}`);
    const run = await runCli('sim', at('conv.yaml'), '--simulator', simulator, '--trace', 'vcd', '-q', '--out', out);
    expect(run.code).toBe(0);
    expect((await readdir(out)).sort()).toEqual(['.hwgen-output', 'c1.y.npy', 'c2.y.npy', 'result.json', 'waves']);
    expect((await readdir(join(out, 'waves'))).sort()).toEqual(['c1.vcd', 'c2.vcd']);
    const json = await result(out);
    expect(json.layers.map((l) => [l.name, l.checked, l.problems])).toEqual([['c1', true, []], ['c2', true, []]]);
    for (const layer of json.layers) {
      expect(layer.cycles).toBe(layer.predictedCycles);
      expect(layer.events).toEqual(layer.predictedEvents);
    }
    expect(json.total.cycles).toBe(json.total.predictedCycles);
    expect(decodeNpy(await readFile(join(out, 'c2.y.npy')), 'c2.y.npy').shape).toEqual([6, 4, 4]);
  }, 600_000);
});

describe('cli: hwgen sim, bad input (exit 2, one line, nothing written)', () => {
  const cases: [string, () => string[], () => string][] = [
    ['an unknown simulator', () => ['sim', at('tiny.yaml'), '--simulator', 'vcs', '--out', at('never')], () => "hwgen: option '--simulator <NAME>' argument 'vcs' is invalid. Allowed choices are verilator, icarus.\n"],
    ['an unknown trace format', () => ['sim', at('tiny.yaml'), '--trace', 'lxt', '--out', at('never')], () => "hwgen: option '--trace <FORMAT>' argument 'lxt' is invalid. Allowed choices are vcd, fst, none.\n"],
    ['no workload: named first (--out has a default)', () => ['sim'], () => "hwgen: missing required argument 'CONFIG|WORKLOAD'\n"],
    ['a bad seed', () => ['sim', at('tiny.yaml'), '--seed', 'x', '--out', at('never')], () => 'hwgen: --seed: expected an integer in 0..4294967295 (got "x")\n'],
    ['a missing workload', () => ['sim', at('nope.yaml'), '--out', at('never')], () => `hwgen: ${at('nope.yaml')}: file not found\n`],
    ['a layer beyond the design\'s limits', () => ['sim', at('narrow.yaml'), at('tiny.yaml'), '--out', at('never')], () => 'hwgen: layer fc: limits.maxTheta: needs 4, the design allows 2\n'],
    [
      'a zoo layer no core holds, with the others that fit',
      () => ['sim', 'vgg16', '--out', at('never')],
      () =>
        "hwgen: layer fc6 (M=4096, K=25088): K: no core can hold it: an ANN array's column buffer holds 4608 levels (limits.maxK); an SNN core's event buffer holds 4608 events (limits.maxK)" +
        " (it holds the workload's other 15 layers: name them with --layers, where * is a wildcard, e.g. 'conv*')\n",
    ],
    ['a --layers pattern that matches nothing', () => ['sim', 'vgg16', '--layers', 'cov*', '--out', at('never')], () => 'hwgen: zoo:vgg16: layers: --layers names "cov*", which the workload does not have\n'],
  ];

  it.each(cases)('%s', async (_, args, message) => {
    const run = await runCli(...args());
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(message());
    expect(existsSync(at('never'))).toBe(false);
  });
});
