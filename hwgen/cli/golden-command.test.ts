import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { decodeNpy } from '../tensor/npy.ts';
import { runCli, tempWorkspace, writeTensor } from './cli-harness.ts';

/** Deterministic test data without the synthetic generators: a simple LCG. */
function pseudoRandom(length: number, seed: number, lo: number, hi: number): number[] {
  let state = seed >>> 0;
  return Array.from({ length }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return lo + (state % (hi - lo + 1));
  });
}

/** The numerics contract written out directly: convolution by definition, QCFS in BigInt. */
function qcfs(acc: number, bias: number, theta: number, T: number): number {
  const v = BigInt(acc + bias) + BigInt(theta) / 2n;
  const t = BigInt(theta);
  const q = v >= 0n ? v / t : -((-v + t - 1n) / t);
  return Number(q < 0n ? 0n : q > BigInt(T) ? BigInt(T) : q);
}

const C = 2, H = 5, W = 5, M1 = 3, KH = 3, S = 1, P = 1, T1 = 7;
const M2 = 4, T2 = 5;
const pixels = pseudoRandom(C * H * W, 1, 0, 255);
const convWeights = pseudoRandom(M1 * C * KH * KH, 2, -128, 127);
const convBias = [-3000, 0, 4000];
const convTheta = [2500, 1, 16777216];
const fcWeights = pseudoRandom(M2 * M1 * 2 * 2, 3, -128, 127);

function expectedConv(): number[] {
  const out: number[] = [];
  for (let m = 0; m < M1; m++)
    for (let oy = 0; oy < H; oy++)
      for (let ox = 0; ox < W; ox++) {
        let acc = 0;
        for (let c = 0; c < C; c++)
          for (let i = 0; i < KH; i++)
            for (let j = 0; j < KH; j++) {
              const y = oy * S + i - P, x = ox * S + j - P;
              if (y >= 0 && y < H && x >= 0 && x < W) acc += (convWeights[((m * C + c) * KH + i) * KH + j] ?? 0) * (pixels[(c * H + y) * W + x] ?? 0);
            }
        out.push(qcfs(acc, convBias[m] ?? 0, convTheta[m] ?? 1, T1));
      }
  return out;
}

function expectedFc(conv: number[]): number[] {
  // max-pool 2x2 stride 2 of [3,5,5] gives [3,2,2], flattened in C order to K = 12.
  const pooled: number[] = [];
  for (let m = 0; m < M1; m++)
    for (let py = 0; py < 2; py++)
      for (let px = 0; px < 2; px++) {
        let best = 0;
        for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) best = Math.max(best, conv[(m * H + py * 2 + i) * W + px * 2 + j] ?? 0);
        pooled.push(best);
      }
  return Array.from({ length: M2 }, (_, m) => {
    let acc = 0;
    pooled.forEach((level, k) => (acc += (fcWeights[m * pooled.length + k] ?? 0) * level));
    return qcfs(acc, 0, 40, T2);
  });
}

let dir = '';
const goodLayers = () => [
  { name: 'conv1', kind: 'conv2d', T: T1, inLevels: 255, input: 'x.npy', weights: 'w1.npy', bias: 'b1.npy', theta: 't1.npy', stride: S, padding: P, pool: { size: 2, stride: 2 } },
  { name: 'fc2', kind: 'gemm', T: T2, weights: 'w2.npy', theta: 40 },
];

async function writeManifest(name: string, manifest: unknown): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, stringify(manifest));
  return file;
}

beforeAll(async () => {
  dir = await tempWorkspace();
  await writeTensor(dir, 'x.npy', 'u1', [C, H, W], Uint8Array.from(pixels));
  await writeTensor(dir, 'w1.npy', 'i1', [M1, C, KH, KH], Int8Array.from(convWeights));
  await writeTensor(dir, 'b1.npy', 'i4', [M1], Int32Array.from(convBias));
  await writeTensor(dir, 't1.npy', 'i4', [M1], Int32Array.from(convTheta));
  await writeTensor(dir, 'w2.npy', 'i1', [M2, 12], Int8Array.from(fcWeights));
  await writeTensor(dir, 'f4.npy', 'i4', [M1], Int32Array.from([1, 2, 3]));
  await writeTensor(dir, 'x_hot.npy', 'u1', [C, H, W], Uint8Array.from(pixels, (v, i) => (i === 7 ? 200 : v % 16)));
  await writeTensor(dir, 't_zero.npy', 'i4', [M1], Int32Array.from([5, 0, 5]));
  await writeTensor(dir, 'b_short.npy', 'i4', [2], Int32Array.from([1, 2]));
  await writeManifest('good.yaml', { name: 'tiny', layers: goodLayers() });
});

