import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../errors.ts';
import { decodeNpy, encodeNpy, expectTensor, readNpy, writeNpy } from './npy.ts';
import { allocate, elementCount, tensorOf, type DType, type Tensor } from './tensor.ts';

/*
 * fixtures/ holds files written by numpy 2.4 (python3), regenerate with:
 *   np.save('u1_3x4.npy', np.arange(12, dtype=np.uint8).reshape(3, 4))
 *   np.save('i1_5.npy', np.array([-128, -1, 0, 1, 127], dtype=np.int8))
 *   np.save('i4_2x3.npy', np.array([[-2**31, -1, 0], [1, 2**31 - 1, 123456789]], dtype=np.int32))
 *   np.save('u1_scalar.npy', np.array(7, dtype=np.uint8))
 *   np.save('i4_0x3.npy', np.zeros((0, 3), dtype=np.int32))
 *   np.save('i1_rank20.npy', np.full((1,)*19 + (2,), -5, dtype=np.int8))
 *   np.save('u1_rank36.npy', np.full((1,)*36, 200, dtype=np.uint8))   # header padding is a full 64 spaces
 *   np.save('f4_2.npy', np.array([1.5, 2.5], dtype=np.float32))
 *   np.save('u1_fortran.npy', np.asfortranarray(np.arange(6, dtype=np.uint8).reshape(2, 3)))
 *   np.save('i4_big_endian.npy', np.array([1, 2], dtype='>i4'))
 *   for v in [(2, 0), (3, 0)]:
 *       np.lib.format.write_array(open(f'i4_v{v[0]}.npy', 'wb'), np.array([[1, -2], [3, -4]], dtype=np.int32), version=v)
 */
const FIXTURES = fileURLToPath(new URL('./fixtures', import.meta.url));
const fixturePath = (name: string): string => join(FIXTURES, name);
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(fixturePath(name)));

const latin1 = (text: string): Uint8Array => Uint8Array.from(text, (char) => char.charCodeAt(0));

/** A hand-made .npy file: any header text, any version, no alignment padding. */
function npy(header: string, data: ArrayLike<number> = [], version: [number, number] = [1, 0]): Uint8Array {
  const lengthSize = version[0] === 1 ? 2 : 4;
  const length = Array.from({ length: lengthSize }, (_, i) => (header.length >> (8 * i)) & 0xff);
  return Uint8Array.from([...latin1('\x93NUMPY'), ...version, ...length, ...latin1(header), ...Array.from(data)]);
}

const dict = (descr: string, shape: string, fortran = 'False'): string =>
  `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }`;

/** The exact message of the InputError `run` throws (fails on any other outcome). */
function inputError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof InputError) return error.message;
    throw error;
  }
  throw new Error('expected an InputError, nothing was thrown');
}

const decodeError = (bytes: Uint8Array): string => inputError(() => decodeNpy(bytes, 'x.npy'));

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

const plain = (t: Tensor): { dtype: DType; shape: number[]; data: number[] } => ({
  dtype: t.dtype,
  shape: [...t.shape],
  data: Array.from(t.data),
});

