/**
 * The recognised float network evaluated in float64 on uint8 images, layer by layer, giving each layer's float QCFS
 * levels (and the final classifier's logits) in the order of the golden model's `<layer>.y.npy` (`[B,M,Ho,Wo]` for
 * conv2d, `[M,B]` for gemm), so that `hwgen import --images` can count how many levels and classes the integer model
 * changes.
 */
import type { RecognisedNetwork, FloatLayer } from './recognise.ts';

function conv(layer: FloatLayer, x: Float64Array): Float64Array {
  const [M = 0, C = 0, kh = 0, kw = 0] = layer.weightShape;
  const [, H = 0, W = 0] = layer.inputShape;
  const [, Ho = 0, Wo = 0] = layer.outputShape;
  const { stride: s, padding: p } = layer;
  const out = new Float64Array(M * Ho * Wo);
  for (let m = 0; m < M; m++)
    for (let oy = 0; oy < Ho; oy++)
      for (let ox = 0; ox < Wo; ox++) {
        let z = layer.bias[m] ?? 0;
        for (let c = 0; c < C; c++)
          for (let i = 0; i < kh; i++) {
            const y = oy * s + i - p;
            if (y < 0 || y >= H) continue;
            for (let j = 0; j < kw; j++) {
              const xx = ox * s + j - p;
              if (xx < 0 || xx >= W) continue;
              z += (layer.weights[((m * C + c) * kh + i) * kw + j] ?? 0) * (x[(c * H + y) * W + xx] ?? 0);
            }
          }
        out[(m * Ho + oy) * Wo + ox] = z;
      }
  return out;
}

function gemm(layer: FloatLayer, x: Float64Array): Float64Array {
  const [M = 0, K = 0] = layer.weightShape;
  return Float64Array.from({ length: M }, (_, m) => {
    let z = layer.bias[m] ?? 0;
    for (let k = 0; k < K; k++) z += (layer.weights[m * K + k] ?? 0) * (x[k] ?? 0);
    return z;
  });
}

function pool(levels: Uint8Array, shape: readonly number[], size: number, stride: number): Uint8Array {
  const [C = 0, H = 0, W = 0] = shape;
  const Hp = Math.floor((H - size) / stride) + 1;
  const Wp = Math.floor((W - size) / stride) + 1;
  const out = new Uint8Array(C * Hp * Wp);
  for (let c = 0; c < C; c++)
    for (let py = 0; py < Hp; py++)
      for (let px = 0; px < Wp; px++) {
        let best = 0;
        for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) best = Math.max(best, levels[(c * H + py * stride + i) * W + px * stride + j] ?? 0);
        out[(c * Hp + py) * Wp + px] = best;
      }
  return out;
}

export interface FloatReference {
  /** Per QCFS layer (network.layers order), its float levels. */
  readonly levels: Uint8Array[];
  /** The classifier's float logits `[M, B]` (gemm) or `[B, M, Ho, Wo]` (conv2d), when the network ends in one. */
  readonly logits: Float64Array | undefined;
}

/** The float network on `images` (B images of the network's input shape, raw uint8): QCFS levels and final logits. */
export function floatReference(network: RecognisedNetwork, images: Uint8Array, count: number): FloatReference {
  const perImage = network.inputShape.reduce((a, b) => a * b, 1);
  const levels = network.layers.map((layer) => new Uint8Array(layer.outputShape.reduce((a, b) => a * b, 1) * count));
  const classifier = network.classifier;
  const logits = classifier === undefined ? undefined : new Float64Array(classifier.outputShape.reduce((a, b) => a * b, 1) * count);
  for (let b = 0; b < count; b++) {
    let x = Float64Array.from(images.subarray(b * perImage, (b + 1) * perImage), (v) => v * network.inputScale);
    network.layers.forEach((layer, index) => {
      const qcfs = layer.qcfs;
      if (qcfs === undefined) return;
      const z = layer.kind === 'conv2d' ? conv(layer, x) : gemm(layer, x);
      const out = Uint8Array.from(z, (v) => Math.min(qcfs.T, Math.max(0, Math.floor(v * qcfs.a + 0.5))));
      place(levels[index] as Uint8Array, out, layer.kind, b, count);
      const passed = layer.pool === undefined ? out : pool(out, layer.outputShape, layer.pool.size, layer.pool.stride);
      x = Float64Array.from(passed, (level) => level * qcfs.outScale);
    });
    if (classifier !== undefined && logits !== undefined) place(logits, classifier.kind === 'conv2d' ? conv(classifier, x) : gemm(classifier, x), classifier.kind, b, count);
  }
  return { levels, logits };
}

/** Image b's values into the golden model's order: `[B, ...]` for conv2d, `[M, B]` for gemm. */
function place<A extends Uint8Array | Float64Array>(target: A, values: A, kind: FloatLayer['kind'], b: number, count: number): void {
  if (kind === 'conv2d') target.set(values, b * values.length);
  else values.forEach((value, m) => (target[m * count + b] = value));
}

/** Float QCFS levels of every QCFS layer for `images` (B images of the network's input shape, raw uint8). */
export function floatLevels(network: RecognisedNetwork, images: Uint8Array, count: number): Uint8Array[] {
  return floatReference(network, images, count).levels;
}
