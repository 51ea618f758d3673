/**
 * Identifier codes as lookup keys without building strings in the hot loop. VCD codes are printable
 * ASCII (33..126); read as base-95 digits 1..94 (no digit is 0, so lengths never collide), a code of
 * up to 7 characters is a unique integer below 2^53. Codes of 1–3 characters (the first 839 514 codes
 * a writer hands out) index a flat table, longer ones a Map; anything else goes by its latin1 text.
 */

/** 95^3: every code of up to three characters is below this. */
const SMALL_CODES = 95 ** 3;
const MAX_NUMERIC_LENGTH = 7;
const FIRST_PRINTABLE = 33;
const LAST_PRINTABLE = 126;

/** The numeric key of `bytes[start..end)`, or -1 when it has to go by text (long, or not printable ASCII). */
function numericCode(bytes: Uint8Array, start: number, end: number): number {
  if (end - start > MAX_NUMERIC_LENGTH) return -1;
  let key = 0;
  for (let i = start; i < end; i++) {
    const byte = bytes[i]!;
    if (byte < FIRST_PRINTABLE || byte > LAST_PRINTABLE) return -1;
    key = key * 95 + (byte - 32);
  }
  return key;
}

/** The same key for a code from the header (latin1 text: one character per byte). */
function numericCodeOf(id: string): number {
  const bytes = Buffer.from(id, 'latin1');
  return numericCode(bytes, 0, bytes.length);
}

/**
 * Slot numbers by identifier code, in the three tiers above; -1 means "not selected: skip". The
 * flat table only reaches the largest selected short code, so opening a reader stays cheap.
 */
export class CodeTable {
  private small = new Int32Array(0);
  private readonly numeric = new Map<number, number>();
  private readonly text = new Map<string, number>();

  set(id: string, slot: number): void {
    const key = numericCodeOf(id);
    if (key < 0) this.text.set(id, slot);
    else if (key < SMALL_CODES) this.setSmall(key, slot);
    else this.numeric.set(key, slot);
  }

  get(id: string): number {
    const key = numericCodeOf(id);
    if (key < 0) return this.text.get(id) ?? -1;
    return this.slotOfKey(key);
  }

  /** The slot of `bytes[start..end)`: the hot path, no allocation for codes of up to 7 characters. */
  slotOf(bytes: Uint8Array, start: number, end: number): number {
    const key = numericCode(bytes, start, end);
    if (key < 0) return this.text.get(Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1')) ?? -1;
    return this.slotOfKey(key);
  }

  private slotOfKey(key: number): number {
    if (key < this.small.length) return this.small[key]!;
    if (key < SMALL_CODES) return -1;
    return this.numeric.get(key) ?? -1;
  }

  private setSmall(key: number, slot: number): void {
    if (key >= this.small.length) {
      const grown = new Int32Array(key + 1).fill(-1);
      grown.set(this.small);
      this.small = grown;
    }
    this.small[key] = slot;
  }
}
