/**
 * The model zoo: published networks as synthetic workload manifests, available by name
 * (docs/formats.md: "The model zoo ... is available as such workloads by name").
 * Every layer carries its own synthetic input and weights, so layers run independently.
 */
import type { WorkloadManifestInput } from '../workload/manifest-schema.ts';
import { convGemmShape, gemmMacs, type GemmShape } from '../workload/shapes.ts';
import { BERT_BASE_NAME, buildBertBase } from './bert.ts';
import { GOOGLENET_NAME, buildGooglenet } from './googlenet.ts';
import type { ZooOptions } from './layers.ts';
import { RESNET34_NAME, buildResnet34 } from './resnet34.ts';
import { VGG16_NAME, buildVgg16 } from './vgg16.ts';

export type { ZooOptions } from './layers.ts';
export { DEFAULT_T, DEFAULT_ZOO_SEED } from './layers.ts';

export interface ZooEntry {
  name: string;
  title: string;
  /** Where the layer shapes come from. */
  source: string;
  /** `T` (default 15) and `seed` (default 0) apply to every network; `layers` only to BERT. */
  build(options?: ZooOptions): WorkloadManifestInput;
}

export const ZOO: readonly ZooEntry[] = [
  {
    name: VGG16_NAME,
    title: 'VGG-16 (ImageNet 224x224, 13 conv + 3 FC)',
    source: 'Simonyan & Zisserman, ICLR 2015, configuration D',
    build: buildVgg16,
  },
  {
    name: RESNET34_NAME,
    title: 'ResNet-34 (ImageNet 224x224, 36 conv incl. 3 downsample + FC)',
    source: 'He et al., CVPR 2016, Table 1; torchvision layer names',
    build: buildResnet34,
  },
  {
    name: GOOGLENET_NAME,
    title: 'GoogLeNet / Inception v1 (ImageNet 224x224, no auxiliary classifiers)',
    source: 'Szegedy et al., CVPR 2015, Table 1',
    build: buildGooglenet,
  },
  {
    name: BERT_BASE_NAME,
    title: 'BERT-base encoder (seq 128, 12 heads of 64, FFN 3072)',
    source: 'Devlin et al., NAACL 2019',
    build: buildBertBase,
  },
];

export function findZooEntry(name: string): ZooEntry | undefined {
  return ZOO.find((entry) => entry.name === name);
}

export interface LayerShape {
  name: string;
  kind: 'conv2d' | 'gemm';
  shape: GemmShape;
  macs: number;
}

type ManifestLayer = WorkloadManifestInput['layers'][number];

/** The shape of a synthetic tensor source; zoo manifests have no file paths. */
function syntheticShape(layer: ManifestLayer, field: 'input' | 'weights', rank: number): number[] {
  const source = layer[field];
  if (source === undefined || typeof source === 'string') {
    throw new Error(`layer ${layer.name}: ${field} must be synthetic to read its shape without files`);
  }
  if (source.synthetic.shape.length !== rank) {
    throw new Error(`layer ${layer.name}: ${field} shape [${source.synthetic.shape.join(',')}] must have ${rank} dimensions`);
  }
  return source.synthetic.shape;
}

function layerGemmShape(layer: ManifestLayer): GemmShape {
  if (layer.kind === 'gemm') {
    const [M = 0, K = 0] = syntheticShape(layer, 'weights', 2);
    const [Kx = 0, N = 0] = syntheticShape(layer, 'input', 2);
    if (Kx !== K) throw new Error(`layer ${layer.name}: input has K=${Kx} rows but weights have K=${K} columns`);
    return { M, K, N };
  }
  const [C = 0, H = 0, W = 0] = syntheticShape(layer, 'input', 3);
  const [M = 0, Cw = 0, kh = 0, kw = 0] = syntheticShape(layer, 'weights', 4);
  if (Cw !== C) throw new Error(`layer ${layer.name}: input has C=${C} channels but weights expect ${Cw}`);
  return convGemmShape({ C, H, W, M, kh, kw, stride: layer.stride ?? 1, padding: layer.padding ?? 0 });
}

/** Each layer's GEMM shape and multiply-accumulates, from the explicit synthetic input and weight shapes. */
export function layerShapes(manifest: WorkloadManifestInput): LayerShape[] {
  return manifest.layers.map((layer) => {
    const shape = layerGemmShape(layer);
    return { name: layer.name, kind: layer.kind, shape, macs: gemmMacs(shape) };
  });
}