describe('cli: hwgen golden', () => {
  it('writes <layer>.y.npy equal to the spec for every element, and stats.json', async () => {
    const manifest = join(dir, 'good.yaml');
    const out = join(dir, 'out-ann');
    const run = await runCli('golden', manifest, '--out', out, '--quiet');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const conv = decodeNpy(await readFile(join(out, 'conv1.y.npy')), 'conv1');
    expect(conv.dtype).toBe('u1');
    expect(conv.shape).toEqual([M1, H, W]);
    const expectedConvLevels = expectedConv();
    expect(Array.from(conv.data)).toEqual(expectedConvLevels);
    const fc = decodeNpy(await readFile(join(out, 'fc2.y.npy')), 'fc2');
    expect(fc.shape).toEqual([M2, 1]);
    expect(Array.from(fc.data)).toEqual(expectedFc(expectedConvLevels));
    expect((await readdir(out)).sort()).toEqual(['.hwgen-output', 'conv1.y.npy', 'fc2.y.npy', 'stats.json']);

    const stats = JSON.parse(await readFile(join(out, 'stats.json'), 'utf8'));
    expect(stats.layers.map((l: { name: string; M: number; K: number; N: number }) => [l.name, l.M, l.K, l.N])).toEqual([
      ['conv1', M1, C * KH * KH, H * W],
      ['fc2', M2, 12, 1],
    ]);
    expect(stats.layers[0].totals.macs).toBe(M1 * C * KH * KH * H * W);
    expect(stats.layers[0].totals.fires).toBe(expectedConvLevels.reduce((a, b) => a + b, 0));
    expect(stats.layers[0].columns.spikes).toHaveLength(H * W);
    // Column 0 (oy = ox = 0) sees the top-left 2x2 of each channel; padding contributes nothing.
    const corner = [0, 1, 5, 6, 25, 26, 30, 31].reduce((sum, i) => sum + (pixels[i] ?? 0), 0);
    expect(stats.layers[0].columns.spikes[0]).toBe(corner);
    expect(stats.totals.macs).toBe(stats.layers[0].totals.macs + M2 * 12);
  });

  it('without --out, writes rtl-out/golden/<workload name> under the current folder', async () => {
    const work = join(dir, 'default-out');
    await mkdir(work);
    const before = process.cwd();
    process.chdir(work);
    try {
      const run = await runCli('golden', join(dir, 'good.yaml'), '--quiet');
      expect([run.code, run.stderr]).toEqual([0, '']);
      expect(run.stdout).toMatch(/ -> rtl-out\/golden\/tiny\n$/);
      expect((await readdir(join(work, 'rtl-out', 'golden', 'tiny'))).sort()).toEqual(['.hwgen-output', 'conv1.y.npy', 'fc2.y.npy', 'stats.json']);
    } finally {
      process.chdir(before);
    }
  });

  it('gives the same bytes on the SNN path', async () => {
    const manifest = join(dir, 'good.yaml');
    await runCli('golden', manifest, '--out', join(dir, 'out-a'), '--quiet');
    const run = await runCli('golden', manifest, '--out', join(dir, 'out-s'), '--quiet', '--path', 'snn');
    expect(run.code).toBe(0);
    for (const file of ['conv1.y.npy', 'fc2.y.npy']) {
      expect(await readFile(join(dir, 'out-s', file))).toEqual(await readFile(join(dir, 'out-a', file)));
    }
  });

  it('prints progress per layer on stderr', async () => {
    const run = await runCli('golden', join(dir, 'good.yaml'), '--out', join(dir, 'out-progress'));
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('[golden] layer 1/2 conv1 (conv2d M=3 K=18 N=25, 1.4 k MAC) ...');
    expect(run.stderr).toContain('[golden] layer 2/2 fc2 (gemm M=4 K=12 N=1, 48 MAC): done in');
  });
});

