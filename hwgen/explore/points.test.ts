import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.ts';
import { demoWorkload } from '../workload/demo-workload.ts';
import { manifestSchema } from '../workload/manifest-schema.ts';
import { withLevels } from './levels.ts';
import { cartesian, enumeratePoints } from './points.ts';
import { spaceFrom } from './space.ts';
import { limitsRefusal } from '../cost/layer-limits.ts';
import type { GemmLayer } from '../workload/gemm-layer.ts';

describe('explore: points of a space', () => {
  it('takes the cartesian product, the last parameter fastest', () => {
    expect(cartesian([{ name: 'a', values: [1, 2] }, { name: 'b', values: [3, 4, 5] }])).toEqual([
      { a: 1, b: 3 }, { a: 1, b: 4 }, { a: 1, b: 5 }, { a: 2, b: 3 }, { a: 2, b: 4 }, { a: 2, b: 5 },
    ]);
    expect(cartesian([])).toEqual([{}]);
  });

  it('names points, skips invalid designs with a note and equal designs with a count, whatever the key order', async () => {
    // Keys out of config order on purpose: parameters come in config order (ann, snn, buffers, T).
    const space = await spaceFrom({ name: 's', base: { ann: { cols: 4 } }, sweep: { T: [2, 5], snn: { cores: [0, 1] }, ann: { rows: [4, 8], arrays: [0, 2] } } }, 'space.yaml');
    expect(space.parameters.map((p) => p.name)).toEqual(['ann.arrays', 'ann.rows', 'snn.cores', 'T']);
    const { points, notes } = enumeratePoints(space);
    expect(points.map((p) => p.id)).toEqual([
      'a0-s1x16-t2', 'a0-s1x16-t5',
      'a2x4x4-s0-t2', 'a2x4x4-s0-t5', 'a2x4x4-s1x16-t2', 'a2x4x4-s1x16-t5',
      'a2x8x4-s0-t2', 'a2x8x4-s0-t5', 'a2x8x4-s1x16-t2', 'a2x8x4-s1x16-t5',
    ]);
    expect(points[0]?.params).toEqual({ 'ann.arrays': 0, 'ann.rows': 4, 'snn.cores': 1, T: 2 });
    expect(points[8]?.T).toBe(2);
    expect(points[8]?.accelerator.config.ann).toEqual({ arrays: 2, rows: 8, cols: 4 });
    expect(points[8]?.accelerator.config.snn).toEqual({ cores: 1, lanes: 16, shiftAdd: false });
    expect(notes).toEqual([
      'a0-s0-t2: skipped, not a valid design: ann.arrays: a design needs at least one ANN array or SNN core',
      'a0-s0-t5: skipped, not a valid design: ann.arrays: a design needs at least one ANN array or SNN core',
      '4 combination(s) skipped: the same design as an earlier point (ANN sizes without arrays, SNN lanes without cores)',
    ]);
  });

  it('names swept buffers and leaves T out when it is not swept', async () => {
    const space = await spaceFrom({ name: 's', sweep: { buffers: { weightBytes: [64, 128], scheduleEntries: [8] } } }, 'space.yaml');
    const { points } = enumeratePoints(space);
    expect(points.map((p) => [p.id, p.T, p.accelerator.config.buffers.weightBytes])).toEqual([
      ['a1x8x8-s2x16-w64-e8', undefined, 64],
      ['a1x8x8-s2x16-w128-e8', undefined, 128],
    ]);
  });

  it('sweeps the SNN cores\' shift-add as a flag: points end in sa, and a design without SNN core is one point', async () => {
    const space = await spaceFrom({ name: 's', sweep: { snn: { cores: [0, 1], shiftAdd: [false, true] } } }, 'space.yaml');
    const { points, notes } = enumeratePoints(space);
    expect(points.map((p) => [p.id, p.accelerator.config.snn.shiftAdd, p.params['snn.shiftAdd']])).toEqual([
      ['a1x8x8-s0', false, 0],
      ['a1x8x8-s1x16', false, 0],
      ['a1x8x8-s1x16sa', true, 1],
    ]);
    expect(notes).toEqual(['1 combination(s) skipped: the same design as an earlier point (ANN sizes without arrays, SNN lanes without cores)']);
    await expect(spaceFrom({ name: 's', sweep: { snn: { shiftAdd: [true, true] } } }, 'space.yaml')).rejects.toThrow('space.yaml: sweep.snn.shiftAdd: lists a value twice');
  });
});

describe('explore: sweeping T', () => {
  const demo = { manifest: manifestSchema.parse(demoWorkload()), file: 'demo workload', baseDir: '.' };

  it('sets every layer\'s T and scales θ by T_old / T; direct-coded input keeps its levels', () => {
    const layers = withLevels(demo, 3).manifest.layers;
    // demo: T = 7, θ = 4800, 150, 220, 90
    expect(layers.map((layer) => [layer.name, layer.T, layer.theta, layer.inLevels])).toEqual([
      ['conv1', 3, 11200, 255], ['conv2', 3, 350, undefined], ['fc1', 3, 513, undefined], ['fc2', 3, 210, undefined],
    ]);
    expect(withLevels(demo, undefined)).toBe(demo);
  });

  it('gives a hidden layer\'s own synthetic input levels 0..T, and refuses θ from a file', () => {
    const hidden = manifestSchema.parse({
      name: 'h',
      layers: [
        { name: 'l0', kind: 'gemm', T: 15, inLevels: 15, input: { synthetic: { shape: [4, 2] } }, weights: { synthetic: { shape: [2, 4] } }, theta: 100 },
        { name: 'l1', kind: 'gemm', T: 15, inLevels: 15, weights: { synthetic: { shape: [2, 2] } }, theta: 'theta.npy' },
      ],
    });
    const loaded = { manifest: hidden, file: 'h.yaml', baseDir: '.' };
    expect(() => withLevels(loaded, 4)).toThrow(new InputError('h.yaml', 'layers[1].theta', 'sweeping T rescales θ: give θ as one integer, not a file'));
    const first = withLevels({ ...loaded, manifest: { ...hidden, layers: hidden.layers.slice(0, 1) } }, 4).manifest.layers[0];
    expect([first?.T, first?.inLevels, first?.theta]).toEqual([4, 4, 375]);
  });
});

describe('explore: a design\'s limits against a layer', () => {
  const layer: GemmLayer = {
    name: 'l', M: 1, K: 3, N: 1, T: 4, inLevels: 15, weights: new Int8Array(3), input: new Uint8Array(3), bias: Int32Array.from([-70]), theta: Int32Array.from([9]),
  };
  const limits = { maxK: 3, maxM: 1, maxInLevels: 15, maxBiasAbs: 70, maxTheta: 9 };

  it('accepts a layer at every limit and names the first one exceeded', () => {
    expect(limitsRefusal(layer, limits)).toBeUndefined();
    expect(limitsRefusal(layer, { ...limits, maxInLevels: 7 })).toEqual(new InputError('layer l', 'limits.maxInLevels', 'needs 15, the design allows 7'));
    expect(limitsRefusal(layer, { ...limits, maxBiasAbs: 69 })?.message).toBe('layer l: limits.maxBiasAbs: needs 70, the design allows 69');
    expect(limitsRefusal(layer, { ...limits, maxK: 2, maxTheta: 8 })?.message).toBe('layer l: limits.maxK: needs 3, the design allows 2');
  });
});
