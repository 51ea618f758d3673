/**
 * Signal values as the waveform readers give them, and the decoding of VCD value digits.
 *
 * - `bigint`: every bit is 0 or 1 (the common case, cheap to compare with `===`);
 * - `string`: at least one bit is x or z: the digits `0 1 x z`, most significant first, padded to
 *   the signal's width (so a test failure prints something a person can read);
 * - `number`: a `real` variable.
 */
export type SignalValue = bigint | string | number;

/** A signal that has not been dumped yet, as a simulator would show it. */
export function unknownValue(width: number, real: boolean): SignalValue {
  return real ? Number.NaN : 'x'.repeat(width);
}

export function isKnown(value: SignalValue): value is bigint {
  return typeof value === 'bigint';
}

/** The known bits and a mask of the x/z bits, for checks that ignore unknown bits. */
export function xzMask(value: SignalValue): { readonly bits: bigint; readonly mask: bigint } {
  if (typeof value === 'bigint') return { bits: value, mask: 0n };
  if (typeof value === 'number') throw new RangeError('xzMask: a real value has no bits');
  let bits = 0n;
  let mask = 0n;
  for (const digit of value) {
    bits = (bits << 1n) | (digit === '1' ? 1n : 0n);
    mask = (mask << 1n) | (digit === 'x' || digit === 'z' ? 1n : 0n);
  }
  return { bits, mask };
}

/** `0x1f`, `12'b0000_0x01` style text for messages. */
export function formatValue(value: SignalValue): string {
  if (typeof value === 'bigint') return `0x${value.toString(16)}`;
  if (typeof value === 'number') return String(value);
  return `'b${value}`;
}

const ZERO = 0x30;
const ONE = 0x31;
const LOWER_X = 0x78;
const UPPER_X = 0x58;
const LOWER_Z = 0x7a;
const UPPER_Z = 0x5a;

/** Byte classes for the value scanner: 1 for a binary digit of a VCD value, 0 otherwise. */
export const VALUE_DIGIT = new Uint8Array(256);
for (const digit of [ZERO, ONE, LOWER_X, UPPER_X, LOWER_Z, UPPER_Z]) VALUE_DIGIT[digit] = 1;

/** Scalar values need no allocation: these are shared. */
const SCALAR_ZERO = 0n;
const SCALAR_ONE = 1n;

/**
 * The value of the digits `bytes[start..end)` (already checked to be binary digits) for a signal of
 * `width` bits. VCD may drop leading digits: a value is extended with 0 when its first digit is 0
 * or 1, and with x or z when it is x or z. Returns undefined when there are more digits than bits.
 */
export function decodeBinary(bytes: Uint8Array, start: number, end: number, width: number): SignalValue | undefined {
  const count = end - start;
  if (count > width) return undefined;
  let unknown = false;
  for (let i = start; i < end; i++) {
    const digit = bytes[i]!;
    if (digit !== ZERO && digit !== ONE) unknown = true;
  }
  if (!unknown) return knownBits(bytes, start, end);
  return unknownDigits(bytes, start, end, width);
}

/** Up to 52 bits go through a double (exact), longer values through BigInt's own parser. */
function knownBits(bytes: Uint8Array, start: number, end: number): bigint {
  if (end - start <= 52) {
    let value = 0;
    for (let i = start; i < end; i++) value = value * 2 + (bytes[i]! - ZERO);
    return BigInt(value);
  }
  return BigInt(`0b${Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1')}`);
}

function unknownDigits(bytes: Uint8Array, start: number, end: number, width: number): string {
  let digits = '';
  for (let i = start; i < end; i++) digits += lowerDigit(bytes[i]!);
  const first = digits[0] ?? '0';
  const fill = first === 'x' || first === 'z' ? first : '0';
  return fill.repeat(width - digits.length) + digits;
}

function lowerDigit(byte: number): string {
  if (byte === ZERO) return '0';
  if (byte === ONE) return '1';
  return byte === LOWER_X || byte === UPPER_X ? 'x' : 'z';
}

/** A scalar value change (`0!`, `x#`) on a signal of `width` bits (writers use it for vectors too). */
export function decodeScalar(byte: number, width: number): SignalValue {
  if (byte === ZERO) return SCALAR_ZERO;
  if (byte === ONE) return SCALAR_ONE;
  return (byte === LOWER_X || byte === UPPER_X ? 'x' : 'z').repeat(width);
}
