/** Lowers a resolved layer and its input levels to the GEMM both golden paths and the cores compute. */
import type { GemmLayer } from './gemm-layer.ts';
import { imagesAsColumns } from './batch.ts';
import { type Im2colGeometry, im2col } from './im2col.ts';
import type { ResolvedLayer } from './resolve.ts';

export function lowerToGemm(layer: ResolvedLayer, inputLevels: Uint8Array): GemmLayer {
  const { spec, gemm } = layer;
  const input = spec.kind === 'conv2d' ? convColumns(layer, inputLevels) : gemmColumns(layer, inputLevels);
  return {
    name: spec.name,
    ...gemm,
    T: layer.T,
    output: layer.output,
    inLevels: layer.inLevels,
    // [M,C,kh,kw] in C order is already W[M,K] row-major with k = (c·kh + i)·kw + j.
    weights: layer.weights().data,
    input,
    bias: layer.bias,
    theta: layer.theta,
  };
}

/** im2col of each image; image b's columns follow image b − 1's (column b·P + p). */
function convColumns(layer: ResolvedLayer, inputLevels: Uint8Array): Uint8Array {
  if (layer.spec.kind !== 'conv2d') throw new Error(`${layer.field} is not a conv2d`);
  const [C = 0, H = 0, W = 0] = layer.inputShape.slice(-3);
  const geometry: Im2colGeometry = { C, H, W, kh: layer.weights().shape[2] ?? 0, kw: layer.weights().shape[3] ?? 0, stride: layer.spec.stride, padding: layer.spec.padding };
  const images = layer.batch ?? 1;
  if (images === 1) return im2col(inputLevels, geometry);
  const { K, N } = layer.gemm;
  const P = N / images;
  const columns = new Uint8Array(K * N);
  const imageSize = C * H * W;
  for (let b = 0; b < images; b++) {
    const one = im2col(inputLevels.subarray(b * imageSize, (b + 1) * imageSize), geometry);
    for (let k = 0; k < K; k++) columns.set(one.subarray(k * P, (k + 1) * P), k * N + b * P);
  }
  return columns;
}

/** A gemm's X (K×N): its own input as it is, or a batch's flattened feature maps turned into columns. */
function gemmColumns(layer: ResolvedLayer, inputLevels: Uint8Array): Uint8Array {
  return layer.inputImages === undefined || layer.inputImages === 1 ? inputLevels : imagesAsColumns(inputLevels, layer.inputImages);
}
