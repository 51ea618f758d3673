import { FORMER_DEFAULT_BUFFERS } from '../testing/tiled-layers.ts';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { RUN_WAIT_OFFSET } from '../cost/dispatcher.ts';
import { runCli, tempWorkspace, writeTensor } from './cli-harness.ts';

/**
 * The hand-worked case of hwgen/cost/layer.test.ts on a design with one 2×2 array and one 2-lane core.
 * W = [[4,0,0,0],[1,0,0,0]], θ = 4, T = 4; column 0 is x = [3,0,0,0] (y = [3, 1]), column 1 is empty (y = [0, 0]).
 *
 * Column costs (column-costs.ts): ANN max(J = 2, ℓ + 2 + 2) = [7, 4]; SNN max(σ, n = 2) = [max(3, 2), max(1, 2)] = [3, 2].
 * Exact streams: ANN [0] 12, ANN [0,1] 16 (spec.md's example), SNN [1] 15, SNN [0,1] 19 cycles (the serial fire
 * stage's 9-stage pipeline at the end); a run is 2 + the longest stream + RUN_WAIT_OFFSET (R). One tile: load (max
 * of the buses) + 1 + run + drain (M·N = 4).
 * Buses: ANN weights 2 + 1 bias/θ, SNN weights 4 + 1, dense replica J·N = 4, events 1 + 1, schedule 2 (every policy
 * here puts both columns on one core, whose replica holds both): the load is 4 for every policy (the dense replica
 * or the SNN weights).
 *   cost   keeps the SNN core out (hwgen/cost/layer.test.ts): as ann
 *   ann    4 + 1 + 18 + R + 4 = 27 + R        snn    4 + 1 + 21 + R + 4 = 30 + R      random, seed 2: both on the core, 30 + R
 *   bound  {ann}: max(Nt 2, weights 2) + LP 11 = 13 (a replica may hold one column), the least of the kinds'
 *          floors; + 1 + 2 + R + 4 = 20 + R
 * Energy (pJ) at 0.3 per MAC, 0.1 per add and per output spike, 0.03 per spike, 1.25 per byte:
 *   ann    16 MACs, 4 output spikes, 64 + 68 bytes → 4.8 + 0.4 + 165 = 170.2
 *   snn    6 adds, 3 spikes, 4 output spikes, 40 + 64 bytes → 0.6 + 0.09 + 0.4 + 130 = 131.09
 * EDP at 100 MHz: energy · cycles · 10 ns.
 */
const R = RUN_WAIT_OFFSET;
const CYCLES = { cost: 27 + R, random: 30 + R, ann: 27 + R, snn: 30 + R };
const ENERGY = { cost: 170.2, random: 131.09, ann: 170.2, snn: 131.09 };
const BOUND = 20 + R;
const edp = (policy: keyof typeof CYCLES) => ENERGY[policy] * 1e-12 * CYCLES[policy] * 1e-8;
const percent = (fraction: number) => `${fraction >= 0 ? '+' : ''}${(100 * fraction).toFixed(1)} %`;

/** The policy table as the command aligns it: every column as wide as its widest cell, the first left-aligned. */
function policyTable(order: (keyof typeof CYCLES)[]): string[] {
  const onSnn = { cost: '0.0 %', random: '100.0 %', ann: '0.0 %', snn: '100.0 %' };
  const rows = [
    ['policy', 'cycles', 'load', 'busy', 'bound', 'gap', 'energy', 'EDP (J·s)', 'on SNN'],
    // busy: the start cycle and the run, everything but the load (4) and the drain (4).
    ...order.map((p) => [p, String(CYCLES[p]), '4', `${(100 * (CYCLES[p] - 8) / CYCLES[p]).toFixed(1)} %`, String(BOUND), percent(CYCLES[p] / BOUND - 1), `${ENERGY[p].toFixed(3)} pJ`, edp(p).toExponential(3), onSnn[p]]),
  ];
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((row) => (row[c] ?? '').length))) ?? [];
  return rows.map((row) => `  ${row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  ')}`.trimEnd());
}

