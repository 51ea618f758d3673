/**
 * Classifying a stream's first difference from what it must carry: a wrong value, or a dropped,
 * duplicated or extra beat, told apart by the beats that come after it.
 */
import type { SignalValue } from '../../../sim/waveform/values.ts';

export type SequenceFault = 'wrong-value' | 'dropped-beat' | 'duplicated-beat' | 'extra-beat';

/** Two beats carry the same payload (an absent beat equals nothing). */
export const samePayload = (a: readonly SignalValue[] | undefined, b: readonly SignalValue[] | undefined): boolean =>
  a !== undefined && b !== undefined && a.length === b.length && a.every((value, i) => value === b[i]);

/**
 * What the first difference at beat j is, from the beats seen from j on (`actual`, at most LOOK_AHEAD + 1
 * of them) against the expected stream: a wrong value when the beats after it agree, a dropped beat when
 * the stream goes on with beat j + 1, an extra one when the beat after it is beat j (duplicated when it
 * repeats the beat before). `ended`: `actual` is all the stream has, so the counts must agree too.
 */
export function classifyDifference(
  expected: (i: number) => readonly SignalValue[] | undefined,
  expectedLength: number,
  j: number,
  actual: readonly (readonly SignalValue[])[],
  ended: boolean,
  before: readonly SignalValue[] | undefined,
): SequenceFault {
  const k = actual.length;
  const agrees = (shift: number, from: number): boolean => {
    for (let i = from; i < k; i++) if (!samePayload(actual[i], expected(j + i + shift))) return false;
    return true;
  };
  if (j < expectedLength && agrees(0, 1) && (!ended || j + k === expectedLength)) return 'wrong-value';
  if (j < expectedLength && agrees(1, 0) && (!ended || j + k === expectedLength - 1)) return 'dropped-beat';
  if (agrees(-1, 1) && (!ended || j + k === expectedLength + 1)) return samePayload(actual[0], before) ? 'duplicated-beat' : 'extra-beat';
  return 'wrong-value';
}
