/**
 * NumPy `.npy` files, the tensor format of the contract (docs/formats.md):
 * little-endian, C order, dtypes `|u1`, `|i1` and `<i4`. Reading accepts format
 * versions 1.0 to 3.0; writing produces exactly the bytes `numpy.save` produces, so
 * files written here diff cleanly against files written by Python tools.
 */

import { readFile, writeFile } from 'node:fs/promises';
import { InputError } from '../errors.ts';
import { elementCount, shapeText, type DType, type Tensor } from './tensor.ts';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const ALIGN = 64;
/** numpy pads the header so the first axis can grow to this many digits in place. */
const GROWTH_AXIS_MAX_DIGITS = 21;

const DESCR: Record<DType, string> = { u1: '|u1', i1: '|i1', i4: '<i4' };
const ITEM_SIZE: Record<DType, number> = { u1: 1, i1: 1, i4: 4 };
/** Spellings numpy accepts for our dtypes; `>i4` is absent because the contract is little-endian. */
const DTYPE_OF_DESCR: ReadonlyMap<string, DType> = new Map([
  ['|u1', 'u1'], ['u1', 'u1'], ['<u1', 'u1'],
  ['|i1', 'i1'], ['i1', 'i1'], ['<i1', 'i1'],
  ['<i4', 'i4'], ['i4', 'i4'],
]);
const HEADER_KEYS = ['descr', 'fortran_order', 'shape'] as const;

// ---------------------------------------------------------------------------
// Decoding

export function decodeNpy(bytes: Uint8Array, file: string): Tensor {
  const { text, dataStart } = splitHeader(bytes, file);
  const { dtype, shape } = interpretHeader(parseHeaderDict(text, file), file);
  return decodeData(dtype, shape, bytes.subarray(dataStart), file);
}

interface RawHeader {
  readonly text: string;
  readonly dataStart: number;
}

/** Checks magic and version and cuts the header text out of the file. */
function splitHeader(bytes: Uint8Array, file: string): RawHeader {
  if (bytes.length < MAGIC.length || MAGIC.some((byte, i) => bytes[i] !== byte)) {
    throw new InputError(file, 'magic', 'not a .npy file (magic bytes missing)');
  }
  if (bytes.length < 8) throw new InputError(file, 'header', 'truncated header');
  const major = bytes[6] ?? 0;
  const minor = bytes[7] ?? 0;
  if (![1, 2, 3].includes(major) || minor !== 0) {
    throw new InputError(file, 'version', `unsupported .npy version ${major}.${minor}`);
  }
  // Version 1.0 stores the header length in 2 bytes; 2.0 and 3.0 in 4 bytes.
  const lengthSize = major === 1 ? 2 : 4;
  const headerStart = 8 + lengthSize;
  if (bytes.length < headerStart) throw new InputError(file, 'header', 'truncated header');
  const view = new DataView(bytes.buffer, bytes.byteOffset + 8, lengthSize);
  const headerLength = lengthSize === 2 ? view.getUint16(0, true) : view.getUint32(0, true);
  const dataStart = headerStart + headerLength;
  if (bytes.length < dataStart) throw new InputError(file, 'header', 'truncated header');
  // 1.0 and 2.0 headers are latin-1; 3.0 allows UTF-8 (only inside strings, which we refuse anyway).
  const decoder = new TextDecoder(major === 3 ? 'utf-8' : 'latin1');
  return { text: decoder.decode(bytes.subarray(headerStart, dataStart)), dataStart };
}

interface HeaderFields {
  readonly dtype: DType;
  readonly shape: number[];
}

function interpretHeader(dict: ReadonlyMap<string, PyValue>, file: string): HeaderFields {
  for (const key of HEADER_KEYS) {
    if (!dict.has(key)) throw new InputError(file, key, 'missing');
  }
  for (const key of dict.keys()) {
    if (!(HEADER_KEYS as readonly string[]).includes(key)) {
      throw new InputError(file, 'header', `unexpected key '${key}'`);
    }
  }
  const dtype = dtypeOf(dict.get('descr') ?? null, file);
  checkCOrder(dict.get('fortran_order') ?? null, file);
  return { dtype, shape: shapeOf(dict.get('shape') ?? null, file) };
}

function dtypeOf(descr: PyValue, file: string): DType {
  const dtype = typeof descr === 'string' ? DTYPE_OF_DESCR.get(descr) : undefined;
  if (dtype === undefined) {
    throw new InputError(file, 'descr', `dtype ${pyRepr(descr)} is not supported (expected '|u1', '|i1' or '<i4')`);
  }
  return dtype;
}

function checkCOrder(fortranOrder: PyValue, file: string): void {
  if (fortranOrder === true) {
    throw new InputError(file, 'fortran_order', 'Fortran order is not supported (save in C order)');
  }
  if (fortranOrder !== false) {
    throw new InputError(file, 'fortran_order', `expected True or False, found ${pyRepr(fortranOrder)}`);
  }
}

