/**
 * Stimulus and response files shared with the Verilog testbenches: one word per line in hex,
 * as `$readmemh` reads and `$fwrite("%h")` writes. Words of any width travel as bigint.
 */

/** Packs little-endian lanes (lane 0 in the low bits) of `laneBits` each into one word. */
export function packLanes(values: readonly (number | bigint)[], laneBits: number): bigint {
  if (laneBits % 4 === 0 && laneBits <= 48 && values.every((value) => typeof value === 'number')) return packNumberLanes(values as readonly number[], laneBits);
  const mask = (1n << BigInt(laneBits)) - 1n;
  let word = 0n;
  values.forEach((value, lane) => {
    word |= (BigInt(value) & mask) << BigInt(lane * laneBits);
  });
  return word;
}

/**
 * The same for number lanes of whole hex digits, through one hex string: shifting a growing bigint lane by lane
 * costs time quadratic in the word's width, and weight words are hundreds of bits wide.
 */
function packNumberLanes(values: readonly number[], laneBits: number): bigint {
  const digits = laneBits / 4;
  const modulus = 2 ** laneBits;
  let hex = '';
  for (let lane = values.length - 1; lane >= 0; lane--) {
    const value = values[lane] ?? 0;
    // Two's complement of a negative lane (an int8 weight) in laneBits bits.
    const unsigned = ((value % modulus) + modulus) % modulus;
    hex += unsigned.toString(16).padStart(digits, '0');
  }
  return hex === '' ? 0n : BigInt(`0x${hex}`);
}

/** Splits a word into `lanes` unsigned lanes of `laneBits` each. */
export function unpackLanes(word: bigint, lanes: number, laneBits: number): bigint[] {
  const mask = (1n << BigInt(laneBits)) - 1n;
  return Array.from({ length: lanes }, (_, lane) => (word >> BigInt(lane * laneBits)) & mask);
}

/** Two's-complement value of a `bits`-wide field. */
export function toSigned(value: bigint, bits: number): bigint {
  const sign = 1n << BigInt(bits - 1);
  return value & sign ? value - (1n << BigInt(bits)) : value;
}

/** `$readmemh` text: one zero-padded word per line. An empty list still gives a readable file. */
export function hexLines(words: readonly bigint[], bits: number): string {
  const digits = Math.max(1, Math.ceil(bits / 4));
  if (words.length === 0) return '\n';
  return `${words.map((word) => word.toString(16).padStart(digits, '0')).join('\n')}\n`;
}

/** Parses `$fwrite("%h\n")` output (x or z digits are an error: the design left a value undriven). */
export function parseHexLines(text: string, file: string): bigint[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line, index) => {
      if (!/^[0-9a-fA-F]+$/.test(line)) throw new Error(`${file}: line ${index + 1}: "${line}" is not a hex word (x or z from the design?)`);
      return BigInt(`0x${line}`);
    });
}

/** Parses `key value` lines (`$fdisplay(f, "cycles %0d", n)`) into a record of bigints. */
export function parseKeyValues(text: string, file: string): Record<string, bigint> {
  const result: Record<string, bigint> = {};
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    const match = /^([A-Za-z_][\w.]*)\s+(-?\d+)$/.exec(trimmed);
    if (match === null) throw new Error(`${file}: cannot read "${trimmed}" (expected: name number)`);
    result[match[1] ?? ''] = BigInt(match[2] ?? '0');
  }
  return result;
}
