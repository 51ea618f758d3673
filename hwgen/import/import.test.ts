/**
 * `hwgen import` on a QCFS network built here as ONNX: Div255 → Conv → QCFS (order A) → MaxPool → Conv → QCFS (order B)
 * → Flatten → Gemm → QCFS → Gemm. Weights are multiples of their per-channel scale and every θ is an odd integer, so
 * quantisation is exact and no level sits on a rounding tie: the integer levels of the golden model must equal the
 * float QCFS levels computed here in float64.
 */
import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runGolden } from '../flows/golden.ts';
import { decodeNpy, encodeNpy } from '../tensor/npy.ts';
import { tensorOf } from '../tensor/tensor.ts';
import { runCli, tempWorkspace } from '../cli/cli-harness.ts';
import { Rng } from '../util/rng.ts';
import { loadManifestFile } from '../workload/load-manifest.ts';
import { resolveWorkload } from '../workload/resolve.ts';
import { buildModel, constantNode, floatTensor, int64Tensor, int8Tensor, node } from './onnx-builder.ts';
import type { NodeMessage, TensorMessage } from './onnx-proto.ts';

const H = 8, W = 8;
const STEP = 2 ** -10;
const f32 = Math.fround;

interface LayerParams {
  M: number;
  K: number;
  ints: number[];
  /** Per-channel scale multipliers q_m (odd divisors of L), s_w[m] = q_m·2^-10. */
  q: number[];
  L: number;
  T: number;
  biasInts: number[];
}

/** Integer weights with one ±127 per channel (so max|w|/127 is exactly the scale). */
function layerParams(rng: Rng, M: number, K: number, q: number[], L: number, T: number): LayerParams {
  const ints: number[] = [];
  for (let m = 0; m < M; m++) {
    for (let k = 0; k < K; k++) ints.push(rng.nextInt(-127, 127));
    ints[m * K + rng.nextInt(0, K - 1)] = m % 2 === 0 ? 127 : -127;
  }
  return { M, K, ints, q, L, T, biasInts: Array.from({ length: M }, () => rng.nextInt(-L, L)) };
}

const rng = new Rng(11);
const P1 = layerParams(rng, 3, 1 * 9, [1, 3, 5], 7875, 4); // θ 7875, 2625, 1575
const P2 = layerParams(rng, 4, 3 * 9, [1, 3, 5, 17], 255, 3); // θ 255, 85, 51, 15
const P3 = layerParams(rng, 6, 4 * 4 * 4, [1, 3, 5, 13, 15, 39], 195, 5); // θ 195, 65, 39, 15, 13, 5
const CLS_M = 3, CLS_K = 6;
const clsWeights = Array.from({ length: CLS_K * CLS_M }, () => f32((rng.nextInt(-127, 127) * 3) / 512)); // stored [K, M] (transB = 0)
const clsBias = [0.25, -0.5, 1];

const floatWeights = (p: LayerParams) => p.ints.map((v, i) => f32(v * (p.q[Math.floor(i / p.K)] ?? 1) * STEP));
/** λ such that θ[m] = L/q_m exactly: λ = L·s_x·T·2^-10. */
const lambdaOf = (p: LayerParams, sx: number) => f32(p.L * sx * p.T * STEP);
const floatBias = (p: LayerParams, sx: number) => p.biasInts.map((b, m) => f32(b * (p.q[m] ?? 1) * STEP * sx));

const sx1 = 1 / 255;
const lam1 = lambdaOf(P1, sx1);
const sx2 = (1 / P1.T) * lam1; // order A output: level / T · λ
const lam2 = lambdaOf(P2, sx2);
const c1 = f32(P2.T / lam2), c2 = f32(lam2 / P2.T); // order B constants
const sx3 = c2;
const lam3 = lambdaOf(P3, sx3);

type Mutation = (nodes: NodeMessage[], inits: TensorMessage[]) => void;

