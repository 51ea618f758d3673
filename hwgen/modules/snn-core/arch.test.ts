import { describe, expect, it } from 'vitest';
import { acceleratorFrom, defaultAccelerator } from '../../config/load-config.ts';
import { InputError } from '../../errors.ts';
import { unpackLanes, toSigned } from '../../arch/packing.ts';
import type { GemmLayer } from '../../workload/gemm-layer.ts';
import { type SnnCoreParams, beatBits, eventBytes, packBeat, snnColumnEvents, snnCoreGeometry, snnCoreParams, startThetaWords, weightWords } from './arch.ts';

const params: SnnCoreParams = { lanes: 4, accW: 24, maxEvents: 8, weightDepth: 32, btDepth: 3, weightBanks: 1, thetaW: 25, shiftAdd: false };

function layerOf(M: number, K: number, input: number[], N = 1): GemmLayer {
  return {
    name: 'small',
    M,
    K,
    N,
    T: 7,
    inLevels: 15,
    weights: Int8Array.from({ length: M * K }, (_, i) => (i % 2 === 0 ? i : -i)),
    input: Uint8Array.from(input),
    bias: Int32Array.from({ length: M }, (_, m) => -1000 * (m + 1)),
    theta: Int32Array.from({ length: M }, (_, m) => m + 2),
  };
}

describe('snnCoreParams', () => {
  it('derives the Verilog parameters of the default design', () => {
    expect(snnCoreParams(defaultAccelerator())).toEqual({ lanes: 16, accW: 29, maxEvents: 4608, weightDepth: 4096, btDepth: 32, weightBanks: 2, thetaW: 25, shiftAdd: false });
  });

  it('refuses a weight buffer that holds no word', () => {
    const accelerator = acceleratorFrom({ snn: { lanes: 128 }, buffers: { weightBytes: 64 } }, 'tiny.yaml');
    expect(() => snnCoreParams(accelerator)).toThrow(/tiny.yaml: buffers.weightBytes: 64 bytes hold no weight word/);
  });
});

describe('snnCoreGeometry', () => {
  it('gives G, the last group and K', () => {
    expect(snnCoreGeometry({ name: 'a', M: 9, K: 3 }, params)).toEqual({ groups: 3, lastLanes: 1, k: 3 });
    expect(snnCoreGeometry({ name: 'a', M: 8, K: 4 }, params)).toEqual({ groups: 2, lastLanes: 4, k: 4 });
  });

  it('refuses layers the host must tile, naming the limit', () => {
    const refuse = (M: number, K: number) => () => snnCoreGeometry({ name: 'big', M, K }, params);
    expect(refuse(4, 9)).toThrow(InputError);
    expect(refuse(4, 9)).toThrow(/K = 9 exceeds the 8 events/);
    expect(refuse(13, 1)).toThrow(/needs 4 bias\/θ words .* tile the layer along M/);
    expect(() => snnCoreGeometry({ name: 'big', M: 12, K: 8 }, { ...params, weightDepth: 23 })).toThrow(/needs G·K = 3·8 = 24 weight words, the core has 23/);
    expect(snnCoreGeometry({ name: 'fits', M: 12, K: 8 }, { ...params, weightDepth: 24 }).groups).toBe(3);
    expect(refuse(0, 1)).toThrow(/M ≥ 1/);
  });
});

describe('memory words', () => {
  it('puts W[g·L + l, k] at lane l of word g·K + k, zero past M', () => {
    const layer = layerOf(5, 3, [1, 2, 3]);
    const words = weightWords(layer, params, snnCoreGeometry(layer, params));
    expect(words).toHaveLength(2 * 3);
    for (let g = 0; g < 2; g++) {
      for (let k = 0; k < 3; k++) {
        const lanes = unpackLanes(words[g * 3 + k] ?? 0n, 4, 8).map((lane) => Number(toSigned(lane, 8)));
        const expected = [0, 1, 2, 3].map((l) => (g * 4 + l < 5 ? (layer.weights[(g * 4 + l) * 3 + k] ?? 0) : 0));
        expect(lanes).toEqual(expected);
      }
    }
  });

  it("holds each output's membrane start b + floor(θ/2) at ACC_W bits and θ at THETA_W bits, lanes past M start 0 with θ 1", () => {
    const layer = layerOf(5, 1, [1]);
    const [first, second] = startThetaWords(layer, params, snnCoreGeometry(layer, params));
    expect(unpackLanes(first?.start ?? 0n, 4, 24).map((b) => Number(toSigned(b, 24)))).toEqual([-999, -1999, -2998, -3998]);
    expect(unpackLanes(second?.start ?? 0n, 4, 24).map((b) => Number(toSigned(b, 24)))).toEqual([-4997, 0, 0, 0]);
    expect(unpackLanes(first?.theta ?? 0n, 4, 25).map(Number)).toEqual([2, 3, 4, 5]);
    expect(unpackLanes(second?.theta ?? 0n, 4, 25).map(Number)).toEqual([6, 1, 1, 1]);
  });
});

describe('snnColumnEvents', () => {
  it('sends one beat per non-zero level, in order of k, the last one flagged', () => {
    // K = 4, N = 2: column 0 is [3, 0, 1, 0], column 1 is [0, 5, 0, 2].
    const layer = layerOf(1, 4, [3, 0, 0, 5, 1, 0, 0, 2], 2);
    expect(snnColumnEvents(layer, 0)).toEqual([
      { addr: 0, level: 3, last: false },
      { addr: 2, level: 1, last: true },
    ]);
    expect(snnColumnEvents(layer, 1)).toEqual([
      { addr: 1, level: 5, last: false },
      { addr: 3, level: 2, last: true },
    ]);
  });

  it('sends a column without spikes as one terminator with level 0', () => {
    expect(snnColumnEvents(layerOf(1, 3, [0, 0, 0]), 0)).toEqual([{ addr: 0, level: 0, last: true }]);
  });

  it('packs a beat as {last, level, addr} with KW address bits', () => {
    // maxEvents 8: KW = 3, an event is 3 + 8 bits = 2 bytes.
    expect(beatBits(params)).toBe(12);
    expect(eventBytes(params)).toBe(2);
    expect(packBeat({ addr: 5, level: 0x81, last: true }, params)).toBe((1n << 11n) | (0x81n << 3n) | 5n);
  });
});
