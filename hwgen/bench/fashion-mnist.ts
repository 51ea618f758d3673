/**
 * Developer script: Fashion-MNIST from Debian's dataset-fashion-mnist package (gzipped IDX files) as the `.npy`
 * files `hwgen eval` reads: `images.npy` (uint8 [N,1,28,28]) and `labels.npy` (int32 [N]).
 *
 *   npx tsx hwgen/bench/fashion-mnist.ts OUT_DIR [--train] [--data DIR]
 *
 * The test split (10 000 images) unless --train (60 000). Tests never need the package.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { InputError } from '../errors.ts';
import { encodeNpy } from '../tensor/npy.ts';
import { type Tensor, tensorOf } from '../tensor/tensor.ts';

export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';
const IMAGES_MAGIC = 0x00000803; // IDX: unsigned bytes, 3 dimensions
const LABELS_MAGIC = 0x00000801; // IDX: unsigned bytes, 1 dimension

export type Split = 'test' | 'train';

export interface FashionMnist {
  readonly images: Tensor<'u1'>;
  readonly labels: Tensor<'i4'>;
}

export function fashionMnistFiles(dir: string, split: Split): { images: string; labels: string } {
  const prefix = split === 'test' ? 't10k' : 'train';
  return { images: join(dir, `${prefix}-images-idx3-ubyte.gz`), labels: join(dir, `${prefix}-labels-idx1-ubyte.gz`) };
}

async function idx(file: string, magic: number): Promise<{ dims: number[]; data: Uint8Array }> {
  const packed = await readFile(file).catch(() => {
    throw new InputError(file, '', 'file not found (apt-get install dataset-fashion-mnist)');
  });
  const bytes = gunzipSync(packed);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // IDX headers are big-endian: the magic (its low byte is the rank), then one 32-bit size per dimension.
  if (bytes.length < 4 || view.getUint32(0) !== magic) throw new InputError(file, 'magic', `expected 0x${magic.toString(16).padStart(8, '0')}`);
  const rank = magic & 0xff;
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const start = 4 + 4 * rank;
  const size = dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== start + size) throw new InputError(file, 'data', `expected ${size} bytes after the header, found ${bytes.length - start}`);
  return { dims, data: bytes.subarray(start) };
}

export async function readFashionMnist(dir = FASHION_MNIST_DIR, split: Split = 'test'): Promise<FashionMnist> {
  const files = fashionMnistFiles(dir, split);
  const images = await idx(files.images, IMAGES_MAGIC);
  const labels = await idx(files.labels, LABELS_MAGIC);
  const [count = 0, rows = 0, cols = 0] = images.dims;
  if (labels.dims[0] !== count) throw new InputError(files.labels, 'dims', `${labels.dims[0] ?? 0} labels for ${count} images`);
  return { images: tensorOf('u1', [count, 1, rows, cols], new Uint8Array(images.data)), labels: tensorOf('i4', [count], Int32Array.from(labels.data)) };
}

/** Writes OUT/images.npy and OUT/labels.npy; returns their paths. */
export async function writeFashionMnist(out: string, dir = FASHION_MNIST_DIR, split: Split = 'test'): Promise<{ images: string; labels: string }> {
  const { images, labels } = await readFashionMnist(dir, split);
  await mkdir(out, { recursive: true });
  const files = { images: join(out, 'images.npy'), labels: join(out, 'labels.npy') };
  await writeFile(files.images, encodeNpy(images));
  await writeFile(files.labels, encodeNpy(labels));
  return files;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const dataAt = args.indexOf('--data');
  const data = dataAt >= 0 ? args[dataAt + 1] : undefined;
  const out = args.find((arg, i) => !arg.startsWith('--') && (dataAt < 0 || i !== dataAt + 1));
  if (out === undefined) {
    process.stderr.write('usage: npx tsx hwgen/bench/fashion-mnist.ts OUT_DIR [--train] [--data DIR]\n');
    process.exit(2);
  }
  const files = await writeFashionMnist(out, data ?? FASHION_MNIST_DIR, args.includes('--train') ? 'train' : 'test');
  process.stdout.write(`${files.images}\n${files.labels}\n`);
}
