import { describe, expect, it } from 'vitest';
import { argmaxClasses, countEqual, differing, fraction } from './classes.ts';

describe('classes from an [M, B] output', () => {
  // 3 classes × 4 images, class m of image b at m·4 + b
  const values = Int32Array.from([
    5, -1, 0, 7,
    9, -1, 0, 2,
    1, -3, 4, 7,
  ]);

  it('takes the argmax of each column, the first class on ties', () => {
    expect([...argmaxClasses(values, 3, 4)]).toEqual([1, 0, 2, 0]);
  });

  it('weighs each class by its logit scale when the scales differ, and ignores equal scales', () => {
    expect([...argmaxClasses(values, 3, 4, [1, 1, 1])]).toEqual([1, 0, 2, 0]);
    // class 0 counts double: image 0 becomes 10 vs 9, and image 1's tie at −1 becomes −2 vs −1 (class 1)
    expect([...argmaxClasses(values, 3, 4, [2, 1, 1])]).toEqual([0, 1, 2, 0]);
    // class 2 at a third: image 2 is 4/3 vs 0 (still 2), image 3 is 7/3 vs 7 (class 0)
    expect([...argmaxClasses(values, 3, 4, [1, 1, 1 / 3])]).toEqual([1, 0, 2, 0]);
  });

  it('counts and lists agreement', () => {
    expect(countEqual([1, 0, 2, 0], [1, 1, 2, 0])).toBe(3);
    expect(countEqual([1, 0, 2, 0], [1, 1, 2, 0], 2)).toBe(1);
    expect(differing([1, 0, 2, 0], [1, 1, 2, 1])).toEqual([1, 3]);
    expect([fraction(3, 4), fraction(0, 0)]).toEqual([0.75, 0]);
  });
});