describe('numpy compatibility', () => {
  const written: [string, Tensor][] = [
    ['u1_3x4.npy', tensorOf('u1', [3, 4], Uint8Array.from({ length: 12 }, (_, i) => i))],
    ['i1_5.npy', tensorOf('i1', [5], Int8Array.from([-128, -1, 0, 1, 127]))],
    ['i4_2x3.npy', tensorOf('i4', [2, 3], Int32Array.from([-(2 ** 31), -1, 0, 1, 2 ** 31 - 1, 123456789]))],
    ['u1_scalar.npy', tensorOf('u1', [], Uint8Array.from([7]))],
    ['i4_0x3.npy', allocate('i4', [0, 3])],
    ['i1_rank20.npy', tensorOf('i1', [...Array<number>(19).fill(1), 2], Int8Array.from([-5, -5]))],
    ['u1_rank36.npy', tensorOf('u1', Array<number>(36).fill(1), Uint8Array.from([200]))],
  ];

  it.each(written)('decodes %s as numpy wrote it', (name, tensor) => {
    expect(plain(decodeNpy(fixture(name), name))).toEqual(plain(tensor));
  });

  it.each(written)('encodes %s byte for byte as numpy.save', (name, tensor) => {
    expect(encodeNpy(tensor)).toEqual(fixture(name));
  });

  it('writes the header numpy documents: v1.0, sorted keys, growth room, 64-byte aligned', () => {
    const bytes = encodeNpy(allocate('u1', [3, 4]));
    const header = `{'descr': '|u1', 'fortran_order': False, 'shape': (3, 4), }`;
    // 20 spaces of room for the first axis to grow to 21 digits, then padding to 128 bytes.
    const expected = `\x93NUMPY\x01\x00\x76\x00${header}${' '.repeat(20)}${' '.repeat(128 - 10 - header.length - 20 - 1)}\n`;
    expect(bytes.length).toBe(128 + 12);
    expect(bytes.subarray(0, 128)).toEqual(latin1(expected));
  });

  it('writes 1-d shapes as (n,) and scalars as () without growth room', () => {
    const oneD = new TextDecoder().decode(encodeNpy(allocate('i1', [5])).subarray(10, 128));
    expect(oneD).toBe(`${dict('|i1', '(5,)')}${' '.repeat(20 + 40)}\n`);
    const scalar = new TextDecoder().decode(encodeNpy(allocate('i4', [])).subarray(10, 128));
    expect(scalar).toBe(`${dict('<i4', '()')}${' '.repeat(62)}\n`);
  });

  it.each(['i4_v2.npy', 'i4_v3.npy'])('reads format version 2.0 and 3.0 (%s)', (name) => {
    expect(plain(decodeNpy(fixture(name), name))).toEqual({ dtype: 'i4', shape: [2, 2], data: [1, -2, 3, -4] });
  });
});

describe('round trips', () => {
  const shapes = [[], [0], [1], [5], [0, 3], [3, 0], [2, 3], [2, 0, 4], [1, 2, 3, 4], [2, 1, 3, 1, 2]];
  const values: Record<DType, number[]> = {
    u1: [0, 1, 127, 128, 255],
    i1: [-128, -1, 0, 1, 127],
    i4: [-(2 ** 31), -1, 0, 1, 2 ** 31 - 1],
  };

  for (const dtype of ['u1', 'i1', 'i4'] as const) {
    it.each(shapes.map((shape) => [JSON.stringify(shape), shape] as const))(`${dtype} shape %s`, (_, shape) => {
      const tensor = allocate(dtype, shape);
      tensor.data.forEach((_, i) => (tensor.data[i] = values[dtype][i % 5] ?? 0));
      const back = decodeNpy(encodeNpy(tensor), 'rt.npy');
      expect(plain(back)).toEqual(plain(tensor));
      expect(back.data).toBeInstanceOf(tensor.data.constructor);
    });
  }

  it('keeps the extreme values of every dtype', () => {
    const extremes = [
      tensorOf('u1', [2], Uint8Array.from([0, 255])),
      tensorOf('i1', [2], Int8Array.from([-128, 127])),
      tensorOf('i4', [2], Int32Array.from([-2147483648, 2147483647])),
    ];
    for (const tensor of extremes) {
      expect(Array.from(decodeNpy(encodeNpy(tensor), 'x.npy').data)).toEqual(Array.from(tensor.data));
    }
  });

  it('encodes a view of a larger buffer without its neighbours', () => {
    const backing = Int32Array.from([9, 1, 2, 9]);
    const view = tensorOf('i4', [2], backing.subarray(1, 3));
    expect(Array.from(decodeNpy(encodeNpy(view), 'x.npy').data)).toEqual([1, 2]);
    const bytes = Int8Array.from([9, -1, -2, 9]);
    expect(Array.from(decodeNpy(encodeNpy(tensorOf('i1', [2], bytes.subarray(1, 3))), 'x.npy').data)).toEqual([-1, -2]);
  });

  it('decodes from an unaligned offset into an aligned copy that does not alias the input', () => {
    const file = encodeNpy(tensorOf('i4', [3], Int32Array.from([1, -2, 2 ** 31 - 1])));
    const shifted = new Uint8Array(file.length + 1);
    shifted.set(file, 1);
    const input = shifted.subarray(1);
    const tensor = decodeNpy(input, 'x.npy');
    expect(Array.from(tensor.data)).toEqual([1, -2, 2 ** 31 - 1]);
    input.fill(0);
    expect(Array.from(tensor.data)).toEqual([1, -2, 2 ** 31 - 1]);
  });

  it('copies byte data out of the input too', () => {
    const input = encodeNpy(tensorOf('u1', [2], Uint8Array.from([1, 2])));
    const tensor = decodeNpy(input, 'x.npy');
    input.fill(0);
    expect(Array.from(tensor.data)).toEqual([1, 2]);
    expect(tensor.data.buffer).not.toBe(input.buffer);
  });
});