function modelBytes(mutate?: Mutation, outputs: string[] = ['logits']): Uint8Array {
  const inits: TensorMessage[] = [
    floatTensor('c255', [], [255]),
    floatTensor('w1', [3, 1, 3, 3], floatWeights(P1)), floatTensor('b1', [3], floatBias(P1, sx1)),
    floatTensor('lam1', [], [lam1]), floatTensor('T1', [], [P1.T]), floatTensor('zero', [], [0]), floatTensor('one', [], [1]), floatTensor('half', [], [0.5]),
    floatTensor('w2', [4, 3, 3, 3], floatWeights(P2)), floatTensor('b2', [4], floatBias(P2, sx2)),
    floatTensor('c1', [], [c1]), floatTensor('c2', [], [c2]), floatTensor('T2', [], [P2.T]),
    floatTensor('w3', [6, 64], floatWeights(P3)), floatTensor('b3', [6], floatBias(P3, sx3)),
    floatTensor('lam3', [], [lam3]), floatTensor('T3', [], [P3.T]),
    floatTensor('w4', [CLS_K, CLS_M], clsWeights), floatTensor('b4', [CLS_M], clsBias),
  ];
  const nodes: NodeMessage[] = [
    node('Div', 'scale', ['image', 'c255'], ['x0']),
    node('Conv', 'conv1', ['x0', 'w1', 'b1'], ['z1'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [1, 1] }),
    // order A: Div(λ) → Clip(0,1) → Mul(T) → Add(0.5) → Floor → Div(T) → Mul(λ)
    node('Div', 'q1_div', ['z1', 'lam1'], ['q1a']), node('Clip', 'q1_clip', ['q1a', 'zero', 'one'], ['q1b']), node('Mul', 'q1_mulT', ['q1b', 'T1'], ['q1c']),
    node('Add', 'q1_add', ['q1c', 'half'], ['q1d']), node('Floor', 'q1_floor', ['q1d'], ['q1e']), node('Div', 'q1_divT', ['q1e', 'T1'], ['q1f']),
    node('Mul', 'q1_mul', ['q1f', 'lam1'], ['a1']),
    node('MaxPool', 'pool1', ['a1'], ['p1'], { kernel_shape: [2, 2], strides: [2, 2] }),
    node('Conv', 'conv2', ['p1', 'w2', 'b2'], ['z2'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }),
    // order B: Mul(T/λ) → Add(0.5) → Floor → Clip(0,T) → Mul(λ/T), then a redundant Relu
    node('Mul', 'q2_mul', ['z2', 'c1'], ['q2a']), node('Add', 'q2_add', ['q2a', 'half'], ['q2b']), node('Floor', 'q2_floor', ['q2b'], ['q2c']),
    node('Clip', 'q2_clip', ['q2c', 'zero', 'T2'], ['q2d']), node('Mul', 'q2_scale', ['q2d', 'c2'], ['q2e']), node('Relu', 'q2_relu', ['q2e'], ['a2']),
    node('Flatten', 'flatten', ['a2'], ['f2'], { axis: 1 }),
    node('Gemm', 'fc1', ['f2', 'w3', 'b3'], ['z3'], { transB: 1 }),
    constantNode('half3', 'half3', 0.5),
    node('Div', 'q3_div', ['z3', 'lam3'], ['q3a']), node('Clip', 'q3_clip', ['q3a', 'zero', 'one'], ['q3b']), node('Mul', 'q3_mulT', ['q3b', 'T3'], ['q3c']),
    node('Add', 'q3_add', ['q3c', 'half3'], ['q3d']), node('Floor', 'q3_floor', ['q3d'], ['q3e']), node('Div', 'q3_divT', ['q3e', 'T3'], ['q3f']),
    node('Mul', 'q3_mul', ['q3f', 'lam3'], ['a3']),
    node('Gemm', 'fc2', ['a3', 'w4', 'b4'], ['logits']),
  ];
  mutate?.(nodes, inits);
  return buildModel({ nodes, initializers: inits, input: 'image', inputShape: ['batch', 1, H, W], output: outputs });
}

