/**
 * A front point that fails its RTL verification: `hwgen explore` still writes the whole folder, marks the point in
 * pareto.json and exits 1. The RTL run is replaced by one that reports a cycle more than predicted (a real mismatch
 * needs a broken generator; `hwgen sim`'s own tests inject those).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import type { ParetoFile } from '../report/pareto-file.ts';
import type { VerifiedPoint } from '../explore/verify.ts';
import { runCli, tempWorkspace } from './cli-harness.ts';

vi.mock('../explore/verify.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../explore/verify.ts')>();
  const oneCycleLate = async (_accelerator: unknown, _workload: unknown, predictedCycles: number, dir: string): Promise<VerifiedPoint> => {
    await mkdir(dir, { recursive: true });
    return {
      verification: { simulator: 'verilator', cycles: predictedCycles + 1, predictedCycles, match: false },
      problems: [`RTL ${predictedCycles + 1} cycles, the explorer's cost model ${predictedCycles}`],
    };
  };
  return { ...original, verifyPoint: oneCycleLate };
});

let dir = '';

beforeAll(async () => {
  dir = await tempWorkspace('hwgen-explore-fail-');
  const layer = { name: 'fc1', kind: 'gemm', T: 3, inLevels: 3, input: { synthetic: { shape: [8, 6], density: 0.6, pattern: 'clustered', seed: 1 } }, weights: { synthetic: { shape: [4, 8], seed: 2 } }, theta: 40 };
  await writeFile(join(dir, 'one.yaml'), stringify({ name: 'one', layers: [layer] }));
  const base = { ann: { rows: 2, cols: 2 }, snn: { cores: 0 }, limits: { maxK: 16, maxM: 8, maxInLevels: 15, maxBiasAbs: 1024, maxTheta: 1024 }, buffers: { weightBytes: 64, activationBytes: 64, outputBytes: 64, scheduleEntries: 16 } };
  await writeFile(join(dir, 'space.yaml'), stringify({ name: 'one', base }));
});

describe('cli: hwgen explore with a front point failing in RTL', () => {
  it('writes pareto.json with the failure and exits 1', async () => {
    const out = join(dir, 'out');
    const run = await runCli('explore', join(dir, 'space.yaml'), join(dir, 'one.yaml'), '--out', out, '--jobs', '1', '-q');
    const pareto = JSON.parse(await readFile(join(out, 'pareto.json'), 'utf8')) as ParetoFile;
    const [point] = pareto.points;
    const cycles = point?.cycles ?? 0;
    expect(pareto.points.map((p) => [p.id, p.pareto])).toEqual([['a1x2x2-s0', true]]);
    expect(point?.verified).toEqual({ simulator: 'verilator', cycles: cycles + 1, predictedCycles: cycles, match: false });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`hwgen: 1 front point(s) failed RTL verification, first: a1x2x2-s0: RTL ${cycles + 1} cycles, the explorer's cost model ${cycles} (see ${out}/pareto.json)\n`);
    expect(run.stdout).toContain(`FAILED (${cycles + 1})`);
    expect(run.stdout).toContain('front verified in RTL (verilator): 0 of 1 points with cycles as predicted and outputs equal to the golden model\n');
  }, 120_000);
});
