import { describe, expect, it } from 'vitest';
import { deriveSeed } from '../util/rng.ts';
import { MAX_THETA, manifestSchema, syntheticSchema, type WorkloadManifestInput } from '../workload/manifest-schema.ts';
import { convOutputShape, poolOutputShape } from '../workload/shapes.ts';
import { expectedLevelMoments } from '../workload/synthetic.ts';
import { ZOO, findZooEntry, layerShapes, type ZooEntry } from './index.ts';
import { thetaFor } from './layers.ts';

type Layer = WorkloadManifestInput['layers'][number];
type Shape = number[];

function entry(name: string): ZooEntry {
  const found = findZooEntry(name);
  if (found === undefined) throw new Error(`no zoo entry ${name}`);
  return found;
}

function synthetic(layer: Layer, field: 'input' | 'weights') {
  const source = layer[field];
  if (source === undefined || typeof source === 'string') throw new Error(`${layer.name}.${field} is not synthetic`);
  return source.synthetic;
}

const inShape = (layer: Layer): Shape => synthetic(layer, 'input').shape;
const weightShape = (layer: Layer): Shape => synthetic(layer, 'weights').shape;

/** `[M,Ho,Wo]` of a conv, `[M,N]` of a gemm. */
function outShape(layer: Layer): Shape {
  const w = weightShape(layer);
  const x = inShape(layer);
  if (layer.kind === 'gemm') return [w[0] ?? 0, x[1] ?? 0];
  const [C = 0, H = 0, W = 0] = x;
  const [M = 0, , kh = 0, kw = 0] = w;
  return convOutputShape({ C, H, W, M, kh, kw, stride: layer.stride ?? 1, padding: layer.padding ?? 0 });
}

function byName(manifest: WorkloadManifestInput): (name: string) => Layer {
  const map = new Map(manifest.layers.map((layer) => [layer.name, layer]));
  return (name) => {
    const layer = map.get(name);
    if (layer === undefined) throw new Error(`no layer ${name}`);
    return layer;
  };
}

/** Distinct name prefixes (the part before the last `.`) matching `pattern`, in order. */
function prefixes(manifest: WorkloadManifestInput, pattern: RegExp): string[] {
  const names = manifest.layers.map((l) => l.name).filter((n) => pattern.test(n));
  return [...new Set(names.map((n) => n.slice(0, n.lastIndexOf('.'))))];
}

function totalMacs(manifest: WorkloadManifestInput, kind?: 'conv2d' | 'gemm'): number {
  return layerShapes(manifest)
    .filter((l) => kind === undefined || l.kind === kind)
    .reduce((sum, l) => sum + l.macs, 0);
}

function expectWithin(actual: number, expected: number, fraction: number): void {
  expect(Math.abs(actual - expected) / expected).toBeLessThanOrEqual(fraction);
}

function countKinds(manifest: WorkloadManifestInput): { conv2d: number; gemm: number } {
  return {
    conv2d: manifest.layers.filter((l) => l.kind === 'conv2d').length,
    gemm: manifest.layers.filter((l) => l.kind === 'gemm').length,
  };
}

describe('zoo registry', () => {
  it('lists the four networks by name', () => {
    expect(ZOO.map((e) => e.name)).toEqual(['vgg16', 'resnet34', 'googlenet', 'bert-base']);
    expect(findZooEntry('resnet34')?.name).toBe('resnet34');
    expect(findZooEntry('alexnet')).toBeUndefined();
  });

  it('refuses an out-of-range T', () => {
    expect(() => entry('vgg16').build({ T: 0 })).toThrow(/T must be/);
    expect(() => entry('vgg16').build({ T: 256 })).toThrow(/T must be/);
    expect(() => entry('bert-base').build({ layers: 0 })).toThrow(/layers must be/);
  });
});

