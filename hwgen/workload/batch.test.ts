/**
 * A batch of images in one conv2d layer: one GEMM with N = B·Ho·Wo columns, image by image, whose outputs and
 * chained layers equal those of every image run on its own.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runGolden } from '../flows/golden.ts';
import { simulateWorkload } from '../flows/simulate.ts';
import { defaultAccelerator } from '../config/load-config.ts';
import { SIMULATORS } from '../../sim/registry.ts';
import { InputError } from '../errors.ts';
import { encodeNpy } from '../tensor/npy.ts';
import { tensorOf } from '../tensor/tensor.ts';
import { Rng } from '../util/rng.ts';
import { gemmOutputOrder, outputTensorOrder } from './batch.ts';
import { manifestSchema, type WorkloadManifestInput } from './manifest-schema.ts';
import { type ResolvedWorkload, resolveWorkload } from './resolve.ts';

const B = 3, C = 2, H = 9, W = 8;

/** conv (pooled) → conv → gemm → gemm on `input`, weights seeded so both manifests share them. */
function manifest(input: string): WorkloadManifestInput {
  return {
    name: 'batch',
    layers: [
      { name: 'c1', kind: 'conv2d', T: 5, inLevels: 255, input, padding: 1, pool: { size: 2 }, weights: { synthetic: { shape: [4, C, 3, 3], seed: 1 } }, bias: 40, theta: 2001 },
      { name: 'c2', kind: 'conv2d', T: 3, stride: 2, padding: 1, weights: { synthetic: { shape: [6, 4, 3, 3], seed: 2 } }, bias: -3, theta: 300 },
      { name: 'f1', kind: 'gemm', T: 4, weights: { synthetic: { shape: [5, 6 * 2 * 2], seed: 3 } }, theta: 60 },
      { name: 'f2', kind: 'gemm', T: 6, weights: { synthetic: { shape: [3, 5], seed: 4 } }, bias: 2, theta: 40 },
    ],
  };
}

async function workloadOf(dir: string, shape: readonly number[], data: Uint8Array, file: string): Promise<ResolvedWorkload> {
  await writeFile(join(dir, file), encodeNpy(tensorOf('u1', shape, data)));
  const path = join(dir, `${file}.yaml`);
  return resolveWorkload({ manifest: manifestSchema.parse(manifest(file)), file: path, baseDir: dir });
}

function outputsOf(workload: ResolvedWorkload): Map<string, { shape: readonly number[]; data: Uint8Array | Int32Array }> {
  return new Map([...runGolden(workload)].map((result) => [result.layer.spec.name, { shape: result.output.shape, data: result.output.data }]));
}

describe('a batch of images in one conv2d layer', () => {
  it('gives every layer the outputs of each image run alone, in [B,M,Ho,Wo] and [M,B] order', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hwgen-batch-'));
    const rng = new Rng(7);
    const images = Uint8Array.from({ length: B * C * H * W }, () => (rng.nextFloat() < 0.6 ? 0 : rng.nextInt(1, 255)));
    const batched = await workloadOf(dir, [B, C, H, W], images, 'batch.npy');
    expect(batched.layers.map((layer) => layer.gemm.N)).toEqual([B * 9 * 8, B * 2 * 2, B, B]);
    expect(batched.layers.map((layer) => layer.outputShape)).toEqual([[B, 4, 9, 8], [B, 6, 2, 2], [5, B], [3, B]]);
    const together = outputsOf(batched);
    // Levels that vary, so that a column in the wrong place would show.
        for (const [name, output] of together) expect(new Set(output.data).size, name).toBeGreaterThan(2);
    const size = C * H * W;
    for (let b = 0; b < B; b++) {
      const alone = outputsOf(await workloadOf(dir, [C, H, W], images.subarray(b * size, (b + 1) * size), `image${b}.npy`));
      for (const [name, one] of alone) {
        const all = together.get(name)!;
        if (one.shape.length === 3) {
          expect(all.data.subarray(b * one.data.length, (b + 1) * one.data.length), `${name}, image ${b}`).toEqual(one.data);
        } else {
          const column = Uint8Array.from({ length: one.data.length }, (_, m) => all.data[m * B + b] ?? 0);
          expect(column, `${name}, image ${b}`).toEqual(one.data);
        }
      }
    }
  });

  it.each(SIMULATORS)('runs the whole batch through the accelerator on %s: every layer equals the golden model, cycles as predicted', async (simulator) => {
    const dir = await mkdtemp(join(tmpdir(), 'hwgen-batch-rtl-'));
    const rng = new Rng(11);
    const images = Uint8Array.from({ length: B * C * H * W }, () => (rng.nextFloat() < 0.6 ? 0 : rng.nextInt(1, 255)));
    const batched = await workloadOf(dir, [B, C, H, W], images, 'batch.npy');
    const golden = outputsOf(batched);
    const options = { policy: 'cost', seed: 0, simulator, trace: 'none', workDir: join(dir, 'sim') } as const;
    const layers = [];
    for await (const layer of simulateWorkload(defaultAccelerator(), batched, options)) layers.push(layer);
    expect(layers.map((layer) => [layer.name, layer.problems, layer.cycles === layer.predictedCycles])).toEqual(['c1', 'c2', 'f1', 'f2'].map((name) => [name, [], true]));
    for (const layer of layers) expect(layer.outputs, layer.name).toEqual(golden.get(layer.name)?.data);
  }, 600_000);

  it('moves levels between Y (M×N) and the output tensor both ways', () => {
    const layer = { batch: 2, gemm: { M: 2, N: 6 } };
    const y = Uint8Array.from([0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15]);
    const tensor = outputTensorOrder(layer, y);
    expect([...tensor]).toEqual([0, 1, 2, 10, 11, 12, 3, 4, 5, 13, 14, 15]);
    expect(gemmOutputOrder(layer, tensor)).toEqual(y);
    expect(outputTensorOrder({ batch: undefined, gemm: layer.gemm }, y)).toBe(y);
  });

  it('refuses an input of another rank, naming the file and the shapes it takes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hwgen-batch-'));
    const error = await workloadOf(dir, [1, 1, C, H, W], new Uint8Array(C * H * W), 'rank5.npy').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe(`${join(dir, 'rank5.npy')}: shape: found [1, 1, 2, 9, 8], expected 3 or 4 dimensions (uint8 levels [C,H,W] or [B,C,H,W] for layers[0].input)`);
  });
});
