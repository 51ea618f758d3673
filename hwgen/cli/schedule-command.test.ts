import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runCli, tempWorkspace, writeTensor } from '../testing/cli-harness.ts';

/**
 * The hand-worked case of hwgen/cost/layer.test.ts on a design with one 2×2 array and one 2-lane core.
 * W = [[4,0,0,0],[1,0,0,0]], θ = 4, T = 4; column 0 is x = [3,0,0,0] (y = [3, 1]), column 1 is empty (y = [0, 0]).
 *
 * Column costs (column-costs.ts): ANN max(J = 2, ℓ + 2 + 2) = [7, 4]; SNN max(σ, ℓ + 2 + 2) = [max(3, 7), max(1, 4)] = [7, 4].
 * Exact streams: ANN [0] 12, ANN [0,1] 16 (spec.md's example), SNN [1] 8, SNN [0,1] 17 cycles; loads: 3 words per
 * array (G·J + G), 5 per core (G·K + G); a tile ends 2 cycles after its last output.
 *   cost   column 0 on the array, column 1 on the core (same makespan 7 either way; this way costs less energy):
 *          array loaded in 0..2, streams 3..14; core loaded 3..7, streams 8..15 → 16 + 2 = 18 cycles, 8 load words
 *   ann    3 + 16 + 2 = 21        snn    5 + 17 + 2 = 24        random, seed 2: both columns on the core, 24
 *   bound  LP bound 7 + the cheaper load 3 + 2 = 12
 * Energy (pJ): array column 0: 8 MACs·0.3 + 32 B·1.25 + 4 output spikes·0.1 = 42.8; column 1: 2.4 + 40 = 42.4;
 * core column 0: 6 adds·0.1 + 3 spikes·0.03 + 24 B·1.25 + 0.4 = 31.09; column 1: 16 B·1.25 = 20; a load: 24 B·1.25 = 30.
 *   cost 42.8 + 20 + 60 = 122.8; ann 42.8 + 42.4 + 30 = 115.2; snn 31.09 + 20 + 30 = 81.09.
 * EDP at 100 MHz: 122.8 pJ · 18 cycles · 10 ns = 2.210e-17 J·s; ann 2.419e-17; snn 1.946e-17.
 */
const EXPECTED_SEED_2 = [
  'tiny on tiny_design: 1 ANN array 2x2, 1 SNN core x 2 lanes, 100 MHz; policy cost, seed 2',
  'layer fc: M=2 K=4 N=2, 1 tile',
  '  policy  cycles  load  bound       gap      energy  EDP (J·s)   on SNN',
  '  cost        18     8     12   +50.0 %  122.800 pJ  2.210e-17   50.0 %',
  '  random      24     5     12  +100.0 %   81.090 pJ  1.946e-17  100.0 %',
  '  ann         21     3     12   +75.0 %  115.200 pJ  2.419e-17    0.0 %',
  '  snn         24     5     12  +100.0 %   81.090 pJ  1.946e-17  100.0 %',
  '  cost vs random: throughput +33.3 %; cost vs ann-only: EDP -8.6 %',
  'total (1 layer, one after another): cost 18 cycles, 122.800 pJ, EDP 2.210e-17 J·s',
  '  cost vs random: throughput +33.3 %; cost vs ann-only: EDP -8.6 %',
  '',
].join('\n');

let dir = '';
const at = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = await tempWorkspace('hwgen-schedule-');
  await writeTensor(dir, 'x.npy', 'u1', [4, 2], Uint8Array.from([3, 0, 0, 0, 0, 0, 0, 0]));
  await writeTensor(dir, 'w.npy', 'i1', [2, 4], Int8Array.from([4, 0, 0, 0, 1, 0, 0, 0]));
  const layer = { name: 'fc', kind: 'gemm', T: 4, inLevels: 3, input: 'x.npy', weights: 'w.npy', theta: 4 };
  await writeFile(at('tiny.yaml'), stringify({ name: 'tiny', layers: [layer] }));
  await writeFile(at('design.yaml'), stringify({ name: 'tiny_design', ann: { arrays: 1, rows: 2, cols: 2 }, snn: { cores: 1, lanes: 2 }, buffers: { weightBytes: 64 } }));
  await writeFile(at('narrow.yaml'), stringify({ ann: { rows: 2, cols: 2 }, limits: { maxK: 2 } }));
  await writeFile(at('energy-bad.yaml'), 'ann_mak: 0.2\n');
  await writeFile(at('energy-free-sram.yaml'), 'sram_byte: 0\n');
});

