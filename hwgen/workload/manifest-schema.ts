/**
 * The workload manifest of docs/formats.md as a zod schema.
 * Parsing checks every field's type and range; cross-field rules (shapes, chaining)
 * are checked when the workload is resolved (workload/resolve.ts).
 */
import { z } from 'zod';
import { OUTPUT_KINDS } from './gemm-layer.ts';

export const MAX_THETA = 2 ** 24;

const levelCount = z.number().int().min(1).max(255);

/** A seeded tensor generator, so benchmark workloads need no large files. */
export const syntheticSchema = z.strictObject({
  shape: z.array(z.number().int().min(1)).min(1).max(4),
  density: z.number().min(0).max(1).optional().describe('Fraction of non-zero elements, 0..1. Levels default to the 44 % zeros of Cnvlutin; weights to dense.'),
  pattern: z.enum(['uniform', 'clustered']).default('uniform').describe('`clustered`: density varies strongly between columns, like real feature maps.'),
  values: z.enum(['skewed', 'uniform']).default('skewed').describe('Non-zero levels: `skewed` towards small levels (QCFS activations) or `uniform` over 1..Tin (pixels).'),
  seed: z.number().int().min(0).max(2 ** 32 - 1).default(0),
});

export const tensorSourceSchema = z.union([z.string().min(1), z.strictObject({ synthetic: syntheticSchema })]);

const layerName = z.string().regex(/^[A-Za-z0-9_.-]+$/, 'must be letters, digits, "_", "." or "-" (it names output files)');

const commonLayerFields = {
  name: layerName,
  T: levelCount.optional().describe('Output levels 1..255; required unless the layer outputs its accumulator.'),
  inLevels: levelCount.optional().describe("Tin; a layer that takes the previous output inherits the previous layer's T."),
  input: tensorSourceSchema.optional(),
  weights: tensorSourceSchema,
  bias: z.union([z.string().min(1), z.number().int().min(-(2 ** 31)).max(2 ** 31 - 1)]).optional().describe('Path of an `[M]` int32 .npy, or one integer for every channel.'),
  theta: z.union([z.string().min(1), z.number().int().min(1).max(MAX_THETA)]).optional().describe('Required unless the layer outputs its accumulator.'),
  output: z.enum(OUTPUT_KINDS).default('levels').describe('`accumulator`: int32 logits acc + b instead of levels (no θ, no T); nothing may take them as input.'),
};

export const poolSchema = z.strictObject({
  size: z.number().int().min(1),
  stride: z.number().int().min(1).optional(),
});

export const conv2dLayerSchema = z.strictObject({
  ...commonLayerFields,
  kind: z.literal('conv2d'),
  stride: z.number().int().min(1).default(1),
  padding: z.number().int().min(0).default(0),
  pool: poolSchema.optional().describe("Max-pooling of this layer's output before the next layer takes it."),
});

export const gemmLayerSchema = z.strictObject({
  ...commonLayerFields,
  kind: z.literal('gemm'),
});

export const layerSchema = z.discriminatedUnion('kind', [conv2dLayerSchema, gemmLayerSchema]);

export const manifestSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  layers: z.array(layerSchema).min(1),
});

export type SyntheticSpec = z.output<typeof syntheticSchema>;
export type TensorSource = z.output<typeof tensorSourceSchema>;
export type Conv2dLayerSpec = z.output<typeof conv2dLayerSchema>;
export type GemmLayerSpec = z.output<typeof gemmLayerSchema>;
export type LayerSpec = z.output<typeof layerSchema>;
export type WorkloadManifest = z.output<typeof manifestSchema>;
/** What a manifest file (or a zoo entry) may say, before defaults are filled in. */
export type WorkloadManifestInput = z.input<typeof manifestSchema>;