const COMPARISON = `  cost vs random: throughput ${percent(CYCLES.random / CYCLES.cost - 1)}; cost vs ann-only: EDP ${percent(edp('cost') / edp('ann') - 1)}`;
const EXPECTED_SEED_2 = [
  'tiny on tiny_design: 1 ANN array 2x2, 1 SNN core x 2 lanes, 100 MHz; policy cost, seed 2',
  'layer fc: M=2 K=4 N=2, 1 tile',
  ...policyTable(['cost', 'random', 'ann', 'snn']),
  COMPARISON,
  `total (1 layer, one after another): cost ${CYCLES.cost} cycles, 170.200 pJ, EDP ${edp('cost').toExponential(3)} J·s`,
  COMPARISON,
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
  await writeFile(at('design.yaml'), stringify({ name: 'tiny_design', ann: { arrays: 1, rows: 2, cols: 2 }, snn: { cores: 1, lanes: 2 }, buffers: { weightBytes: 64, ...FORMER_DEFAULT_BUFFERS } }));
  await writeFile(at('narrow.yaml'), stringify({ ann: { rows: 2, cols: 2 }, limits: { maxK: 2 } }));
  await writeFile(at('low-levels.yaml'), stringify({ ann: { rows: 2, cols: 2 }, limits: { maxInLevels: 2 } }));
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
    expect(lines[3]).toBe(policyTable(['snn', 'cost', 'random', 'ann'])[1]);
    // 131.09 · 29 against 170.2 · 26
    expect(lines[7]).toBe(`  snn vs random: throughput +0.0 %; snn vs ann-only: EDP ${percent(edp('snn') / edp('ann') - 1)}`);
  });

  it('takes an energy table: free SRAM leaves the arithmetic', async () => {
    const run = await runCli('schedule', at('design.yaml'), at('tiny.yaml'), '--energy', at('energy-free-sram.yaml'), '--json', '-q');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.energyTablePj.sram_byte).toBe(0);
    // cost (ANN only): 16 MACs·0.3 + 4 output spikes·0.1
    expect(report.layers[0].policies.cost.energyPj).toBeCloseTo(5.2, 12);
    expect(report.layers[0].policies.cost.dispatcherBytes).toEqual({ weightLoads: 24, replicaWrites: 8, schedule: 20, replicaReads: 8, outputs: 8 });
  });

  it('writes JSON with the same figures', async () => {
    const run = await runCli('schedule', at('design.yaml'), at('tiny.yaml'), '--seed', '2', '--json', '-q');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.design).toEqual({ name: 'tiny_design', annArrays: 1, rows: 2, cols: 2, snnCores: 1, lanes: 2, clockMHz: 100 });
    const [layer] = report.layers;
    expect(Object.keys(layer.policies)).toEqual(['cost', 'random', 'ann', 'snn']);
    expect(layer.lowerBound).toBe(BOUND);
    expect(layer.policies.cost).toMatchObject({ cycles: CYCLES.cost, loadCycles: 4, runCycles: 18 + R, drainCycles: 4, modelMakespan: 11, columnBound: 11, annColumns: 2, snnColumns: 0, tiles: 1 });
    expect(layer.policies.cost.gapToBound).toBeCloseTo(CYCLES.cost / BOUND - 1, 12);
    expect(layer.policies.cost.events).toEqual({ ann_mac: 16, snn_add: 0, spike: 0, fire: 4, sram_byte: 64 + 68 });
    expect(layer.policies.cost.edpJs).toBeCloseTo(edp('cost'), 25);
    expect(layer.throughputGainOverRandom).toBeCloseTo(CYCLES.random / CYCLES.cost - 1, 12);
    expect(report.totals.cost.cycles).toBe(CYCLES.cost);
  });

  it('says when a layer\'s row tiles take weight banks (ResNet-34 fc on the default design: 16 row tiles of 64 rows)', async () => {
    const run = await runCli('schedule', 'resnet34', '--layers', 'fc', '-q');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('\nlayer fc: M=1000 K=512 N=1, 16 tiles, row tiles in weight banks\n');
    const json = await runCli('schedule', 'resnet34', '--layers', 'fc', '--json', '-q');
    const [layer] = JSON.parse(json.stdout).layers;
    expect([layer.policies.cost.weightBanks, layer.policies.cost.tiles]).toEqual([true, 16]);
    // The tiny case is one tile: nothing to bank.
    const tiny = JSON.parse((await runCli('schedule', at('design.yaml'), at('tiny.yaml'), '--json', '-q')).stdout);
    expect(tiny.layers[0].policies.cost.weightBanks).toBe(false);
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
    ['a layer beyond the design\'s limits', () => ['schedule', at('low-levels.yaml'), at('tiny.yaml'), '-q'], () => 'hwgen: layer fc: limits.maxInLevels: needs 3, the design allows 2\n'],
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
