/**
 * VGG-16 (Simonyan & Zisserman 2015, configuration D) on a 224×224 ImageNet image:
 * 13 3×3 convs (stride 1, padding 1) in five blocks, each block closed by a 2×2/2 max-pool, then 3 FC.
 */
import type { WorkloadManifestInput } from '../workload/manifest-schema.ts';
import {
  PIXEL_CODING,
  conv,
  flatSize,
  gemm,
  hiddenCoding,
  makeContext,
  type FeatureMap,
  type ZooLayer,
  type ZooOptions,
} from './layers.ts';

export const VGG16_NAME = 'vgg16';

/** Output channels of the convs of each block, in order. */
const BLOCKS: readonly (readonly number[])[] = [
  [64, 64],
  [128, 128],
  [256, 256, 256],
  [512, 512, 512],
  [512, 512, 512],
];

/** The classifier: output features of fc6, fc7, fc8 (1000 ImageNet classes). */
const FC_OUTPUTS: readonly number[] = [4096, 4096, 1000];

const IMAGE: FeatureMap = { C: 3, H: 224, W: 224 };

export function buildVgg16(options: ZooOptions = {}): WorkloadManifestInput {
  const ctx = makeContext(VGG16_NAME, options);
  const layers: ZooLayer[] = [];
  let fm = IMAGE;
  BLOCKS.forEach((channels, b) => {
    channels.forEach((M, i) => {
      const last = i === channels.length - 1;
      const coding = layers.length === 0 ? PIXEL_CODING : hiddenCoding(ctx, 'clustered');
      const pool = last ? { size: 2, stride: 2 } : undefined;
      const built = conv(ctx, fm, { name: `conv${b + 1}_${i + 1}`, M, k: 3, stride: 1, padding: 1, pool }, coding);
      layers.push(built.layer);
      fm = built.output;
    });
  });
  let K = flatSize(fm);
  FC_OUTPUTS.forEach((M, i) => {
    layers.push(gemm(ctx, `fc${i + 6}`, M, K, 1, hiddenCoding(ctx, 'uniform')));
    K = M;
  });
  return {
    name: VGG16_NAME,
    description: `VGG-16, ImageNet 224x224, 13 conv + 3 FC, batch 1, T=${ctx.T}, synthetic tensors (seed ${ctx.seed})`,
    layers,
  };
}
