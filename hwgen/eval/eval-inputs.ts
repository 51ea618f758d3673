/**
 * The two files an evaluation reads besides the model: uint8 images in the model's input shape, and one integer
 * label per image. Every refusal is one line naming the file, the header field or the element, and what was expected.
 */
import { InputError } from '../errors.ts';
import { readNpy } from '../tensor/npy.ts';
import { type Tensor, indexOfFlat, shapeText } from '../tensor/tensor.ts';

export interface EvalImages {
  readonly file: string;
  /** Image after image, each in the model's input shape, C order. */
  readonly data: Uint8Array;
  readonly count: number;
  /** One image's shape: `[C,H,W]`, or `[K]` for a model that starts with a gemm. */
  readonly imageShape: readonly number[];
}

const DESCR: Record<Tensor['dtype'], string> = { u1: '|u1', i1: '|i1', i4: '<i4' };

/** Reads `[N, ...imageShape]` uint8 images and checks every pixel is at most `maxLevel` (the first layer's inLevels). */
export async function readEvalImages(file: string, imageShape: readonly number[], maxLevel: number): Promise<EvalImages> {
  const tensor = await readNpy(file);
  const expected = `[N, ${imageShape.join(', ')}]`;
  if (tensor.dtype !== 'u1') throw new InputError(file, 'descr', `found '${DESCR[tensor.dtype]}', expected '|u1' (uint8 images ${expected})`);
  const [count = 0, ...rest] = tensor.shape;
  if (tensor.shape.length !== imageShape.length + 1 || rest.some((dim, i) => dim !== imageShape[i])) {
    throw new InputError(file, 'shape', `found ${shapeText(tensor.shape)}, expected ${expected} (the model's input)`);
  }
  if (count === 0) throw new InputError(file, 'shape', `found ${shapeText(tensor.shape)}, expected at least one image`);
  const data = tensor.data as Uint8Array;
  const bad = data.findIndex((level) => level > maxLevel);
  if (bad >= 0) throw new InputError(file, 'data', `level ${data[bad] ?? 0} at ${shapeText(indexOfFlat(bad, tensor.shape))} exceeds ${maxLevel}, the first layer's inLevels`);
  return { file, data, count, imageShape };
}

/** Reads `[count]` labels (int32 or uint8), each a class 0..classes−1. */
export async function readEvalLabels(file: string, count: number, imagesFile: string, classes: number): Promise<Int32Array> {
  const tensor = await readNpy(file);
  if (tensor.dtype === 'i1') throw new InputError(file, 'descr', `found '|i1', expected '<i4' or '|u1' (integer labels [N])`);
  if (tensor.shape.length !== 1 || tensor.shape[0] !== count) {
    throw new InputError(file, 'shape', `found ${shapeText(tensor.shape)}, expected [${count}] (one label per image of ${imagesFile})`);
  }
  const labels = Int32Array.from(tensor.data);
  const bad = labels.findIndex((label) => label < 0 || label >= classes);
  if (bad >= 0) throw new InputError(file, 'data', `label ${labels[bad] ?? 0} at [${bad}] is outside 0..${classes - 1} (the classifier's ${classes} classes)`);
  return labels;
}