describe('header variations numpy accepts', () => {
  it.each([
    ['|u1', 'u1'], ['u1', 'u1'], ['<u1', 'u1'],
    ['|i1', 'i1'], ['i1', 'i1'], ['<i1', 'i1'],
    ['<i4', 'i4'], ['i4', 'i4'],
  ])('descr %s is %s', (descr, dtype) => {
    const size = dtype === 'i4' ? 4 : 1;
    expect(decodeNpy(npy(dict(descr, '(2,)'), new Uint8Array(2 * size)), 'x.npy').dtype).toBe(dtype);
  });

  it('accepts any key order, spacing, quotes and a missing trailing comma', () => {
    const header = `{ "shape" :(2 ,3,) ,'fortran_order':False,"descr":'|u1'}   \n`;
    expect(decodeNpy(npy(header, new Uint8Array(6)), 'x.npy').shape).toEqual([2, 3]);
  });

  it('accepts Python 2 long integers in the shape', () => {
    expect(decodeNpy(npy(dict('|u1', '(2L, 1L)'), [4, 5]), 'x.npy').shape).toEqual([2, 1]);
  });
});

describe('decode errors', () => {
  it('refuses a file without the magic', () => {
    expect(decodeError(latin1('PK\x03\x04 not numpy'))).toBe('x.npy: magic: not a .npy file (magic bytes missing)');
    expect(decodeError(new Uint8Array())).toBe('x.npy: magic: not a .npy file (magic bytes missing)');
    expect(decodeError(latin1('\x93NUM'))).toBe('x.npy: magic: not a .npy file (magic bytes missing)');
  });

  it('refuses a file shorter than its header says', () => {
    const file = fixture('u1_3x4.npy');
    for (const length of [7, 9, 64, 127]) {
      expect(decodeError(file.subarray(0, length))).toBe('x.npy: header: truncated header');
    }
    expect(decodeError(npy(dict('|u1', '()'), [], [2, 0]).subarray(0, 11))).toBe('x.npy: header: truncated header');
  });

  it('refuses unknown versions', () => {
    expect(decodeError(npy(dict('|u1', '()'), [1], [4, 0]))).toBe('x.npy: version: unsupported .npy version 4.0');
    expect(decodeError(npy(dict('|u1', '()'), [1], [1, 1]))).toBe('x.npy: version: unsupported .npy version 1.1');
    expect(decodeError(npy(dict('|u1', '()'), [1], [0, 0]))).toBe('x.npy: version: unsupported .npy version 0.0');
  });

  it.each([
    `{'descr': '|u1', 'fortran_order': False, 'shape': (3, 4)`,
    `not a dict`,
    `{'descr': '|u1' 'fortran_order': False, 'shape': ()}`,
    `{'descr': '|u1', 'fortran_order': False, 'shape': ()} extra`,
    `{'descr: '|u1', 'fortran_order': False, 'shape': ()}`,
    `{descr: '|u1', 'fortran_order': False, 'shape': ()}`,
    `{'descr': '|u1', 'fortran_order': false, 'shape': ()}`,
    `{'descr': '|u1', 'fortran_order': False, 'shape': (3.5,)}`,
    `{'descr': '|u1', 'fortran_order': False, 'shape': (,)}`,
    `{1: '|u1'}`,
    ``,
  ])('refuses an unparseable header: %s', (header) => {
    expect(decodeError(npy(header))).toBe('x.npy: header: cannot parse header dict');
  });

  it.each([
    ['descr', `{'fortran_order': False, 'shape': (2,), }`],
    ['fortran_order', `{'descr': '|u1', 'shape': (2,), }`],
    ['shape', `{'descr': '|u1', 'fortran_order': False, }`],
  ])('refuses a header without %s', (key, header) => {
    expect(decodeError(npy(header, [1, 2]))).toBe(`x.npy: ${key}: missing`);
  });

  it('refuses keys numpy does not write', () => {
    const header = `{'descr': '|u1', 'fortran_order': False, 'shape': (), 'extra': 1}`;
    expect(decodeError(npy(header, [1]))).toBe(`x.npy: header: unexpected key 'extra'`);
  });

  it('refuses other dtypes, naming the one found', () => {
    const expected = (descr: string): string =>
      `x.npy: descr: dtype ${descr} is not supported (expected '|u1', '|i1' or '<i4')`;
    expect(decodeError(fixture('f4_2.npy'))).toBe(expected(`'<f4'`));
    expect(decodeError(fixture('i4_big_endian.npy'))).toBe(expected(`'>i4'`));
    expect(decodeError(npy(dict('<i8', '(1,)'), new Uint8Array(8)))).toBe(expected(`'<i8'`));
    expect(decodeError(npy(dict('|b1', '(1,)'), [1]))).toBe(expected(`'|b1'`));
    const structured = `{'descr': [('a', '<i4')], 'fortran_order': False, 'shape': (1,), }`;
    expect(decodeError(npy(structured, new Uint8Array(4)))).toBe(expected(`[('a', '<i4')]`));
  });

  it('refuses Fortran order', () => {
    expect(decodeError(fixture('u1_fortran.npy'))).toBe(
      'x.npy: fortran_order: Fortran order is not supported (save in C order)');
    expect(decodeError(npy(dict('|u1', '(1,)', '0'), [1]))).toBe(
      'x.npy: fortran_order: expected True or False, found 0');
  });

  it.each([
    ['[2, 3]', '[2, 3]'],
    ['(2, -1)', '(2, -1)'],
    ['(5)', '5'],
    [`('2',)`, `('2',)`],
    ['(99999999999999999999,)', '(100000000000000000000,)'],
  ])('refuses shape %s', (shape, found) => {
    expect(decodeError(npy(dict('|u1', shape)))).toBe(
      `x.npy: shape: expected a tuple of non-negative integers, found ${found}`);
  });

  it('refuses data shorter than the shape needs', () => {
    const file = fixture('i4_2x3.npy');
    expect(decodeError(file.subarray(0, file.length - 2))).toBe(
      `x.npy: data: truncated: expected 24 bytes for shape [2, 3] of '<i4', found 22`);
    expect(decodeError(npy(dict('|u1', '(3, 4)'), [1]))).toBe(
      `x.npy: data: truncated: expected 12 bytes for shape [3, 4] of '|u1', found 1`);
  });

  it('refuses data longer than the shape needs', () => {
    expect(decodeError(concat(fixture('u1_3x4.npy'), Uint8Array.from([1, 2, 3])))).toBe(
      'x.npy: data: 3 trailing bytes after the data of shape [3, 4]');
    expect(decodeError(npy(dict('|i1', '()'), [1, 2]))).toBe('x.npy: data: 1 trailing bytes after the data of shape []');
  });
});