describe('cli: hwgen schedule', () => {
  it('prints every policy on the hand-worked case, the chosen one first', async () => {
    const run = await runCli('schedule', at('design.yaml'), at('tiny.yaml'), '--seed', '2', '--quiet');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(EXPECTED_SEED_2);
  });

  it('compares the chosen policy with random and ANN-only', async () => {
    const run = await runCli('schedule', at('design.yaml'), at('tiny.yaml'), '--seed', '2', '--policy', 'snn', '-q');
    const lines = run.stdout.split('\n');
    expect(lines[3]).toBe('  snn         24     5     12  +100.0 %   81.090 pJ  1.946e-17  100.0 %');
    // 81.09 · 24 against 115.2 · 21: −19.6 %
    expect(lines[7]).toBe('  snn vs random: throughput +0.0 %; snn vs ann-only: EDP -19.6 %');
  });

  it('takes an energy table: free SRAM leaves the arithmetic', async () => {
    const run = await runCli('schedule', at('design.yaml'), at('tiny.yaml'), '--energy', at('energy-free-sram.yaml'), '--json', '-q');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.energyTablePj.sram_byte).toBe(0);
    // cost: 8 MACs·0.3 + 4 output spikes·0.1
    expect(report.layers[0].policies.cost.energyPj).toBeCloseTo(2.8, 12);
  });

  it('writes JSON with the same figures', async () => {
    const run = await runCli('schedule', at('design.yaml'), at('tiny.yaml'), '--seed', '2', '--json', '-q');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.design).toEqual({ name: 'tiny_design', annArrays: 1, rows: 2, cols: 2, snnCores: 1, lanes: 2, clockMHz: 100 });
    const [layer] = report.layers;
    expect(Object.keys(layer.policies)).toEqual(['cost', 'random', 'ann', 'snn']);
    expect(layer.lowerBound).toBe(12);
    expect(layer.policies.cost).toMatchObject({ cycles: 18, loadCycles: 8, modelMakespan: 7, columnBound: 7, annColumns: 1, snnColumns: 1, tiles: 1, gapToBound: 0.5 });
    expect(layer.policies.cost.events).toEqual({ ann_mac: 8, snn_add: 0, spike: 0, fire: 4, sram_byte: 32 + 16 + 24 + 24 });
    expect(layer.policies.cost.edpJs).toBeCloseTo(2.2104e-17, 25);
    expect(layer.throughputGainOverRandom).toBeCloseTo(24 / 18 - 1, 12);
    expect(report.totals.cost.cycles).toBe(18);
  });

  it('reports progress on stderr unless quiet', async () => {
    const run = await runCli('schedule', at('design.yaml'), at('tiny.yaml'));
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('[schedule] schedule fc under cost, random, ann, snn: done in');
  });
});

describe('cli: hwgen schedule, bad input (exit 2, one line)', () => {
  const cases: [string, () => string[], () => string][] = [
    ['a seed that is not a uint32', () => ['schedule', at('tiny.yaml'), '--seed', '-1'], () => 'hwgen: --seed: expected an integer in 0..4294967295 (got "-1")\n'],
    [
      'an unknown policy',
      () => ['schedule', at('tiny.yaml'), '--policy', 'fast'],
      () => "hwgen: option '--policy <POLICY>' argument 'fast' is invalid. Allowed choices are cost, random, ann, snn.\n",
    ],
    ['three arguments', () => ['schedule', at('design.yaml'), at('tiny.yaml'), 'more'], () => "hwgen: too many arguments for 'schedule'. Expected 2 arguments but got 3.\n"],
    ['no argument', () => ['schedule'], () => "hwgen: missing required argument 'CONFIG|WORKLOAD'\n"],
    ['a missing config', () => ['schedule', at('nope.yaml'), at('tiny.yaml')], () => `hwgen: ${at('nope.yaml')}: file not found\n`],
    ['an unknown event in the energy table', () => ['schedule', at('tiny.yaml'), '--energy', at('energy-bad.yaml')], () => `hwgen: ${at('energy-bad.yaml')}: ann_mak: unknown key\n`],
    [
      'a layer no core of the design can hold',
      () => ['schedule', at('narrow.yaml'), at('tiny.yaml'), '-q'],
      () => 'hwgen: layer fc (M=2, K=4): K: no core can hold it: an ANN array\'s column buffer holds 2 levels (limits.maxK); an SNN core\'s event buffer holds 2 events (limits.maxK)\n',
    ],
    ['an unknown layer', () => ['schedule', at('tiny.yaml'), '--layers', 'fc9'], () => `hwgen: ${at('tiny.yaml')}: layers: --layers names "fc9", which the workload does not have\n`],
    ['an unknown benchmark', () => ['bench', 'loas'], () => "hwgen: command-argument value 'loas' is invalid for argument 'NAME'. Allowed choices are neuroflex.\n"],
  ];

  it.each(cases)('%s', async (_, args, message) => {
    const run = await runCli(...args());
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(message());
    expect(run.stdout).toBe('');
  });
});