describe('cli: bad input exits 2 with one line and no output folder', () => {
  const layer0 = (patch: Record<string, unknown>) => [{ ...goodLayers()[0], ...patch }, goodLayers()[1]];
  const cases: [string, unknown, (d: string) => string][] = [
    ['unknown key', { name: 'w', layers: layer0({ colour: 1 }) }, (d) => `${d}/m.yaml: layers[0].colour: unknown key`],
    ['θ = 0', { name: 'w', layers: layer0({ theta: 0 }) }, (d) => `${d}/m.yaml: layers[0].theta: must be ≥ 1 (got 0)`],
    ['θ = 0 in a file', { name: 'w', layers: layer0({ theta: 't_zero.npy' }) }, (d) => `${d}/t_zero.npy: data: θ[1] = 0 is outside 1..16777216 (layers[0].theta)`],
    ['level above inLevels', { name: 'w', layers: layer0({ input: 'x_hot.npy', inLevels: 15 }) }, (d) => `${d}/x_hot.npy: data: level 200 at [0, 1, 2] exceeds inLevels 15 of layers[0].input`],
    ['missing tensor file', { name: 'w', layers: layer0({ weights: 'nope.npy' }) }, (d) => `${d}/m.yaml: layers[0].weights: file not found: ${d}/nope.npy`],
    ['wrong dtype', { name: 'w', layers: layer0({ input: 'f4.npy' }) }, (d) => `${d}/f4.npy: descr: found '<i4', expected '|u1' (uint8 levels [C,H,W] or [B,C,H,W] for layers[0].input)`],
    ['wrong rank', { name: 'w', layers: layer0({ weights: 'w2.npy' }) }, (d) => `${d}/w2.npy: shape: found [4, 12], expected 4 dimensions (int8 weights [M,C,kh,kw] for layers[0].weights)`],
    ['bias of the wrong length', { name: 'w', layers: layer0({ bias: 'b_short.npy' }) }, (d) => `${d}/b_short.npy: shape: found [2], expected [3] (int32 bias [M] for layers[0].bias, one per output channel)`],
    ['T out of range', { name: 'w', layers: layer0({ T: 256 }) }, (d) => `${d}/m.yaml: layers[0].T: must be ≤ 255 (got 256)`],
    ['unknown kind', { name: 'w', layers: layer0({ kind: 'conv3d' }) }, (d) => `${d}/m.yaml: layers[0].kind: must be one of 'conv2d' | 'gemm' (got "conv3d")`],
    ['first layer without input', { name: 'w', layers: [goodLayers()[1]] }, (d) => `${d}/m.yaml: layers[0].input: the first layer must name an input`],
    ['own input without inLevels', { name: 'w', layers: layer0({ inLevels: undefined }) }, (d) => `${d}/m.yaml: layers[0].inLevels: is required when the layer names its own input`],
    [
      'chained inLevels differing from T',
      { name: 'w', layers: [goodLayers()[0], { ...goodLayers()[1], inLevels: 9 }] },
      (d) => `${d}/m.yaml: layers[1].inLevels: 9 differs from T = 7 of layers[0], whose output this layer takes`,
    ],
    [
      'weights not matching the chained input',
      { name: 'w', layers: [goodLayers()[0], { ...goodLayers()[1], weights: 'w1.npy' }] },
      (d) => `${d}/w1.npy: shape: found [3, 2, 3, 3], expected 2 dimensions (int8 weights [M,K] for layers[1].weights)`,
    ],
    ['duplicate names', { name: 'w', layers: [goodLayers()[0], { ...goodLayers()[1], name: 'conv1' }] }, (d) => `${d}/m.yaml: layers[1].name: "conv1" is already the name of layers[0]`],
    ['kernel larger than the input', { name: 'w', layers: layer0({ padding: 0, input: { synthetic: { shape: [2, 2, 2] } } }) }, (d) => `${d}/m.yaml: layers[0].weights: kernel 3x3 does not fit the input [2, 2, 2] with padding 0`],
  ];

  it.each(cases)('%s', async (_, manifest, message) => {
    await writeManifest('m.yaml', manifest);
    const out = join(dir, 'never');
    const run = await runCli('golden', join(dir, 'm.yaml'), '--out', out, '--quiet');
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`hwgen: ${message(dir)}\n`);
    expect(existsSync(out)).toBe(false);
    expect((await readdir(dir)).filter((name) => name.includes('never'))).toEqual([]);
  });

  it('a missing manifest', async () => {
    const run = await runCli('golden', join(dir, 'absent.yaml'), '--out', join(dir, 'never'));
    expect(run).toEqual({ code: 2, stdout: '', stderr: `hwgen: ${dir}/absent.yaml: file not found\n` });
  });

  it('a manifest that is not YAML', async () => {
    await writeFile(join(dir, 'broken.yaml'), 'name: x\nlayers: [\n');
    const run = await runCli('golden', join(dir, 'broken.yaml'), '--out', join(dir, 'never'));
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`hwgen: ${dir}/broken.yaml: invalid YAML at line 3: Flow sequence in block collection must be sufficiently indented and end with a ]\n`);
  });

  it('a broken .npy keeps the previous output folder as it was', async () => {
    const out = join(dir, 'kept');
    expect((await runCli('golden', join(dir, 'good.yaml'), '--out', out, '--quiet')).code).toBe(0);
    await writeFile(join(dir, 'trunc.npy'), (await readFile(join(dir, 'x.npy'))).subarray(0, 140));
    await writeManifest('m.yaml', { name: 'w', layers: layer0({ input: 'trunc.npy' }) });
    const run = await runCli('golden', join(dir, 'm.yaml'), '--out', out, '--quiet');
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`hwgen: ${dir}/trunc.npy: data: truncated: expected 50 bytes for shape [2, 5, 5] of '|u1', found 12\n`);
    expect((await readdir(out)).sort()).toEqual(['.hwgen-output', 'conv1.y.npy', 'fc2.y.npy', 'stats.json']);
  });

  it('an unknown --path value', async () => {
    const run = await runCli('golden', join(dir, 'good.yaml'), '--out', join(dir, 'never'), '--path', 'gpu');
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("hwgen: option '--path <PATH>' argument 'gpu' is invalid. Allowed choices are ann, snn.\n");
  });
});
