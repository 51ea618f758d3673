/**
 * `hwgen explore` end to end on a tiny space (three designs of 2×2 arrays and 2-lane cores, one skipped) and a tiny
 * two-layer workload, the front verified in RTL on Icarus (tiny designs compile in a fraction of a second there;
 * the flow is `hwgen sim`'s, which runs both simulators), then again from the caches; and the one-line
 * refusals of bad spaces and options.
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { ParetoFile } from '../report/pareto-file.ts';
import { runCli, tempWorkspace, writeTensor } from './cli-harness.ts';

let dir = '';
const at = (name: string) => join(dir, name);

const LIMITS = { maxK: 16, maxM: 8, maxInLevels: 15, maxBiasAbs: 1024, maxTheta: 1024 };
const BUFFERS = { weightBytes: 64, activationBytes: 64, outputBytes: 64, scheduleEntries: 16, drainBytes: 1, banks: 1 } as const;
const TINY_SPACE = {
  name: 'tiny',
  base: { name: 'tiny', ann: { rows: 2, cols: 2 }, snn: { lanes: 2 }, limits: LIMITS, buffers: BUFFERS },
  // T: [3] is the workload's own T: the figures are the workload's, through the T rewrite.
  sweep: { ann: { arrays: [0, 1] }, snn: { cores: [0, 1] }, T: [3] },
  isoArea: { budgets: [100, 1_000_000] },
};

/** The cost model's cycles for the tiny workload (fc1 4×8×6, fc2 3×4×6) on each design, which the RTL must give. */
const CYCLES = { 'a1x2x2-s1x2-t3': 147, 'a1x2x2-s0-t3': 225, 'a0-s1x2-t3': 247 };
const KINDS = { 'a1x2x2-s1x2-t3': 'hybrid', 'a1x2x2-s0-t3': 'ann-only', 'a0-s1x2-t3': 'snn-only' };
const SKIPPED = 'a0-s0-t3: skipped, not a valid design: ann.arrays: a design needs at least one ANN array or SNN core';

beforeAll(async () => {
  dir = await tempWorkspace('hwgen-explore-');
  const tiny = {
    name: 'tiny',
    layers: [
      { name: 'fc1', kind: 'gemm', T: 3, inLevels: 3, input: { synthetic: { shape: [8, 6], density: 0.6, pattern: 'clustered', seed: 1 } }, weights: { synthetic: { shape: [4, 8], seed: 2 } }, theta: 40 },
      { name: 'fc2', kind: 'gemm', T: 3, weights: { synthetic: { shape: [3, 4], seed: 3 } }, theta: 30 },
    ],
  };
  await writeFile(at('tiny.yaml'), stringify(tiny));
  await writeFile(at('space.yaml'), stringify(TINY_SPACE));
  await writeTensor(dir, 'theta.npy', 'i4', [4], Int32Array.from([40, 40, 40, 40]));
  await writeFile(at('theta-file.yaml'), stringify({ ...tiny, layers: [{ ...tiny.layers[0], theta: 'theta.npy' }] }));
});

async function paretoAt(out: string): Promise<ParetoFile> {
  return JSON.parse(await readFile(join(out, 'pareto.json'), 'utf8')) as ParetoFile;
}

async function simTotal(out: string, id: string): Promise<{ cycles: number; energyPj: number; checked: boolean }> {
  const json = JSON.parse(await readFile(join(out, 'points', id, 'sim', 'result.json'), 'utf8')) as { total: { cycles: number; energyPj: number; checked: boolean } };
  return json.total;
}

