/**
 * The committed reference network (examples/models/, trained with PyTorch, which the tests never run): both QCFS op
 * orders import to the same integers, the integer model stays close to the float network, and its logits layer
 * classifies the test images as the float network's measured accuracy leads one to expect.
 */
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runGolden } from '../flows/golden.ts';
import { simulateWorkload } from '../flows/simulate.ts';
import { defaultAccelerator } from '../config/load-config.ts';
import { SIMULATORS } from '../../sim/registry.ts';
import { importReferenceBatch } from './reference-network.ts';
import { encodeNpy, readNpy } from '../tensor/npy.ts';
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
    // The classifier is a layer of its own that outputs int32 logits [10, B]; the class is their argmax.
    expect([workload.layers.at(-1)?.output, last.output.dtype, last.output.shape]).toEqual(['accumulator', 'i4', [10, IMAGES]]);
    const labels = (await readNpy(join(MODELS, 'test_labels_500.npy'))).data as Int32Array;
    let correct = 0;
    for (let n = 0; n < IMAGES; n++) {
      const logits = Array.from({ length: 10 }, (_, c) => last.output.data[c * IMAGES + n] ?? 0);
      if (logits.indexOf(Math.max(...logits)) === Number(labels[n])) correct += 1;
    }
    const batch = IMAGES;
    expect(bu.classes).toEqual({ images: IMAGES, agreeing: expect.any(Number) });
    expect(bu.classes!.agreeing).toBeGreaterThanOrEqual(IMAGES - 1);
    expect(correct / batch).toBeGreaterThanOrEqual(0.85);
  }, 120_000);

  it.each(SIMULATORS)('runs two test images through the accelerator on %s: every layer, the logits too, equals the golden model, cycles as predicted', async (simulator) => {
    const dir = await mkdtemp(join(tmpdir(), 'hwgen-reference-rtl-'));
    const { workload } = await importReferenceBatch(dir, 2);
    const golden = [...runGolden(workload)].map((result) => result.output.data);
    const layers = [];
    for await (const layer of simulateWorkload(defaultAccelerator(), workload, { policy: 'cost', seed: 0, simulator, trace: 'none', workDir: join(dir, 'sim') })) layers.push(layer);
    expect(layers.map((layer) => [layer.name, layer.problems, layer.cycles === layer.predictedCycles])).toEqual(['conv1', 'conv2', 'fc1', 'fc2'].map((name) => [name, [], true]));
    expect(layers.map((layer) => layer.outputs)).toEqual(golden);
    expect(layers.at(-1)?.outputs).toBeInstanceOf(Int32Array);
  }, 600_000);
});
