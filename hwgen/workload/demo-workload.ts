/**
 * The built-in demo workload: a small CNN (two conv layers with pooling, then two FC layers) on
 * synthetic data with realistic sparsity: direct-coded pixels in, clustered feature maps after.
 * Layers chain, so the demo exercises im2col, max-pooling and flattening as the contract defines them.
 */
import type { WorkloadManifestInput } from './manifest-schema.ts';

export const DEMO_T = 7;

export function demoWorkload(): WorkloadManifestInput {
  return {
    name: 'demo',
    description: 'built-in demo: conv 3→8 (pool 2), conv 8→16 (pool 2), fc 256→32, fc 32→10; 16x16 direct-coded input',
    layers: [
      {
        name: 'conv1',
        kind: 'conv2d',
        T: DEMO_T,
        inLevels: 255,
        input: { synthetic: { shape: [3, 16, 16], density: 0.9, pattern: 'clustered', values: 'uniform', seed: 1 } },
        weights: { synthetic: { shape: [8, 3, 3, 3], seed: 2 } },
        // θ ≈ 2σ(acc)/T, σ(acc) = 24·sqrt(K·E[x²]) for these synthetic distributions; bias pushes half the columns up.
        theta: 4800,
        bias: 2000,
        stride: 1,
        padding: 1,
        pool: { size: 2, stride: 2 },
      },
      {
        name: 'conv2',
        kind: 'conv2d',
        T: DEMO_T,
        weights: { synthetic: { shape: [16, 8, 3, 3], seed: 3 } },
        theta: 150,
        stride: 1,
        padding: 1,
        pool: { size: 2, stride: 2 },
      },
      { name: 'fc1', kind: 'gemm', T: DEMO_T, weights: { synthetic: { shape: [32, 256], seed: 4 } }, theta: 220 },
      { name: 'fc2', kind: 'gemm', T: DEMO_T, weights: { synthetic: { shape: [10, 32], seed: 5 } }, theta: 90 },
    ],
  };
}
