/**
 * ResNet-34 (He et al. 2016, Table 1) on a 224×224 ImageNet image, with torchvision's layer names:
 * a 7×7/2 stem conv and 3×3/2 max-pool, four stages of basic blocks (two 3×3 convs each), a 1×1/2
 * projection shortcut (`downsample`) where a stage halves the map and widens the channels, global
 * average pooling and one FC.
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

export const RESNET34_NAME = 'resnet34';

interface Stage {
  readonly channels: number;
  readonly blocks: number;
  /** Stride of the first block's first conv (and of its shortcut). */
  readonly stride: number;
}

const STAGES: readonly Stage[] = [
  { channels: 64, blocks: 3, stride: 1 },
  { channels: 128, blocks: 4, stride: 2 },
  { channels: 256, blocks: 6, stride: 2 },
  { channels: 512, blocks: 3, stride: 2 },
];

const IMAGE: FeatureMap = { C: 3, H: 224, W: 224 };
const CLASSES = 1000;

/** One basic block; the residual add needs the shortcut's shape, so a projection is emitted when it changes. */
function basicBlock(ctx: BuildContext, prefix: string, input: FeatureMap, M: number, stride: number, layers: ZooLayer[]): FeatureMap {
  const coding = hiddenCoding(ctx, 'clustered');
  const a = conv(ctx, input, { name: `${prefix}.conv1`, M, k: 3, stride, padding: 1 }, coding);
  const b = conv(ctx, a.output, { name: `${prefix}.conv2`, M, k: 3, stride: 1, padding: 1 }, coding);
  layers.push(a.layer, b.layer);
  if (stride !== 1 || input.C !== M) {
    layers.push(conv(ctx, input, { name: `${prefix}.downsample`, M, k: 1, stride, padding: 0 }, coding).layer);
  }
  return b.output;
}

export function buildResnet34(options: ZooOptions = {}): WorkloadManifestInput {
  const ctx = makeContext(RESNET34_NAME, options);
  const stem = conv(ctx, IMAGE, { name: 'conv1', M: 64, k: 7, stride: 2, padding: 3 }, PIXEL_CODING);
  const layers: ZooLayer[] = [stem.layer];
  // The stem pool is padded (3×3/2, padding 1: 112 → 56), which a manifest `pool` cannot say; shapes only.
  let fm = maxPool(stem.output, 3, 2, { padding: 1 });
  STAGES.forEach((stage, s) => {
    for (let i = 0; i < stage.blocks; i++) {
      fm = basicBlock(ctx, `layer${s + 1}.${i}`, fm, stage.channels, i === 0 ? stage.stride : 1, layers);
    }
  });
  layers.push(gemm(ctx, 'fc', CLASSES, globalAvgPool(fm).C, 1, hiddenCoding(ctx, 'uniform')));
  return {
    name: RESNET34_NAME,
    description: `ResNet-34, ImageNet 224x224, 33 conv + 3 downsample + FC, batch 1, T=${ctx.T}, synthetic tensors (seed ${ctx.seed})`,
    layers,
  };
}