/** The float network in float64, written out with the ONNX ops' own arithmetic: each QCFS layer's levels. */
function floatReference(pixels: Uint8Array, B: number): { l1: number[]; l2: number[]; l3: number[]; logits: number[] } {
  const w1 = floatWeights(P1), b1 = floatBias(P1, sx1), w2 = floatWeights(P2), b2 = floatBias(P2, sx2), w3 = floatWeights(P3), b3 = floatBias(P3, sx3);
  const conv = (x: number[], C: number, Hs: number, Ws: number, w: number[], b: number[], M: number): number[] => {
    const out: number[] = [];
    for (let m = 0; m < M; m++)
      for (let oy = 0; oy < Hs; oy++)
        for (let ox = 0; ox < Ws; ox++) {
          let z = 0;
          for (let c = 0; c < C; c++)
            for (let i = 0; i < 3; i++)
              for (let j = 0; j < 3; j++) {
                const y = oy + i - 1, xx = ox + j - 1;
                if (y >= 0 && y < Hs && xx >= 0 && xx < Ws) z += (w[((m * C + c) * 3 + i) * 3 + j] ?? 0) * (x[(c * Hs + y) * Ws + xx] ?? 0);
              }
          out.push(z + (b[m] ?? 0));
        }
    return out;
  };
  const pool = (x: number[], C: number, Hs: number, Ws: number): number[] => {
    const out: number[] = [];
    for (let c = 0; c < C; c++)
      for (let py = 0; py < Hs / 2; py++)
        for (let px = 0; px < Ws / 2; px++) out.push(Math.max(...[0, 1].flatMap((i) => [0, 1].map((j) => x[(c * Hs + 2 * py + i) * Ws + 2 * px + j] ?? 0))));
    return out;
  };
  const orderA = (z: number, lam: number, T: number) => Math.floor(Math.min(Math.max(z / lam, 0), 1) * T + 0.5);
  const orderB = (z: number, T: number) => Math.min(Math.max(Math.floor(z * c1 + 0.5), 0), T);
  const l1: number[] = [], l2: number[] = [], l3 = new Array<number>(P3.M * B).fill(0);
  for (let b = 0; b < B; b++) {
    const x0 = Array.from(pixels.subarray(b * H * W, (b + 1) * H * W), (p) => p / 255);
    const y1 = conv(x0, 1, H, W, w1, b1, 3).map((z) => orderA(z, lam1, P1.T));
    l1.push(...y1);
    const y2 = conv(pool(y1.map((l) => (l / P1.T) * lam1), 3, H, W), 3, H / 2, W / 2, w2, b2, 4).map((z) => orderB(z, P2.T));
    l2.push(...y2);
    const f = y2.map((l) => l * c2);
    for (let m = 0; m < P3.M; m++) {
      let z = b3[m] ?? 0;
      for (let k = 0; k < 64; k++) z += (w3[m * 64 + k] ?? 0) * (f[k] ?? 0);
      l3[m * B + b] = orderA(z, lam3, P3.T);
    }
  }
  // fc2 on fc1's values l·λ3/T3 (w4 stored [K, M]): logits [M, B].
  const logits = new Array<number>(CLS_M * B).fill(0);
  for (let b = 0; b < B; b++)
    for (let m = 0; m < CLS_M; m++) {
      let z = clsBias[m] ?? 0;
      for (let k = 0; k < CLS_K; k++) z += (clsWeights[k * CLS_M + m] ?? 0) * ((l3[k * B + b] ?? 0) * lam3) / P3.T;
      logits[m * B + b] = z;
    }
  return { l1, l2, l3, logits };
}

let dir = '';
const B = 4;
let pixels: Uint8Array;

beforeAll(async () => {
  dir = await tempWorkspace('hwgen-import-');
  await writeFile(join(dir, 'qcfs.onnx'), modelBytes());
  const imageRng = new Rng(5);
  pixels = Uint8Array.from({ length: B * H * W }, () => imageRng.nextInt(0, 255));
  await writeFile(join(dir, 'images.npy'), encodeNpy(tensorOf('u1', [B, 1, H, W], pixels)));
});