describe('readNpy and writeNpy', () => {
  it('reads a numpy file', async () => {
    const tensor = await readNpy(fixturePath('i1_5.npy'));
    expect(plain(tensor)).toEqual({ dtype: 'i1', shape: [5], data: [-128, -1, 0, 1, 127] });
  });

  it('names the display name in decoding errors', async () => {
    await expect(readNpy(fixturePath('f4_2.npy'), 'weights/w0.npy')).rejects.toThrow(
      new InputError('weights/w0.npy', 'descr', `dtype '<f4' is not supported (expected '|u1', '|i1' or '<i4')`));
  });

  it('reports a missing file and an unreadable one', async () => {
    const missing = readNpy(fixturePath('nope.npy'), 'nope.npy');
    await expect(missing).rejects.toBeInstanceOf(InputError);
    await expect(missing).rejects.toThrow(/^nope\.npy: file not found$/);
    await expect(readNpy(FIXTURES, 'fixtures')).rejects.toThrow(/^fixtures: cannot read: EISDIR$/);
  });

  it('writes what numpy.save writes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hwgen-npy-'));
    try {
      const tensor = await readNpy(fixturePath('i4_2x3.npy'));
      await writeNpy(join(dir, 'out.npy'), tensor);
      expect(new Uint8Array(await readFile(join(dir, 'out.npy')))).toEqual(fixture('i4_2x3.npy'));
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});