function shapeOf(shape: PyValue, file: string): number[] {
  const isDim = (dim: PyValue): dim is number => typeof dim === 'number' && Number.isSafeInteger(dim) && dim >= 0;
  if (!(shape instanceof PyTuple) || !shape.items.every(isDim)) {
    throw new InputError(file, 'shape', `expected a tuple of non-negative integers, found ${pyRepr(shape)}`);
  }
  return shape.items.filter(isDim);
}

/** Copies the data out of the file so the typed array owns an aligned buffer of its own. */
function decodeData(dtype: DType, shape: number[], data: Uint8Array, file: string): Tensor {
  const count = elementCount(shape);
  const expected = count * ITEM_SIZE[dtype];
  if (data.length < expected) {
    throw new InputError(file, 'data',
      `truncated: expected ${expected} bytes for shape ${shapeText(shape)} of '${DESCR[dtype]}', found ${data.length}`);
  }
  if (data.length > expected) {
    throw new InputError(file, 'data', `${data.length - expected} trailing bytes after the data of shape ${shapeText(shape)}`);
  }
  switch (dtype) {
    case 'u1':
      return { dtype, shape, data: new Uint8Array(data) };
    case 'i1':
      return { dtype, shape, data: new Int8Array(new Uint8Array(data).buffer) };
    case 'i4':
      return { dtype, shape, data: readInt32LE(data, count) };
  }
}

/** DataView reads little-endian whatever the host's byte order and needs no alignment. */
function readInt32LE(data: Uint8Array, count: number): Int32Array {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) out[i] = view.getInt32(4 * i, true);
  return out;
}

// ---------------------------------------------------------------------------
// The header is a Python dict literal; this parses the subset numpy writes
// (strings, integers, booleans, None, tuples, lists) without evaluating anything.

class PyTuple {
  constructor(readonly items: readonly PyValue[]) {}
}
type PyValue = string | number | boolean | null | PyTuple | readonly PyValue[];

interface Cursor {
  readonly text: string;
  pos: number;
  readonly file: string;
}

function parseHeaderDict(text: string, file: string): ReadonlyMap<string, PyValue> {
  const cursor: Cursor = { text, pos: 0, file };
  const dict = parseDict(cursor);
  skipSpace(cursor);
  if (cursor.pos !== text.length) syntaxError(cursor);
  return dict;
}

function syntaxError(cursor: Cursor): never {
  throw new InputError(cursor.file, 'header', 'cannot parse header dict');
}

function skipSpace(cursor: Cursor): void {
  while (/\s/.test(cursor.text[cursor.pos] ?? '')) cursor.pos++;
}

/** Consumes `char` (after optional spaces) if it comes next. */
function accept(cursor: Cursor, char: string): boolean {
  skipSpace(cursor);
  if (cursor.text[cursor.pos] !== char) return false;
  cursor.pos++;
  return true;
}

function expectChar(cursor: Cursor, char: string): void {
  if (!accept(cursor, char)) syntaxError(cursor);
}

function parseDict(cursor: Cursor): Map<string, PyValue> {
  expectChar(cursor, '{');
  const entries = parseSeparated(cursor, '}', (): [string, PyValue] => {
    const key = parseValue(cursor);
    if (typeof key !== 'string') syntaxError(cursor);
    expectChar(cursor, ':');
    return [key, parseValue(cursor)];
  });
  return new Map(entries.items);
}

interface Separated<T> {
  readonly items: T[];
  readonly trailingComma: boolean;
}

/** Items up to `close`, comma separated, trailing comma allowed. */
function parseSeparated<T>(cursor: Cursor, close: string, parseItem: () => T): Separated<T> {
  const items: T[] = [];
  while (!accept(cursor, close)) {
    items.push(parseItem());
    if (!accept(cursor, ',')) {
      expectChar(cursor, close);
      return { items, trailingComma: false };
    }
  }
  return { items, trailingComma: items.length > 0 };
}

function parseValue(cursor: Cursor): PyValue {
  skipSpace(cursor);
  const char = cursor.text[cursor.pos];
  if (char === "'" || char === '"') return parseString(cursor, char);
  if (accept(cursor, '(')) return parseTuple(cursor);
  if (accept(cursor, '[')) return parseSeparated(cursor, ']', () => parseValue(cursor)).items;
  return parseWord(cursor);
}

/** `(5)` is just 5 in Python; only a comma or `()` makes a tuple. */
function parseTuple(cursor: Cursor): PyValue {
  const { items, trailingComma } = parseSeparated(cursor, ')', () => parseValue(cursor));
  return items.length === 1 && !trailingComma ? (items[0] ?? null) : new PyTuple(items);
}

function parseString(cursor: Cursor, quote: string): string {
  let value = '';
  for (let pos = cursor.pos + 1; pos < cursor.text.length; pos++) {
    const char = cursor.text[pos] ?? '';
    if (char === quote) {
      cursor.pos = pos + 1;
      return value;
    }
    // Escapes never occur in numpy's keys or our descrs; keep the escaped character.
    if (char === '\\') pos++;
    value += cursor.text[pos] ?? '';
  }
  return syntaxError(cursor);
}

