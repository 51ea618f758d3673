/**
 * `jobs`: layers with their own input run as simulator processes side by side, a chained layer after the one it
 * takes its input from; the results are the same as one at a time, in layer order.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultAccelerator } from '../config/load-config.ts';
import { manifestSchema } from '../workload/manifest-schema.ts';
import { resolveWorkload } from '../workload/resolve.ts';
import { runGolden } from './golden.ts';
import { type LayerSimResult, simulateWorkload } from './simulate.ts';
import type { Progress } from '../util/progress.ts';

const synthetic = (shape: number[], seed: number) => ({ synthetic: { shape, seed } });

/** Two layers with their own input, each followed by one that takes its output. */
const MANIFEST = manifestSchema.parse({
  name: 'jobs',
  layers: [
    { name: 'a1', kind: 'conv2d', T: 3, inLevels: 3, input: synthetic([2, 6, 6], 1), weights: synthetic([4, 2, 3, 3], 2), theta: 40, padding: 1 },
    { name: 'a2', kind: 'gemm', T: 3, weights: synthetic([5, 144], 3), theta: 60 },
    { name: 'b1', kind: 'gemm', T: 4, inLevels: 7, input: synthetic([12, 5], 4), weights: synthetic([6, 12], 5), theta: 30 },
    { name: 'b2', kind: 'gemm', output: 'accumulator', weights: synthetic([3, 6], 6) },
  ],
});

/** The layers' results, and the order their simulations started and ended in (`+a1`, `-a1`). */
async function run(jobs: number): Promise<{ layers: LayerSimResult[]; events: string[] }> {
  const workload = await resolveWorkload({ manifest: MANIFEST, file: 'jobs.yaml', baseDir: '.' });
  const workDir = await mkdtemp(join(tmpdir(), `hwgen-jobs-${jobs}-`));
  const events: string[] = [];
  const progress: Progress = {
    start(label) {
      const name = /layer \d+\/\d+ (\w+)/.exec(label)?.[1] ?? label;
      events.push(`+${name}`);
      return () => void events.push(`-${name}`);
    },
    info: () => undefined,
  };
  const layers: LayerSimResult[] = [];
  for await (const layer of simulateWorkload(defaultAccelerator(), workload, { policy: 'cost', seed: 0, simulator: 'icarus', trace: 'none', workDir, jobs, progress })) layers.push(layer);
  return { layers, events };
}

describe('simulateWorkload with jobs', () => {
  it('runs independent layers side by side and gives what one at a time gives, in layer order', async () => {
    const [{ layers: alone, events: one }, { layers: together, events: three }] = [await run(1), await run(3)];
    expect(one).toEqual(['+a1', '-a1', '+a2', '-a2', '+b1', '-b1', '+b2', '-b2']);
    // b1 has its own input: it starts with a1, not after a2; a2 and b2 each wait for the layer they take from.
    expect(three.slice(0, 2).sort()).toEqual(['+a1', '+b1']);
    expect(three.indexOf('+a2')).toBeGreaterThan(three.indexOf('-a1'));
    expect(three.indexOf('+b2')).toBeGreaterThan(three.indexOf('-b1'));
    const golden = [...runGolden(await resolveWorkload({ manifest: MANIFEST, file: 'jobs.yaml', baseDir: '.' }))].map((result) => result.output.data);
    expect(together.map((layer) => [layer.name, layer.problems, layer.cycles === layer.predictedCycles])).toEqual(['a1', 'a2', 'b1', 'b2'].map((name) => [name, [], true]));
    expect(together.map((layer) => layer.outputs)).toEqual(golden);
    expect(together.map((layer) => [layer.cycles, layer.events])).toEqual(alone.map((layer) => [layer.cycles, layer.events]));
  }, 300_000);
});
