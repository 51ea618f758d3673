/**
 * Top-1 classes from a classifier's `[M, B]` output (class m of image b at m·B + b), and how often they are right or
 * agree with another run's.
 */

/**
 * The class of each of the B images: argmax over m of scale[m]·value[m, b], the first class on ties. Without scales
 * (or with all scales equal: float models) the values are compared as they are, so int32 logits compare exactly.
 */
export function argmaxClasses(values: ArrayLike<number>, M: number, B: number, scales?: readonly number[]): Int32Array {
  const weigh = scales === undefined || scales.every((scale) => scale === scales[0]) ? undefined : scales;
  const at = (m: number, b: number): number => (values[m * B + b] ?? 0) * (weigh?.[m] ?? 1);
  const classes = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    let best = 0;
    let bestValue = at(0, b);
    for (let m = 1; m < M; m++) {
      const value = at(m, b);
      if (value > bestValue) [best, bestValue] = [m, value];
    }
    classes[b] = best;
  }
  return classes;
}

/** Images whose class equals `other`'s, over the first `count` images (default: all of `classes`). */
export function countEqual(classes: ArrayLike<number>, other: ArrayLike<number>, count = classes.length): number {
  let equal = 0;
  for (let i = 0; i < count; i++) if (classes[i] === other[i]) equal += 1;
  return equal;
}

/** Indices of the first `count` images whose classes differ. */
export function differing(classes: ArrayLike<number>, other: ArrayLike<number>, count = classes.length): number[] {
  const indices: number[] = [];
  for (let i = 0; i < count; i++) if (classes[i] !== other[i]) indices.push(i);
  return indices;
}

/** part / whole, 0 for nothing counted. */
export function fraction(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}