const WORDS: ReadonlyMap<string, PyValue> = new Map<string, PyValue>([['True', true], ['False', false], ['None', null]]);

/** Integers (Python 2 wrote longs as `3L`) and the constants True, False, None. */
function parseWord(cursor: Cursor): PyValue {
  const match = /^(?:-?\d+L?|[A-Za-z_]\w*)/.exec(cursor.text.slice(cursor.pos));
  if (match === null) return syntaxError(cursor);
  cursor.pos += match[0].length;
  if (/^-?\d/.test(match[0])) return Number(match[0].replace('L', ''));
  const word = WORDS.get(match[0]);
  return word === undefined ? syntaxError(cursor) : word;
}

/** Renders a parsed value the way Python would, for error messages. */
function pyRepr(value: PyValue): string {
  if (value === null) return 'None';
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return String(value);
  if (value instanceof PyTuple) {
    return value.items.length === 1 ? `(${pyRepr(value.items[0] ?? null)},)` : `(${value.items.map(pyRepr).join(', ')})`;
  }
  return `[${value.map(pyRepr).join(', ')}]`;
}

// ---------------------------------------------------------------------------
// Encoding

export function encodeNpy(t: Tensor): Uint8Array {
  if (t.data.length !== elementCount(t.shape)) {
    throw new RangeError(`tensor of shape ${shapeText(t.shape)} has ${t.data.length} elements`);
  }
  const header = wrapHeader(headerText(t));
  const out = new Uint8Array(header.length + t.data.length * ITEM_SIZE[t.dtype]);
  out.set(header);
  writeData(t, out.subarray(header.length));
  return out;
}

/** The dict exactly as numpy's `_write_array_header` renders it (keys sorted, repr values). */
function headerText(t: Tensor): string {
  const dims = t.shape.map(String);
  const shape = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
  const dict = `{'descr': '${DESCR[t.dtype]}', 'fortran_order': False, 'shape': ${shape}, }`;
  const growth = dims.length > 0 ? GROWTH_AXIS_MAX_DIGITS - (dims[0] ?? '').length : 0;
  return dict + ' '.repeat(growth);
}

/**
 * Prefixes magic, version and length, and pads with spaces and a final newline so the
 * data starts on a 64-byte boundary (numpy's `_wrap_header`: padding is 1..64 spaces).
 * Version 1.0 unless the header outgrows its 16-bit length, as numpy chooses.
 */
function wrapHeader(text: string): Uint8Array {
  const v1 = padHeader(text, 2);
  const major = v1.length <= 0xffff ? 1 : 2;
  const padded = major === 1 ? v1 : padHeader(text, 4);
  const lengthSize = major === 1 ? 2 : 4;
  const out = new Uint8Array(8 + lengthSize + padded.length);
  out.set(MAGIC);
  out.set([major, 0], 6);
  const view = new DataView(out.buffer, 8, lengthSize);
  if (lengthSize === 2) view.setUint16(0, padded.length, true);
  else view.setUint32(0, padded.length, true);
  out.set(Array.from(padded, (char) => char.charCodeAt(0)), 8 + lengthSize);
  return out;
}

function padHeader(text: string, lengthSize: number): string {
  const unpadded = 8 + lengthSize + text.length + 1;
  return text + ' '.repeat(ALIGN - (unpadded % ALIGN)) + '\n';
}

function writeData(t: Tensor, out: Uint8Array): void {
  if (t.dtype !== 'i4') {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    return;
  }
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  t.data.forEach((value, i) => view.setInt32(4 * i, value, true));
}

// ---------------------------------------------------------------------------
// Files

export async function readNpy(path: string, displayName = path): Promise<Tensor> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw readError(error, displayName);
  }
  return decodeNpy(bytes, displayName);
}

function readError(error: unknown, file: string): InputError {
  const code = error instanceof Error && 'code' in error ? String(error.code) : 'unknown error';
  return new InputError(file, '', code === 'ENOENT' ? 'file not found' : `cannot read: ${code}`);
}

export async function writeNpy(path: string, t: Tensor): Promise<void> {
  await writeFile(path, encodeNpy(t));
}

// ---------------------------------------------------------------------------
// Checking a decoded tensor against its use

function hasDType<D extends DType>(t: Tensor, dtype: D): t is Tensor<D> {
  return t.dtype === dtype;
}

/** Narrows a tensor read from `file` to the dtype and rank its `role` needs. */
export function expectTensor<D extends DType>(t: Tensor, dtype: D, rank: number, file: string, role: string): Tensor<D> {
  if (!hasDType(t, dtype)) {
    throw new InputError(file, 'descr', `found '${DESCR[t.dtype]}', expected '${DESCR[dtype]}' (${role})`);
  }
  if (t.shape.length !== rank) {
    throw new InputError(file, 'shape', `found ${shapeText(t.shape)}, expected ${rank} dimensions (${role})`);
  }
  return t;
}
