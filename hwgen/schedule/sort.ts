/**
 * Stable orders of float keys by LSD radix sort on their IEEE 754 bits: with the sign bit set on
 * non-negative doubles and every bit flipped on negative ones, the bit pattern read as an unsigned integer
 * rises with the value (−∞ … +∞), so eight byte-wide counting passes sort them exactly. Several times
 * faster than Array.prototype.sort with a comparator, which dominated scheduling a 50k-column layer.
 * Ties keep their input order, so results are deterministic.
 */

const BYTE_VALUES = 256;
/** Which 32-bit half of a Float64Array element holds the sign and exponent on this host. */
const HIGH_WORD = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 1 : 0;

const SIGN_BIT = 0x80000000;

/** The two 32-bit words of each key as order-preserving unsigned integers: [high, low] planes. */
function keyWords(keys: ArrayLike<number>, descending: boolean): [Uint32Array, Uint32Array] {
  const doubles = new Float64Array(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] ?? 0;
    if (Number.isNaN(key)) throw new RangeError(`sort keys must not be NaN (at ${i})`);
    doubles[i] = key + 0; // −0 + 0 is +0, so −0 and 0 tie
  }
  const words = new Uint32Array(doubles.buffer);
  const high = new Uint32Array(keys.length);
  const low = new Uint32Array(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const hi = words[2 * i + HIGH_WORD] ?? 0;
    const lo = words[2 * i + 1 - HIGH_WORD] ?? 0;
    const negative = (hi & SIGN_BIT) !== 0;
    const ascendingHigh = negative ? ~hi : hi | SIGN_BIT;
    const ascendingLow = negative ? ~lo : lo;
    // Complementing every bit reverses the order and keeps the sort stable: ties stay in input order.
    high[i] = (descending ? ~ascendingHigh : ascendingHigh) >>> 0;
    low[i] = (descending ? ~ascendingLow : ascendingLow) >>> 0;
  }
  return [high, low];
}

/** Byte histograms of all eight digits in one sweep: counts[digit·256 + byte]; digits 0..3 low word, 4..7 high. */
function histograms(low: Uint32Array, high: Uint32Array): Int32Array {
  const counts = new Int32Array(8 * BYTE_VALUES);
  for (let i = 0; i < low.length; i++) {
    const lo = low[i] ?? 0;
    const hi = high[i] ?? 0;
    for (let byte = 0; byte < 4; byte++) {
      const at = byte * BYTE_VALUES + ((lo >>> (8 * byte)) & 0xff);
      counts[at] = (counts[at] ?? 0) + 1;
      const hiAt = (byte + 4) * BYTE_VALUES + ((hi >>> (8 * byte)) & 0xff);
      counts[hiAt] = (counts[hiAt] ?? 0) + 1;
    }
  }
  return counts;
}

/** One stable counting pass on byte `shift/8` of `plane`, given that byte's histogram. */
function scatter(plane: Uint32Array, shift: number, histogram: Int32Array, from: Int32Array, to: Int32Array): void {
  const next = new Int32Array(BYTE_VALUES);
  for (let b = 1; b < BYTE_VALUES; b++) next[b] = (next[b - 1] ?? 0) + (histogram[b - 1] ?? 0);
  for (let i = 0; i < from.length; i++) {
    const item = from[i] ?? 0;
    const bucket = ((plane[item] ?? 0) >>> shift) & 0xff;
    const at = next[bucket] ?? 0;
    to[at] = item;
    next[bucket] = at + 1;
  }
}

function order(keys: ArrayLike<number>, descending: boolean): Int32Array {
  const [high, low] = keyWords(keys, descending);
  const counts = histograms(low, high);
  let current = new Int32Array(keys.length);
  for (let i = 0; i < current.length; i++) current[i] = i;
  let spare = new Int32Array(keys.length);
  // Least significant byte first; a byte every key shares leaves the order as it is and is skipped.
  for (let digit = 0; digit < 8; digit++) {
    const histogram = counts.subarray(digit * BYTE_VALUES, (digit + 1) * BYTE_VALUES);
    if (histogram.some((count) => count === keys.length)) continue;
    scatter(digit < 4 ? low : high, 8 * (digit % 4), histogram, current, spare);
    [current, spare] = [spare, current];
  }
  return current;
}

/** Positions 0..keys.length−1 by ascending key; equal keys in position order. Any keys but NaN. */
export function ascendingOrder(keys: ArrayLike<number>): Int32Array {
  return order(keys, false);
}

/** Positions 0..keys.length−1 by descending key; equal keys in position order. Any keys but NaN. */
export function descendingOrder(keys: ArrayLike<number>): Int32Array {
  return order(keys, true);
}