describe('hwgen import', () => {
  it('imports the QCFS network exactly: golden integer levels equal the float QCFS levels', async () => {
    const out = join(dir, 'imported');
    const run = await runCli('import', join(dir, 'qcfs.onnx'), '--out', out, '--images', join(dir, 'images.npy'));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^conv1: conv2d \[3, 1, 3, 3\] stride 1 pad 1 pool 2\/2 <- Conv conv1, T=4 λ=\S+ θ 1575\.\.7875, weight error 0\.00%, θ rounding \S+, levels differing 0\.00% of 768$/);
    expect(lines[1]).toMatch(/^conv2: conv2d \[4, 3, 3, 3\] stride 1 pad 1 <- Conv conv2, T=3 .* θ 15\.\.255, .*levels differing 0\.00% of 256$/);
    expect(lines[2]).toMatch(/^fc1: gemm \[6, 64\] <- Gemm fc1, T=5 .* θ 5\.\.195, .*levels differing 0\.00% of 24$/);
    expect(lines[3]).toMatch(/^fc2: gemm \[3, 6\] <- Gemm fc2: logits \(output: accumulator\), weight error \S+%, classes agree with the float network on 4 of 4 images$/);

    const npy = async (name: string) => decodeNpy(new Uint8Array(await readFile(join(out, name))), name);
    expect(Array.from((await npy('conv1.w.npy')).data)).toEqual(P1.ints);
    expect(Array.from((await npy('conv2.theta.npy')).data)).toEqual([255, 85, 51, 15]);
    expect(Array.from((await npy('fc1.b.npy')).data)).toEqual(P3.biasInts);
    const cls = await npy('fc2.w.npy');
    expect(cls.shape).toEqual([CLS_M, CLS_K]);
    expect(existsSync(join(out, 'fc2.theta.npy'))).toBe(false);
    const report = JSON.parse(await readFile(join(out, 'import.json'), 'utf8'));
    expect(report.layers.map((l: { name: string; T?: number; output?: string }) => [l.name, l.T ?? l.output])).toEqual([['conv1', 4], ['conv2', 3], ['fc1', 5], ['fc2', 'accumulator']]);
    expect(report.layers[0].lambda).toBeCloseTo(lam1, 9);
    expect(report.layers[1].lambda).toBeCloseTo(P2.T / c1, 9);
    const classifier = report.layers[3];
    // One weight scale for the whole classifier, so the int32 logits' argmax is the float logits' argmax.
    expect(new Set(classifier.logitScales).size).toBe(1);
    expect(classifier.classAgreement).toEqual({ images: B, agreeing: B });
    for (let m = 0; m < CLS_M; m++) {
      const s = classifier.weightScales[m] as number;
      for (let k = 0; k < CLS_K; k++) expect(Math.abs((cls.data[m * CLS_K + k] ?? 0) * s - (clsWeights[k * CLS_M + m] ?? 0))).toBeLessThanOrEqual(s / 2 + 1e-12);
    }

    const workload = await resolveWorkload(await loadManifestFile(join(out, 'workload.yaml')));
    const outputs = [...runGolden(workload)].map((result) => Array.from(result.output.data));
    const reference = floatReference(pixels, B);
    expect(outputs[0]).toEqual(reference.l1);
    expect(outputs[1]).toEqual(reference.l2);
    expect(outputs[2]).toEqual(reference.l3);
    // Logits: the float logits over the logit scale, up to the quantisation of the classifier's weights and bias.
    const scale = classifier.logitScales[0] as number;
    outputs[3]!.forEach((z, i) => expect(Math.abs(z * scale - (reference.logits[i] ?? 0))).toBeLessThan(0.02 * Math.max(1, Math.abs(reference.logits[i] ?? 0))));
    // The levels are not trivial: every layer uses more than two distinct levels.
    for (const levels of [reference.l1, reference.l2, reference.l3]) expect(new Set(levels).size).toBeGreaterThan(2);
    expect([...runGolden(workload, 'snn')].map((result) => Array.from(result.output.data))).toEqual(outputs);
  });

  it('without images writes a workload with a synthetic input that resolves', async () => {
    const out = join(dir, 'no-images');
    const run = await runCli('import', join(dir, 'qcfs.onnx'), '--out', out);
    expect(run.code).toBe(0);
    const workload = await resolveWorkload(await loadManifestFile(join(out, 'workload.yaml')));
    expect(workload.layers.map((layer) => [layer.spec.name, layer.output])).toEqual([['conv1', 'levels'], ['conv2', 'levels'], ['fc1', 'levels'], ['fc2', 'accumulator']]);
  });

  const bad: [string, (file: string) => Promise<void>, string][] = [
    ['not ONNX', (file) => writeFile(file, 'name: not a model\n'), 'not an ONNX model (an ONNX ModelProto starts with its ir_version field)'],
    ['truncated', (file) => { const bytes = modelBytes(); return writeFile(file, bytes.subarray(0, Math.floor(bytes.length / 2))); }, 'truncated ONNX model (the protobuf data ends in the middle of a field)'],
    ['an unknown op', (file) => writeFile(file, modelBytes((nodes) => { const flatten = nodes.find((n) => n.name === 'flatten') as NodeMessage; flatten.opType = 'Sigmoid'; flatten.attribute = []; })),
      'node flatten (Sigmoid): operator not supported by hwgen import (it reads Conv, Gemm, MatMul (+ Add), MaxPool, Flatten, Reshape, Relu, Identity and the QCFS arithmetic (Div, Mul, Add, Sub, Clip, Floor))'],
    ['a grouped conv', (file) => writeFile(file, modelBytes((nodes) => { const conv = nodes.find((n) => n.name === 'conv2') as NodeMessage; conv.attribute?.push({ name: 'group', type: 2, i: 3 }); })),
      'node conv2 (Conv): group = 3: hwgen imports only ordinary convolutions (group 1), not grouped or depthwise ones'],
    ['a non-constant λ', (file) => writeFile(file, modelBytes((nodes) => {
      nodes.unshift(node('Abs', 'lam_abs', ['lam1'], ['lam1_abs']));
      (nodes.find((n) => n.name === 'q1_div') as NodeMessage).input = ['z1', 'lam1_abs'];
    })), 'node q1_div (Div): λ or T operand "lam1_abs" is not a constant (it is computed by the graph); QCFS\'s λ, T and ½ must be initializers or Constant nodes'],
    ['a shape mismatch', (file) => writeFile(file, modelBytes((_, inits) => {
      const index = inits.findIndex((t) => t.name === 'w3');
      inits[index] = floatTensor('w3', [6, 65], new Array(6 * 65).fill(0.5));
    })), 'node fc1 (Gemm): shape mismatch: weights [6, 65] (transB) take K = 65 inputs, the input [1, 64] has 64'],
  ];
  it.each(bad)('refuses %s with one line, exit 2, and writes nothing', async (label, write, message) => {
    const file = join(dir, `${label.replace(/\W+/g, '-')}.onnx`);
    await write(file);
    const out = join(dir, `out-${label.replace(/\W+/g, '-')}`);
    const run = await runCli('import', file, '--out', out);
    expect(run.stderr).toBe(`hwgen: ${file}: ${message}\n`);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
    expect((await readdir(dir)).filter((name) => name.includes(`out-${label.replace(/\W+/g, '-')}`))).toEqual([]);
  });

  it('imports the output named by --output from a graph with several (default: the first)', async () => {
    const file = join(dir, 'two-outputs.onnx');
    // probs = Softmax(logits), listed first; logits is both read by Softmax and an output.
    await writeFile(file, modelBytes((nodes) => void nodes.push(node('Softmax', 'softmax', ['logits'], ['probs'], { axis: 1 })), ['probs', 'logits']));
    const first = await runCli('import', file, '--out', join(dir, 'two-first'));
    expect([first.code, first.stderr]).toEqual([2, `hwgen: ${file}: node softmax (Softmax): follows fc2, which has no QCFS activation; only the last layer (the classifier) may end without one; to import up to its output, give --output logits\n`]);
    const unknown = await runCli('import', file, '--out', join(dir, 'two-unknown'), '--output', 'scores');
    expect([unknown.code, unknown.stderr]).toEqual([2, `hwgen: ${file}: --output: "scores" is not an output of the graph (its outputs: probs, logits)\n`]);
    const named = await runCli('import', file, '--out', join(dir, 'two-logits'), '--output', 'logits');
    expect([named.code, named.stderr]).toEqual([0, '']);
    const plain = await runCli('import', join(dir, 'qcfs.onnx'), '--out', join(dir, 'two-reference'));
    expect(plain.code).toBe(0);
    for (const name of ['conv1.w.npy', 'fc1.theta.npy', 'fc2.w.npy', 'fc2.b.npy']) {
      expect(await readFile(join(dir, 'two-logits', name)), name).toEqual(await readFile(join(dir, 'two-reference', name)));
    }
    const layers = async (folder: string) => (await loadManifestFile(join(dir, folder, 'workload.yaml'))).manifest.layers;
    expect(await layers('two-logits')).toEqual(await layers('two-reference'));
  });

  it('reads QDQ int8 weights exactly (DequantizeLinear, per output channel)', async () => {
    const ints = P3.ints;
    const scales = P3.q.map((q) => q * STEP);
    const bytes = modelBytes((nodes, inits) => {
      const index = inits.findIndex((t) => t.name === 'w3');
      inits.splice(index, 1, int8Tensor('w3_q', [6, 64], ints), floatTensor('w3_s', [6], scales), int8Tensor('w3_z', [6], new Array(6).fill(0)));
      nodes.unshift(node('DequantizeLinear', 'w3_dq', ['w3_q', 'w3_s', 'w3_z'], ['w3'], { axis: 0 }));
    });
    const file = join(dir, 'qdq.onnx');
    await writeFile(file, bytes);
    const out = join(dir, 'qdq');
    const run = await runCli('import', file, '--out', out, '--images', join(dir, 'images.npy'));
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/fc1: .*weight error 0 \(QDQ int8 read exactly\).*levels differing 0\.00% of 24/);
    const w = decodeNpy(new Uint8Array(await readFile(join(out, 'fc1.w.npy'))), 'fc1.w.npy');
    expect(Array.from(w.data)).toEqual(ints);
  });

  it('reads MatMul + Add, Reshape, and Clip bounds given as attributes (opset < 11) to the same levels', async () => {
    const bytes = modelBytes((nodes, inits) => {
      const w3 = floatWeights(P3);
      const w3t = Array.from({ length: 64 * 6 }, (_, i) => w3[(i % 6) * 64 + Math.floor(i / 6)] ?? 0);
      inits.push(floatTensor('w3t', [64, 6], w3t), int64Tensor('flat', [2], [1, -1]));
      const at = (name: string) => nodes.findIndex((n) => n.name === name);
      nodes[at('flatten')] = node('Reshape', 'reshape', ['a2', 'flat'], ['f2']);
      nodes.splice(at('fc1'), 1, node('MatMul', 'fc1', ['f2', 'w3t'], ['m3']), node('Add', 'fc1_bias', ['m3', 'b3'], ['z3']));
      nodes[at('q1_clip')] = node('Clip', 'q1_clip', ['q1a'], ['q1b'], { min: { float: 0 }, max: { float: 1 } });
    });
    const file = join(dir, 'matmul.onnx');
    await writeFile(file, bytes);
    const out = join(dir, 'matmul');
    const run = await runCli('import', file, '--out', out, '--images', join(dir, 'images.npy'));
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^fc1: gemm \[6, 64\] <- MatMul fc1, T=5 .*levels differing 0\.00% of 24$/m);
    const workload = await resolveWorkload(await loadManifestFile(join(out, 'workload.yaml')));
    const outputs = [...runGolden(workload)].map((result) => Array.from(result.output.data));
    expect(outputs[2]).toEqual(floatReference(pixels, B).l3);
  });
});
