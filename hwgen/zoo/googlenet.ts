/**
 * GoogLeNet (Inception v1, Szegedy et al. 2015, Table 1) on a 224×224 ImageNet image: the stem
 * convs, nine inception modules and the final FC. The auxiliary classifiers are training-only and
 * are left out; LRN layers do no multiply-accumulates and are left out too. Layer names follow the
 * paper's columns: `inception3a.1x1`, `.3x3_reduce`, `.3x3`, `.5x5_reduce`, `.5x5`, `.pool_proj`.
 */
import type { WorkloadManifestInput } from '../workload/manifest-schema.ts';
import {
  PIXEL_CODING,
  conv,
  gemm,
  globalAvgPool,
  hiddenCoding,
  makeContext,
  maxPool,
  type BuildContext,
  type FeatureMap,
  type ZooLayer,
  type ZooOptions,
} from './layers.ts';

export const GOOGLENET_NAME = 'googlenet';

/** One row of Table 1: output channels of each branch conv. */
interface InceptionRow {
  readonly name: string;
  readonly n1x1: number;
  readonly n3x3reduce: number;
  readonly n3x3: number;
  readonly n5x5reduce: number;
  readonly n5x5: number;
  readonly poolProj: number;
  /** A 3×3/2 max-pool follows the module (after 3b and 4e). */
  readonly poolAfter?: boolean;
}

const MODULES: readonly InceptionRow[] = [
  { name: 'inception3a', n1x1: 64, n3x3reduce: 96, n3x3: 128, n5x5reduce: 16, n5x5: 32, poolProj: 32 },
  { name: 'inception3b', n1x1: 128, n3x3reduce: 128, n3x3: 192, n5x5reduce: 32, n5x5: 96, poolProj: 64, poolAfter: true },
  { name: 'inception4a', n1x1: 192, n3x3reduce: 96, n3x3: 208, n5x5reduce: 16, n5x5: 48, poolProj: 64 },
  { name: 'inception4b', n1x1: 160, n3x3reduce: 112, n3x3: 224, n5x5reduce: 24, n5x5: 64, poolProj: 64 },
  { name: 'inception4c', n1x1: 128, n3x3reduce: 128, n3x3: 256, n5x5reduce: 24, n5x5: 64, poolProj: 64 },
  { name: 'inception4d', n1x1: 112, n3x3reduce: 144, n3x3: 288, n5x5reduce: 32, n5x5: 64, poolProj: 64 },
  { name: 'inception4e', n1x1: 256, n3x3reduce: 160, n3x3: 320, n5x5reduce: 32, n5x5: 128, poolProj: 128, poolAfter: true },
  { name: 'inception5a', n1x1: 256, n3x3reduce: 160, n3x3: 320, n5x5reduce: 32, n5x5: 128, poolProj: 128 },
  { name: 'inception5b', n1x1: 384, n3x3reduce: 192, n3x3: 384, n5x5reduce: 48, n5x5: 128, poolProj: 128 },
];

const IMAGE: FeatureMap = { C: 3, H: 224, W: 224 };
const CLASSES = 1000;

/** The paper's Caffe model rounds pool output sizes up: 112 → 56 → 28 → 14 → 7. */
function downPool(fm: FeatureMap): FeatureMap {
  return maxPool(fm, 3, 2, { ceil: true });
}

/**
 * The four branches read the same module input; the pool branch's 3×3/1 max-pool (padding 1) keeps
 * the shape, so pool_proj's input is the module input's shape. Outputs concatenate along channels.
 */
function inception(ctx: BuildContext, row: InceptionRow, input: FeatureMap, layers: ZooLayer[]): FeatureMap {
  const coding = hiddenCoding(ctx, 'clustered');
  const branch = (suffix: string, from: FeatureMap, M: number, k: number) => conv(ctx, from, { name: `${row.name}.${suffix}`, M, k }, coding);
  const b1 = branch('1x1', input, row.n1x1, 1);
  const r3 = branch('3x3_reduce', input, row.n3x3reduce, 1);
  const b3 = branch('3x3', r3.output, row.n3x3, 3);
  const r5 = branch('5x5_reduce', input, row.n5x5reduce, 1);
  const b5 = branch('5x5', r5.output, row.n5x5, 5);
  const bp = branch('pool_proj', maxPool(input, 3, 1, { padding: 1 }), row.poolProj, 1);
  layers.push(b1.layer, r3.layer, b3.layer, r5.layer, b5.layer, bp.layer);
  const out: FeatureMap = { C: b1.output.C + b3.output.C + b5.output.C + bp.output.C, H: b1.output.H, W: b1.output.W };
  return row.poolAfter === true ? downPool(out) : out;
}

export function buildGooglenet(options: ZooOptions = {}): WorkloadManifestInput {
  const ctx = makeContext(GOOGLENET_NAME, options);
  const coding = hiddenCoding(ctx, 'clustered');
  const c1 = conv(ctx, IMAGE, { name: 'conv1.7x7_s2', M: 64, k: 7, stride: 2, padding: 3 }, PIXEL_CODING);
  const c2r = conv(ctx, downPool(c1.output), { name: 'conv2.3x3_reduce', M: 64, k: 1 }, coding);
  const c2 = conv(ctx, c2r.output, { name: 'conv2.3x3', M: 192, k: 3 }, coding);
  const layers: ZooLayer[] = [c1.layer, c2r.layer, c2.layer];
  let fm = downPool(c2.output);
  for (const row of MODULES) fm = inception(ctx, row, fm, layers);
  layers.push(gemm(ctx, 'fc', CLASSES, globalAvgPool(fm).C, 1, hiddenCoding(ctx, 'uniform')));
  return {
    name: GOOGLENET_NAME,
    description: `GoogLeNet (Inception v1), ImageNet 224x224, 3 stem conv + 9 inception modules + FC, batch 1, T=${ctx.T}, synthetic tensors (seed ${ctx.seed})`,
    layers,
  };
}