describe.each(ZOO.map((e) => [e.name, e] as const))('%s manifest', (name, zooEntry) => {
  const manifest = zooEntry.build({ layers: 2 });

  it('passes the manifest schema', () => {
    expect(() => manifestSchema.parse(manifest)).not.toThrow();
    expect(manifest.name).toBe(name);
  });

  it('has unique layer names', () => {
    const names = manifest.layers.map((l) => l.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('gives every layer synthetic input and weights and a θ in 1..2^24', () => {
    for (const layer of manifest.layers) {
      expect(typeof layer.input).toBe('object');
      expect(typeof layer.weights).toBe('object');
      expect(Number.isInteger(layer.theta)).toBe(true);
      expect(layer.theta as number).toBeGreaterThanOrEqual(1);
      expect(layer.theta as number).toBeLessThanOrEqual(MAX_THETA);
    }
  });

  it('codes the first layer directly and later layers at the producing T', () => {
    const [first, ...rest] = manifest.layers;
    if (first === undefined) throw new Error('empty manifest');
    if (first.kind === 'conv2d') {
      expect(first.inLevels).toBe(255);
      expect(synthetic(first, 'input')).toMatchObject({ values: 'uniform', density: 1 });
    }
    for (const layer of manifest.layers) expect(layer.T).toBe(15);
    for (const layer of first.kind === 'conv2d' ? rest : manifest.layers) {
      expect(layer.inLevels).toBe(15);
      expect(synthetic(layer, 'input').pattern).toBe(layer.kind === 'conv2d' ? 'clustered' : 'uniform');
    }
  });

  it('derives each seed from the zoo seed, the network and the layer', () => {
    const seeded = zooEntry.build({ seed: 7, layers: 1 });
    for (const layer of seeded.layers) {
      expect(synthetic(layer, 'input').seed).toBe(deriveSeed(7, name, layer.name, 'input'));
      expect(synthetic(layer, 'weights').seed).toBe(deriveSeed(7, name, layer.name, 'weights'));
    }
  });

  it('sets θ from the expected accumulator spread', () => {
    for (const layer of manifest.layers) {
      const spec = syntheticSchema.parse(synthetic(layer, 'input'));
      const K = layerShapes({ name, layers: [layer] })[0]?.shape.K ?? 0;
      const { meanSquare } = expectedLevelMoments(spec, layer.inLevels ?? 0);
      expect(layer.theta).toBe(thetaFor(K, meanSquare, layer.T ?? 0));
    }
  });

  it('is deterministic and follows T and seed', () => {
    expect(zooEntry.build({ layers: 2 })).toEqual(manifest);
    const other = zooEntry.build({ T: 7, seed: 3, layers: 2 });
    expect(other.layers.every((l) => l.T === 7)).toBe(true);
    expect(other.layers.slice(1).every((l) => l.inLevels === 7)).toBe(true);
    expect(synthetic(other.layers[1] as Layer, 'input').seed).not.toBe(synthetic(manifest.layers[1] as Layer, 'input').seed);
  });
});

describe('theta rule', () => {
  it('maps ±2σ of the accumulator onto T levels, clamped to 1..2^24', () => {
    // K = 9, E[x²] = 1: σ = sqrt(9·24²) = 72, so θ = round(144 / 15) = 10.
    expect(thetaFor(9, 1, 15)).toBe(10);
    expect(thetaFor(1, 0, 15)).toBe(1);
    expect(thetaFor(1e9, 255 * 255, 1)).toBe(MAX_THETA);
  });
});

describe('vgg16', () => {
  const manifest = entry('vgg16').build();

  it('has 13 conv and 3 FC layers', () => {
    expect(countKinds(manifest)).toEqual({ conv2d: 13, gemm: 3 });
    expect(manifest.layers.map((l) => l.name).slice(0, 3)).toEqual(['conv1_1', 'conv1_2', 'conv2_1']);
    expect(manifest.layers.map((l) => l.name).slice(-3)).toEqual(['fc6', 'fc7', 'fc8']);
  });

  it('does 15.47 G MAC in total, 15.35 G in the convs', () => {
    expectWithin(totalMacs(manifest), 15.47e9, 0.005);
    expectWithin(totalMacs(manifest, 'conv2d'), 15.35e9, 0.005);
  });

  it('chains shapes: each layer takes the previous output after its pool, the FC the flattened map', () => {
    let previous: Shape = [3, 224, 224];
    for (const layer of manifest.layers) {
      const expected = layer.kind === 'gemm' && previous.length === 3 ? [previous.reduce((a, b) => a * b, 1), 1] : previous;
      expect(inShape(layer), layer.name).toEqual(expected);
      const out = outShape(layer);
      const pool = layer.kind === 'conv2d' ? layer.pool : undefined;
      previous = pool === undefined ? out : poolOutputShape(out as [number, number, number], pool.size, pool.stride ?? pool.size);
    }
    expect(previous).toEqual([1000, 1]);
  });
});

describe('resnet34', () => {
  const manifest = entry('resnet34').build();
  const layer = byName(manifest);

  it('has 33 main-path convs, 3 downsample convs and 1 FC', () => {
    expect(countKinds(manifest)).toEqual({ conv2d: 36, gemm: 1 });
    expect(manifest.layers.filter((l) => l.name.endsWith('.downsample')).map((l) => l.name)).toEqual([
      'layer2.0.downsample',
      'layer3.0.downsample',
      'layer4.0.downsample',
    ]);
    expect(manifest.layers).toHaveLength(37);
  });

  it('does about 3.6 G MAC', () => {
    expectWithin(totalMacs(manifest), 3.6e9, 0.03);
  });

  it('chains shapes through the blocks, and each residual add sees equal shapes', () => {
    expect(outShape(layer('conv1'))).toEqual([64, 112, 112]);
    // 3×3/2 max-pool with padding 1, which has the geometry of a conv: 112 → 56.
    let blockIn: Shape = convOutputShape({ C: 64, H: 112, W: 112, M: 64, kh: 3, kw: 3, stride: 2, padding: 1 });
    const blocks = prefixes(manifest, /^layer\d\.\d+\./);
    expect(blocks).toHaveLength(16);
    for (const block of blocks) {
      const conv1 = layer(`${block}.conv1`);
      const conv2 = layer(`${block}.conv2`);
      expect(inShape(conv1), block).toEqual(blockIn);
      expect(inShape(conv2), block).toEqual(outShape(conv1));
      const shortcut = manifest.layers.find((l) => l.name === `${block}.downsample`);
      if (shortcut === undefined) {
        expect(outShape(conv2), block).toEqual(blockIn);
      } else {
        expect(inShape(shortcut), block).toEqual(blockIn);
        expect(outShape(shortcut), block).toEqual(outShape(conv2));
      }
      blockIn = outShape(conv2);
    }
    expect(blockIn).toEqual([512, 7, 7]);
    expect(inShape(layer('fc'))).toEqual([512, 1]);
    expect(outShape(layer('fc'))).toEqual([1000, 1]);
  });
});

describe('googlenet', () => {
  const manifest = entry('googlenet').build();
  const layer = byName(manifest);
  const modules = ['3a', '3b', '4a', '4b', '4c', '4d', '4e', '5a', '5b'].map((m) => `inception${m}`);
  /** Caffe's 3×3/2 max-pool rounds up. */
  const pool = ([C = 0, H = 0, W = 0]: Shape): Shape => [C, Math.ceil((H - 3) / 2) + 1, Math.ceil((W - 3) / 2) + 1];

  it('has 3 stem convs, 9 inception modules of 6 convs and 1 FC', () => {
    expect(prefixes(manifest, /^inception/)).toEqual(modules);
    expect(countKinds(manifest)).toEqual({ conv2d: 3 + 9 * 6, gemm: 1 });
    expect(manifest.layers).toHaveLength(58);
  });

  // The paper's "1.5 billion multiply-adds" sums Table 1's ops column, which lists conv1 at 34 M; the
  // 7×7/2 conv over 3×224×224 into 64 channels is 118 M, so the layer table itself comes to 1.58 G.
  it('does about 1.5 G multiply-adds (Szegedy et al. 2015)', () => {
    expectWithin(totalMacs(manifest), 1.5e9, 0.06);
  });

  it('chains shapes through the stem, the modules and the concatenations', () => {
    expect(inShape(layer('conv2.3x3_reduce'))).toEqual(pool(outShape(layer('conv1.7x7_s2'))));
    expect(inShape(layer('conv2.3x3'))).toEqual(outShape(layer('conv2.3x3_reduce')));
    let fm = pool(outShape(layer('conv2.3x3')));
    expect(fm).toEqual([192, 28, 28]);
    for (const m of modules) {
      const at = (suffix: string): Layer => layer(`${m}.${suffix}`);
      for (const suffix of ['1x1', '3x3_reduce', '5x5_reduce', 'pool_proj']) expect(inShape(at(suffix)), `${m}.${suffix}`).toEqual(fm);
      expect(inShape(at('3x3'))).toEqual(outShape(at('3x3_reduce')));
      expect(inShape(at('5x5'))).toEqual(outShape(at('5x5_reduce')));
      const outs = ['1x1', '3x3', '5x5', 'pool_proj'].map((s) => outShape(at(s)));
      for (const out of outs) expect(out.slice(1), m).toEqual(fm.slice(1));
      fm = [outs.reduce((sum, out) => sum + (out[0] ?? 0), 0), fm[1] ?? 0, fm[2] ?? 0];
      if (m === 'inception3b' || m === 'inception4e') fm = pool(fm);
    }
    expect(fm).toEqual([1024, 7, 7]);
    expect(inShape(layer('fc'))).toEqual([1024, 1]);
  });
});

describe('bert-base', () => {
  const zooEntry = entry('bert-base');

  it('has 30 GEMMs per encoder layer, 12 layers by default', () => {
    expect(zooEntry.build({ layers: 1 }).layers).toHaveLength(4 + 2 * 12 + 2);
    expect(zooEntry.build().layers).toHaveLength(12 * 30);
    const names = zooEntry.build({ layers: 1 }).layers.map((l) => l.name);
    expect(names).toContain('enc0.q');
    expect(names).toContain('enc0.head3.scores');
    expect(names).toContain('enc0.head11.context');
  });

  it('does 931 M MAC per encoder layer and 11.17 G for 12', () => {
    expectWithin(totalMacs(zooEntry.build({ layers: 1 })), 931e6, 0.005);
    expectWithin(totalMacs(zooEntry.build()), 11.17e9, 0.005);
  });

  it('chains shapes: hidden [768,128], heads of 64, FFN 3072', () => {
    const manifest = zooEntry.build({ layers: 2 });
    const layer = byName(manifest);
    const hidden = [768, 128];
    for (const enc of ['enc0', 'enc1']) {
      for (const p of ['q', 'k', 'v']) expect(inShape(layer(`${enc}.${p}`))).toEqual(hidden);
      for (let h = 0; h < 12; h++) {
        const scores = layer(`${enc}.head${h}.scores`);
        const context = layer(`${enc}.head${h}.context`);
        expect(weightShape(scores)).toEqual([128, 64]);
        expect(inShape(scores)).toEqual([64, 128]);
        expect(inShape(context)).toEqual(outShape(scores));
        expect(outShape(context)).toEqual([64, 128]);
      }
      expect(inShape(layer(`${enc}.out`))).toEqual([12 * 64, 128]);
      expect(inShape(layer(`${enc}.ffn1`))).toEqual(outShape(layer(`${enc}.out`)));
      expect(inShape(layer(`${enc}.ffn2`))).toEqual(outShape(layer(`${enc}.ffn1`)));
      expect(outShape(layer(`${enc}.ffn2`))).toEqual(hidden);
    }
  });
});
