/** Lowers a resolved layer and its input levels to the GEMM both golden paths and the cores compute. */
import type { GemmLayer } from './gemm-layer.ts';
import { im2col } from './im2col.ts';
import type { ResolvedLayer } from './resolve.ts';

export function lowerToGemm(layer: ResolvedLayer, inputLevels: Uint8Array): GemmLayer {
  const { spec, gemm } = layer;
  const input =
    spec.kind === 'conv2d'
      ? im2col(inputLevels, {
          C: layer.inputShape[0] ?? 0,
          H: layer.inputShape[1] ?? 0,
          W: layer.inputShape[2] ?? 0,
          kh: layer.weights().shape[2] ?? 0,
          kw: layer.weights().shape[3] ?? 0,
          stride: spec.stride,
          padding: spec.padding,
        })
      : inputLevels;
  return {
    name: spec.name,
    ...gemm,
    T: spec.T,
    inLevels: layer.inLevels,
    // [M,C,kh,kw] in C order is already W[M,K] row-major with k = (c·kh + i)·kw + j.
    weights: layer.weights().data,
    input,
    bias: layer.bias,
    theta: layer.theta,
  };
}
