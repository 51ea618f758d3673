/**
 * Integer tensors as the contract stores them: C order, one of three dtypes.
 * `u1` holds activation levels, `i1` weights, `i4` biases and thresholds.
 */

export type DType = 'u1' | 'i1' | 'i4';

export interface DTypeData {
  u1: Uint8Array;
  i1: Int8Array;
  i4: Int32Array;
}

export interface Tensor<D extends DType = DType> {
  readonly dtype: D;
  readonly shape: readonly number[];
  readonly data: DTypeData[D];
}

export type Levels = Tensor<'u1'>;
export type Weights = Tensor<'i1'>;
export type Int32Tensor = Tensor<'i4'>;

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, dim) => product * dim, 1);
}

const CONSTRUCTORS = { u1: Uint8Array, i1: Int8Array, i4: Int32Array } as const;

export function allocate<D extends DType>(dtype: D, shape: readonly number[]): Tensor<D> {
  const data = new CONSTRUCTORS[dtype](elementCount(shape)) as DTypeData[D];
  return { dtype, shape: [...shape], data };
}

export function tensorOf<D extends DType>(dtype: D, shape: readonly number[], data: DTypeData[D]): Tensor<D> {
  if (data.length !== elementCount(shape)) {
    throw new RangeError(`tensor of shape [${shape.join(', ')}] needs ${elementCount(shape)} elements, got ${data.length}`);
  }
  return { dtype, shape: [...shape], data };
}

export function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** The C-order index of flat element `flat` of a tensor of `shape`. */
export function indexOfFlat(flat: number, shape: readonly number[]): number[] {
  const index: number[] = [];
  let rest = flat;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    const dim = shape[axis] ?? 1;
    index.unshift(rest % dim);
    rest = Math.floor(rest / dim);
  }
  return index;
}
