/**
 * `output: accumulator` (docs/numerics.md, "Logits"): a layer's int32 `acc + b`, from both golden paths, both kinds of
 * core and the read-back, with cycles, counters, events and waveforms exactly as predicted.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acceleratorFrom, defaultAccelerator } from '../config/load-config.ts';
import { InputError } from '../errors.ts';
import { SIMULATORS } from '../../sim/registry.ts';
import { decodeNpy, encodeNpy } from '../tensor/npy.ts';
import { tensorOf } from '../tensor/tensor.ts';
import { Rng } from '../util/rng.ts';
import { manifestSchema, type WorkloadManifestInput } from '../workload/manifest-schema.ts';
import { type ResolvedWorkload, resolveWorkload } from '../workload/resolve.ts';
import { streamBytes, valuesFromStream } from '../arch/output-stream.ts';
import { runGolden } from './golden.ts';
import { simulateWorkload } from './simulate.ts';
import { writeGolden } from './write-golden.ts';
import { silentProgress } from '../util/progress.ts';

const B = 3;

/** A batch of images → conv (pooled) → gemm → gemm logits, with biases large enough to make negative logits. */
function manifest(overrides: Partial<WorkloadManifestInput['layers'][number]> = {}): WorkloadManifestInput {
  return {
    name: 'logits',
    layers: [
      { name: 'c1', kind: 'conv2d', T: 4, inLevels: 255, input: 'images.npy', padding: 1, pool: { size: 2 }, weights: { synthetic: { shape: [4, 1, 3, 3], seed: 1 } }, bias: 30, theta: 1501 },
      { name: 'f1', kind: 'gemm', T: 4, weights: { synthetic: { shape: [9, 4 * 3 * 3], seed: 2 } }, bias: 5, theta: 41 },
      { name: 'logits', kind: 'gemm', output: 'accumulator', weights: { synthetic: { shape: [20, 9], seed: 3 } }, bias: -150, ...overrides } as WorkloadManifestInput['layers'][number],
    ],
  };
}

async function workloadIn(dir: string, input: WorkloadManifestInput = manifest()): Promise<ResolvedWorkload> {
  const rng = new Rng(5);
  const images = Uint8Array.from({ length: B * 6 * 6 }, () => (rng.nextFloat() < 0.4 ? 0 : rng.nextInt(1, 255)));
  await writeFile(join(dir, 'images.npy'), encodeNpy(tensorOf('u1', [B, 1, 6, 6], images)));
  return resolveWorkload({ manifest: manifestSchema.parse(input), file: join(dir, 'logits.yaml'), baseDir: dir });
}

/** acc + b by the definition, from the golden GEMM's own inputs. */
function logitsByDefinition(gemm: { M: number; K: number; N: number; weights: Int8Array; input: Uint8Array; bias: Int32Array }): Int32Array {
  const out = new Int32Array(gemm.M * gemm.N);
  for (let m = 0; m < gemm.M; m++)
    for (let n = 0; n < gemm.N; n++) {
      let z = gemm.bias[m] ?? 0;
      for (let k = 0; k < gemm.K; k++) z += (gemm.weights[m * gemm.K + k] ?? 0) * (gemm.input[k * gemm.N + n] ?? 0);
      out[m * gemm.N + n] = z;
    }
  return out;
}

