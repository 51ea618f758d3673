/**
 * The committed reference network (examples/models/, trained with PyTorch, which the tests never run): both QCFS op
 * orders import to the same integers, the integer model stays close to the float network, and with the classifier
 * applied it classifies the test images as the float network's measured accuracy leads one to expect.
 */
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runGolden } from '../flows/golden.ts';
import { decodeNpy, encodeNpy, readNpy } from '../tensor/npy.ts';
import { tensorOf } from '../tensor/tensor.ts';
import { loadManifestFile } from '../workload/load-manifest.ts';
import { resolveWorkload } from '../workload/resolve.ts';
import { importOnnx } from './import-model.ts';

const MODELS = join(import.meta.dirname, '..', '..', 'examples', 'models');
const IMAGES = 40;

async function firstImages(dir: string): Promise<string> {
  const all = await readNpy(join(MODELS, 'test_images_500.npy'));
  const size = 28 * 28;
  const file = join(dir, 'images.npy');
  await writeFile(file, encodeNpy(tensorOf('u1', [IMAGES, 1, 28, 28], (all.data as Uint8Array).slice(0, IMAGES * size))));
  return file;
}

/** Each tensor file of an import, by name. */
async function tensors(dir: string): Promise<Map<string, Buffer>> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.npy')).sort();
  return new Map(await Promise.all(names.map(async (name) => [name, await readFile(join(dir, name))] as const)));
}

describe('the reference QCFS network (examples/models)', () => {
  it('imports in both op orders to the same integers; the integer model classifies like the float network', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hwgen-reference-'));
    const images = await firstImages(dir);
    const bu = await importOnnx(join(MODELS, 'qcfs_fmnist_t4.onnx'), { out: join(dir, 'bu'), images });
    await importOnnx(join(MODELS, 'qcfs_fmnist_t4_alt.onnx'), { out: join(dir, 'alt'), images });
    expect(await tensors(join(dir, 'alt'))).toEqual(await tensors(join(dir, 'bu')));
    expect(bu.layers.map((layer) => layer.layer.qcfs?.T)).toEqual([4, 4, 4]);
    for (const mismatch of bu.mismatches ?? []) expect(mismatch.fraction).toBeLessThan(0.03);

    const workload = await resolveWorkload(await loadManifestFile(join(dir, 'bu', 'workload.yaml')));
    const last = [...runGolden(workload)].at(-1)!;
    const [features = 0, batch = 0] = last.output.shape;
    const w = decodeNpy(await readFile(join(dir, 'bu', 'classifier.w.npy')), 'classifier.w.npy').data as Int8Array;
    const b = decodeNpy(await readFile(join(dir, 'bu', 'classifier.b.npy')), 'classifier.b.npy').data as Int32Array;
    const labels = (await readNpy(join(MODELS, 'test_labels_500.npy'))).data as Int32Array;
    let correct = 0;
    for (let n = 0; n < batch; n++) {
      const logits = Array.from({ length: 10 }, (_, c) => {
        let acc = b[c] ?? 0;
        for (let k = 0; k < features; k++) acc += (w[c * features + k] ?? 0) * (last.output.data[k * batch + n] ?? 0);
        return acc;
      });
      if (logits.indexOf(Math.max(...logits)) === Number(labels[n])) correct += 1;
    }
    expect(correct / batch).toBeGreaterThanOrEqual(0.85);
  }, 120_000);
});