describe('expectTensor', () => {
  const levels = allocate('u1', [3, 4, 4]);
  const role = 'uint8 levels [C,H,W] for layers[0].input';

  it('returns the tensor narrowed to its dtype', () => {
    const narrowed = expectTensor(levels, 'u1', 3, 'in.npy', role);
    expect(narrowed).toBe(levels);
    expect(narrowed.data).toBeInstanceOf(Uint8Array);
  });

  it('refuses the wrong dtype', () => {
    expect(inputError(() => expectTensor(allocate('i4', [3, 4]), 'u1', 3, 'in.npy', role))).toBe(
      `in.npy: descr: found '<i4', expected '|u1' (${role})`);
  });

  it('refuses the wrong rank', () => {
    expect(inputError(() => expectTensor(allocate('u1', [3, 4]), 'u1', 3, 'in.npy', role))).toBe(
      `in.npy: shape: found [3, 4], expected 3 dimensions (${role})`);
  });
});

describe('properties', () => {
  const ranges: Record<DType, [number, number]> = { u1: [0, 255], i1: [-128, 127], i4: [-(2 ** 31), 2 ** 31 - 1] };
  const arbTensor = fc
    .record({
      dtype: fc.constantFrom<DType>('u1', 'i1', 'i4'),
      shape: fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 5 }),
    })
    .chain(({ dtype, shape }) => {
      const [min, max] = ranges[dtype];
      const n = elementCount(shape);
      return fc.array(fc.integer({ min, max }), { minLength: n, maxLength: n }).map((values) => {
        const tensor = allocate(dtype, shape);
        tensor.data.set(values);
        return tensor;
      });
    });

  it('decode(encode(t)) is t', () => {
    fc.assert(
      fc.property(arbTensor, fc.nat({ max: 7 }), (tensor, offset) => {
        const file = encodeNpy(tensor);
        const shifted = new Uint8Array(file.length + offset);
        shifted.set(file, offset);
        expect(plain(decodeNpy(shifted.subarray(offset), 'p.npy'))).toEqual(plain(tensor));
      }),
    );
  });

  it('the data always starts on a 64-byte boundary after a newline-terminated v1.0 header', () => {
    fc.assert(
      fc.property(arbTensor, (tensor) => {
        const file = encodeNpy(tensor);
        const headerLength = (file[8] ?? 0) + 256 * (file[9] ?? 0);
        expect(file[6]).toBe(1);
        expect((10 + headerLength) % 64).toBe(0);
        expect(file[10 + headerLength - 1]).toBe(0x0a);
        expect(file.length - 10 - headerLength).toBe(tensor.data.byteLength);
      }),
    );
  });
});
