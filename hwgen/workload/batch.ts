/**
 * Batches of images in one conv2d layer. A `[B,C,H,W]` input makes a GEMM of N = B·Ho·Wo columns, image by image:
 * column b·P + p is output pixel p (P = Ho·Wo) of image b, so the schedulers and the cores see the whole batch.
 * The layer's output tensor is `[B,M,Ho,Wo]`, image by image, where the GEMM's Y (M×N, row-major) is channel by
 * channel: these functions move levels between the two orders. An unbatched layer's two orders are the same.
 */

/** Images of a batched layer, undefined for one without a batch axis. */
export interface Batched {
  readonly batch: number | undefined;
  readonly gemm: { readonly M: number; readonly N: number };
}

/** Levels or logits. */
type Values = Uint8Array | Int32Array;

/** Y (M×N) as the output tensor: `[B,M,P]` for a batch, Y itself otherwise. */
export function outputTensorOrder<V extends Values>(layer: Batched, y: V): V {
  return moveImageBlocks(layer, y, 'to-tensor');
}

/** The output tensor's values back in Y's order (M×N): for an RTL output read from `<layer>.y.npy`. */
export function gemmOutputOrder<V extends Values>(layer: Batched, tensor: V): V {
  return moveImageBlocks(layer, tensor, 'to-gemm');
}

/** Block (b, m) of P values sits at m·N + b·P in Y and at (b·M + m)·P in the tensor. */
function moveImageBlocks<V extends Values>(layer: Batched, data: V, direction: 'to-tensor' | 'to-gemm'): V {
  if (layer.batch === undefined) return data;
  const { M, N } = layer.gemm;
  const P = N / layer.batch;
  const out = data.slice().fill(0) as V;
  for (let b = 0; b < layer.batch; b++) {
    for (let m = 0; m < M; m++) {
      const inY = m * N + b * P;
      const inTensor = (b * M + m) * P;
      const [from, to] = direction === 'to-tensor' ? [inY, inTensor] : [inTensor, inY];
      out.set(data.subarray(from, from + P), to);
    }
  }
  return out;
}

/** `[B,R]` row-major as `[R,B]`: a batch of flattened feature maps as the columns of a gemm's input. */
export function imagesAsColumns(data: Uint8Array, batch: number): Uint8Array {
  const rows = data.length / batch;
  const out = new Uint8Array(data.length);
  for (let b = 0; b < batch; b++) for (let r = 0; r < rows; r++) out[r * batch + b] = data[b * rows + r] ?? 0;
  return out;
}

/** Applies `perImage` to each of `batch` equal slices of `data` and concatenates the results. */
export function perImage(data: Uint8Array, batch: number, perImage: (image: Uint8Array) => Uint8Array): Uint8Array {
  const size = data.length / batch;
  const parts = Array.from({ length: batch }, (_, b) => perImage(data.subarray(b * size, (b + 1) * size)));
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