describe('logits (output: accumulator)', () => {
  it('gives acc + b on both golden paths, as int32 [M, B], and writes <i4 y.npy', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hwgen-logits-'));
    const workload = await workloadIn(dir);
    const [ann, snn] = (['ann', 'snn'] as const).map((path) => [...runGolden(workload, path)].at(-1)!);
    expect(ann!.output.dtype).toBe('i4');
    expect(ann!.output.shape).toEqual([20, B]);
    expect(ann!.output.data).toEqual(logitsByDefinition(ann!.gemm));
    expect(snn!.output.data).toEqual(ann!.output.data);
    const values = [...ann!.output.data];
    expect(values.some((z) => z < 0) && values.some((z) => z > 0)).toBe(true);
    // Nothing fires in a layer that outputs its accumulator.
    expect(ann!.totals.fires).toBe(0);
    await writeGolden(workload, join(dir, 'golden'), 'ann', silentProgress);
    const y = decodeNpy(await readFile(join(dir, 'golden', 'logits.y.npy')), 'logits.y.npy');
    expect([y.dtype, y.shape, [...y.data]]).toEqual(['i4', [20, B], values]);
  });

  it('streams a logit as four bytes, low byte first, and reads them back', () => {
    const values = Int32Array.from([-1, 0x12345678, -2147483648, 2147483647, 7, -300]);
    const bytes = streamBytes(values, 3, 2);
    // Y[0, 0] = -1: rows 0..3 of column 0; Y[0, 1] = 0x12345678: rows 0..3 of column 1.
    expect([...bytes.subarray(0, 8)]).toEqual([0xff, 0x78, 0xff, 0x56, 0xff, 0x34, 0xff, 0x12]);
    expect(valuesFromStream(bytes, 'accumulator', 3, 2)).toEqual(values);
  });

  it.each([
    [{ T: 4 }, 'layers[2].T: has no meaning for a layer that outputs its accumulator (logits acc + b)'],
    [{ theta: 3 }, 'layers[2].theta: has no meaning for a layer that outputs its accumulator (logits acc + b)'],
  ])('refuses %o on a logits layer', async (overrides, message) => {
    const dir = await mkdtemp(join(tmpdir(), 'hwgen-logits-'));
    const error = await workloadIn(dir, manifest(overrides)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe(`${join(dir, 'logits.yaml')}: ${message}`);
  });

  it('refuses a layer that takes logits, and a levels layer without T or θ', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hwgen-logits-'));
    const base = manifest();
    const chained: WorkloadManifestInput = { ...base, layers: [...base.layers, { name: 'after', kind: 'gemm', T: 2, weights: { synthetic: { shape: [2, 20], seed: 4 } }, theta: 9 }] };
    const noTheta: WorkloadManifestInput = { ...base, layers: [{ ...base.layers[0]!, theta: undefined }, ...base.layers.slice(1)] };
    const messages = await Promise.all([chained, noTheta].map((input) => workloadIn(dir, input).catch((e: unknown) => (e as Error).message)));
    expect(messages).toEqual([
      `${join(dir, 'logits.yaml')}: layers[3].input: layers[2] outputs int32 logits (output: accumulator), which no layer takes as input; name an input`,
      `${join(dir, 'logits.yaml')}: layers[0].theta: is required (the layer outputs levels 0..T)`,
    ]);
  });

  // A design whose output banks hold few bytes (one bank), so the logits layer (80 bytes a column) is cut into row tiles of 16 and 4 logits: 3 column tiles of 1 column, then 1 of 3.
  const SMALL = acceleratorFrom({ name: 'small', ann: { arrays: 1, rows: 4, cols: 4 }, snn: { cores: 2, lanes: 4 }, buffers: { outputBytes: 64, banks: 1 } }, 'small.yaml');

  it.each(SIMULATORS.flatMap((simulator) => [
    [simulator, 'ann', 'default'],
    [simulator, 'snn', 'default'],
    [simulator, 'random', 'small'],
  ] as const))('runs logits through the accelerator on %s (policy %s, %s design): bytes exact, cycles, counters and waveform as predicted', async (simulator, policy, design) => {
    const dir = await mkdtemp(join(tmpdir(), 'hwgen-logits-rtl-'));
    const workload = await workloadIn(dir);
    const golden = [...runGolden(workload)].map((result) => result.output.data);
    const accelerator = design === 'small' ? SMALL : defaultAccelerator();
    const options = { policy, seed: 3, simulator, trace: 'vcd', workDir: join(dir, 'sim') } as const;
    const layers = [];
    for await (const layer of simulateWorkload(accelerator, workload, options)) layers.push(layer);
    expect(layers.map((layer) => [layer.name, layer.problems, layer.cycles === layer.predictedCycles])).toEqual(['c1', 'f1', 'logits'].map((name) => [name, [], true]));
    expect(layers.map((layer) => layer.outputs)).toEqual(golden);
    const logits = layers.at(-1)!;
    expect(logits.outputs).toBeInstanceOf(Int32Array);
    expect(logits.waveCheck?.total).toBe(0);
    expect(logits.events.fire).toBe(0);
    if (design === 'small') expect(logits.tiles).toBe(4);
  }, 600_000);
});
