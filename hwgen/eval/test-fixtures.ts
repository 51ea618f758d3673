/**
 * Test support: a hand-made workload small enough to follow by hand. Four images of K = 3 pixels (0..3) into
 * l1 (gemm, θ = 1, T = 2: each level is its accumulator clipped to 0..2) with W1 = [[1,0,0],[0,1,1]], then
 * l2 (logits, W2 = identity, so the logits are l1's levels):
 *
 *   image   pixels    l1 levels   class (first on ties)   label
 *   0       0 0 0     0 0         0                       0
 *   1       3 0 0     2 0         0                       0
 *   2       0 1 2     0 2         1                       1
 *   3       1 1 0     1 1         0                       1   (wrong)
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { encodeNpy } from '../tensor/npy.ts';
import { type DType, type DTypeData, tensorOf } from '../tensor/tensor.ts';

export const TINY_PIXELS = [0, 0, 0, 3, 0, 0, 0, 1, 2, 1, 1, 0];
export const TINY_LABELS = [0, 0, 1, 1];
export const TINY_CLASSES = [0, 0, 1, 0];

export interface TinyWorkspace {
  readonly dir: string;
  readonly manifest: string;
  readonly images: string;
  readonly labels: string;
}

/** Writes tiny.yaml (with the logits layer, or without it: then l1's levels classify), images.npy and labels.npy. */
export async function tinyWorkspace(logits = true): Promise<TinyWorkspace> {
  const dir = await mkdtemp(join(tmpdir(), 'hwgen-eval-tiny-'));
  // (not cli/cli-harness.ts: it imports the CLI, which imports this folder)
  const write = <D extends DType>(name: string, dtype: D, shape: number[], data: DTypeData[D]) => writeFile(join(dir, name), encodeNpy(tensorOf(dtype, shape, data)));
  await write('w1.npy', 'i1', [2, 3], Int8Array.from([1, 0, 0, 0, 1, 1]));
  await write('w2.npy', 'i1', [2, 2], Int8Array.from([1, 0, 0, 1]));
  await write('images.npy', 'u1', [4, 3], Uint8Array.from(TINY_PIXELS));
  await write('labels.npy', 'i4', [4], Int32Array.from(TINY_LABELS));
  const l1 = { name: 'l1', kind: 'gemm', inLevels: 3, input: { synthetic: { shape: [3, 1] } }, weights: 'w1.npy', T: 2, theta: 1 };
  const l2 = { name: 'l2', kind: 'gemm', weights: 'w2.npy', output: 'accumulator' };
  const manifest = join(dir, 'tiny.yaml');
  await writeFile(manifest, stringify({ name: 'tiny', layers: logits ? [l1, l2] : [l1] }));
  return { dir, manifest, images: join(dir, 'images.npy'), labels: join(dir, 'labels.npy') };
}