describe('cli: hwgen explore', () => {
  it('sweeps the tiny space: front verified in RTL with the cost model\'s exact cycles, iso-area compared, folder written', async () => {
    const out = at('run');
    const run = await runCli('explore', at('space.yaml'), at('tiny.yaml'), '--out', out, '--jobs', '2', '--simulator', 'icarus');
    expect(run.code).toBe(0);
    const pareto = await paretoAt(out);
    const ids = Object.keys(CYCLES);
    expect(pareto.points.map((p) => [p.id, p.kind, p.cycles, p.pareto, p.params])).toEqual(
      ids.map((id) => [id, KINDS[id as keyof typeof KINDS], CYCLES[id as keyof typeof CYCLES], true, { 'ann.arrays': id.startsWith('a0') ? 0 : 1, 'snn.cores': id.includes('s0') ? 0 : 1, T: 3 }]),
    );
    for (const point of pareto.points) {
      expect(point.verified).toEqual({ simulator: 'icarus', cycles: point.cycles, predictedCycles: point.cycles, match: true });
      const sim = await simTotal(out, point.id);
      expect(sim.checked).toBe(true);
      // Energy from the RTL's own counters equals the cost model's.
      expect(point.energyPj).toBeCloseTo(sim.energyPj, 6);
      expect(point.edpJs).toBeCloseTo(point.energyPj * 1e-12 * point.cycles * 1e-8, 24);
      expect(point.config.name).toBe('tiny');
    }
    const [hybrid, annOnly, snnOnly] = pareto.points;
    // More cores, more cells: the hybrid holds both the array and the core.
    expect(hybrid!.area.cells).toBeGreaterThan(annOnly!.area.cells);
    expect(annOnly!.area.cells).toBeGreaterThan(snnOnly!.area.cells);
    expect(pareto.isoArea).toEqual([
      { budgetCells: 100, bestAnnOnly: null, bestHybrid: null, throughputGain: null, edpChange: null },
      { budgetCells: 1_000_000, bestAnnOnly: 'a1x2x2-s0-t3', bestHybrid: 'a1x2x2-s1x2-t3', throughputGain: 225 / 147 - 1, edpChange: hybrid!.edpJs / annOnly!.edpJs - 1 },
    ]);
    expect([pareto.space, pareto.workload, pareto.objectives]).toEqual(['tiny', 'tiny', ['cycles', 'energyPj', 'area.cells']]);
    expect((await readdir(join(out, 'points'))).sort()).toEqual([...ids].sort());
    expect((await readdir(out)).sort()).toEqual(['.hwgen-output', 'pareto.json', 'points', 'report.html']);
    const report = await readFile(join(out, 'report.html'), 'utf8');
    for (const id of ids) expect(report).toContain(id);
    // The Layers table holds the fastest front point's layers as the cost model plans them (it used to be empty).
    expect(report).toMatch(/data-figure="layers">.*<th>fc1<\/th>.*<th>fc2<\/th>.*<\/table>/s);
    expect((await readdir(join(out, 'points', ids[0]!))).sort()).toEqual(['config.json', 'sim', 'workload.json']);
    expect((await readdir(join(out, 'points', ids[0]!, 'sim'))).sort()).toEqual(['fc1.y.npy', 'fc2.y.npy', 'result.json']);
    expect(run.stdout).toContain(`notes (1):\n  ${SKIPPED}\n`);
    expect(run.stdout).toContain('front verified in RTL (icarus): 3 of 3 points with cycles as predicted and outputs equal to the golden model\n');
    expect(run.stdout).toContain(`a1x2x2-s1x2-t3  hybrid       147`);
    for (const id of ids) expect(run.stderr).toContain(`${id}: ${CYCLES[id as keyof typeof CYCLES]} cycles`);
  }, 240_000);

  it('runs again from the synthesis cache, in this thread, with the same figures, leaving out points over the constraints', async () => {
    await runCli('explore', at('space.yaml'), at('tiny.yaml'), '--out', at('first'), '--no-verify', '-q');
    const first = await paretoAt(at('first'));
    const hybridCells = first.points.find((point) => point.kind === 'hybrid')?.area.cells ?? 0;
    await writeFile(at('constrained.yaml'), stringify({ ...TINY_SPACE, constraints: { maxCells: hybridCells - 1 } }));
    const run = await runCli('explore', at('constrained.yaml'), at('tiny.yaml'), '--out', at('again'), '--no-verify', '--jobs', '1');
    expect(run.code).toBe(0);
    expect(run.stderr.split('\n').filter((line) => line.includes('memory bits (cached)'))).toHaveLength(3);
    const again = await paretoAt(at('again'));
    expect(again.points).toEqual(first.points.filter((point) => point.kind !== 'hybrid'));
    expect(again.points.every((point) => point.verified === undefined)).toBe(true);
    expect(run.stdout).toContain(`notes (2):\n  ${SKIPPED}\n  a1x2x2-s1x2-t3: left out: ${hybridCells} cells, above constraints.maxCells = ${hybridCells - 1}\n`);
    expect((await readdir(join(at('again'), 'points', 'a0-s1x2-t3'))).sort()).toEqual(['config.json', 'workload.json']);
  }, 240_000);
  it('exits 2 naming the space file when every point breaks a constraint, and writes nothing', async () => {
    const file = at('over-budget.yaml');
    await writeFile(file, stringify({ ...TINY_SPACE, sweep: { ann: { arrays: [1] }, snn: { cores: [0, 1] }, T: [3] }, constraints: { maxCells: 1 } }));
    const run = await runCli('explore', file, at('tiny.yaml'), '--out', at('over'), '--no-verify', '-q');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^hwgen: ${file}: no valid design: every point is skipped or breaks a constraint; first: a1x2x2-s0-t3: left out: \\d+ cells, above constraints.maxCells = 1\\n$`));
    expect((await readdir(dir)).filter((name) => name.includes('over') && name !== 'over-budget.yaml')).toEqual([]);
  }, 240_000);
  it('verifies the front on the layers --verify-layers names, against those layers\' predicted cycles', async () => {
    const out = at('fc1-only');
    const run = await runCli('explore', at('space.yaml'), at('tiny.yaml'), '--out', out, '--simulator', 'icarus', '--verify-layers', 'fc1', '-q');
    expect(run.code).toBe(0);
    const pareto = await paretoAt(out);
    // fc1 alone: 83, 125 and 150 of the whole workload's 147, 225 and 247 cycles.
    expect(pareto.points.map((point) => [point.id, point.cycles, point.verified])).toEqual([
      ['a1x2x2-s1x2-t3', 147, { simulator: 'icarus', cycles: 83, predictedCycles: 83, match: true }],
      ['a1x2x2-s0-t3', 225, { simulator: 'icarus', cycles: 125, predictedCycles: 125, match: true }],
      ['a0-s1x2-t3', 247, { simulator: 'icarus', cycles: 150, predictedCycles: 150, match: true }],
    ]);
    expect((await readdir(join(out, 'points', 'a0-s1x2-t3', 'sim'))).sort()).toEqual(['fc1.y.npy', 'result.json']);
  }, 240_000);
});

describe('cli: hwgen explore refuses bad input with one line, exit 2', () => {
  const cases: [string, unknown, string][] = [
    ['a value out of the config field\'s range', { name: 'b', sweep: { ann: { rows: [4, 100] } } }, 'sweep.ann.rows[1]: must be ≤ 64 (got 100)'],
    ['an unknown parameter', { name: 'b', sweep: { snn: { lane: [4] } } }, 'sweep.snn.lane: unknown key'],
    ['a value listed twice', { name: 'b', sweep: { T: [4, 4] } }, 'sweep.T: lists a value twice (got [4,4])'],
    ['an empty list', { name: 'b', sweep: { ann: { arrays: [] } } }, 'sweep.ann.arrays: lists no value (got [])'],
    ['iso-area over several T', { name: 'b', sweep: { T: [4, 5] }, isoArea: { budgets: [100] } }, 'isoArea: compares designs on one workload: sweep at most one T value with it'],
    ['no name', { sweep: {} }, 'name: is required'],
    ['a bad base config', { name: 'b', base: { ann: { rows: 0 } } }, 'base.ann.rows: must be ≥ 1 (got 0)'],
    ['too many points', { name: 'b', sweep: { ann: { rows: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], cols: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] }, snn: { lanes: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], cores: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] } } }, 'sweep: 11000 points, more than the 10000 an exploration takes'],
  ];

  it.each(cases)('%s', async (_, space, message) => {
    const file = at(`bad-${message.slice(0, 8).replace(/\W/g, '_')}.yaml`);
    await writeFile(file, stringify(space));
    const run = await runCli('explore', file, at('tiny.yaml'), '--out', at('never'));
    expect([run.code, run.stderr, run.stdout]).toEqual([2, `hwgen: ${file}: ${message}\n`, '']);
  });

  it('names a missing base config file', async () => {
    await writeFile(at('missing-base.yaml'), stringify({ name: 'b', base: 'nope.yaml' }));
    const run = await runCli('explore', at('missing-base.yaml'), at('tiny.yaml'));
    expect([run.code, run.stderr]).toEqual([2, `hwgen: ${at('nope.yaml')}: file not found\n`]);
  });

  it('refuses to sweep T over a θ from a file', async () => {
    const run = await runCli('explore', at('space.yaml'), at('theta-file.yaml'), '--out', at('never'), '-q');
    expect([run.code, run.stderr]).toEqual([2, `hwgen: ${at('theta-file.yaml')}: layers[0].theta: sweeping T rescales θ: give θ as one integer, not a file\n`]);
  });

  it.each([['--jobs', '0'], ['--synth-jobs', 'two']])('refuses %s %s', async (option, value) => {
    const run = await runCli('explore', at('space.yaml'), at('tiny.yaml'), option, value);
    expect([run.code, run.stderr]).toEqual([2, `hwgen: ${option}: expected a whole number ≥ 1 (got "${value}")\n`]);
  });
});
