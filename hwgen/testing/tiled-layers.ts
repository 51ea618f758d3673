/**
 * Test support for co-simulations of the whole accelerator: designs with buffers small enough that layers of a few
 * dozen columns need several tiles in both directions, and random layers for them (the bare top's program player,
 * testbench/accel-program.test.ts, and the AXI wrapper's, hwgen/modules/axi/cosim.test.ts).
 */
import type { AcceleratorConfigInput } from '../config/schema.ts';
import type { Rng } from '../util/rng.ts';
import type { GemmLayer } from '../workload/gemm-layer.ts';

const LIMITS = { maxK: 32, maxM: 16, maxInLevels: 7, maxBiasAbs: 1000, maxTheta: 1024 };

export const TILED_DESIGNS = {
  hybrid: { ann: { arrays: 1, rows: 3, cols: 4 }, snn: { cores: 2, lanes: 3 }, limits: LIMITS, buffers: { weightBytes: 256, activationBytes: 128, outputBytes: 64, scheduleEntries: 16 } },
  // The wide design's host reads its output banks 4 levels a cycle (buffers.drainBytes).
  wide: { ann: { arrays: 2, rows: 4, cols: 2 }, snn: { cores: 1, lanes: 5 }, limits: LIMITS, buffers: { weightBytes: 1024, activationBytes: 256, outputBytes: 128, scheduleEntries: 8, drainBytes: 4 } },
  annOnly: { ann: { arrays: 2, rows: 2, cols: 3 }, snn: { cores: 0 }, limits: LIMITS, buffers: { weightBytes: 128, activationBytes: 128, outputBytes: 64, scheduleEntries: 16 } },
  // The SNN-only design adds a level's bits, not its spikes (snn.shiftAdd).
  snnOnly: { ann: { arrays: 0 }, snn: { cores: 3, lanes: 4, shiftAdd: true }, limits: LIMITS, buffers: { weightBytes: 512, activationBytes: 256, outputBytes: 64, scheduleEntries: 16 } },
  // Two banks (buffers.banks): the next tile loads and the previous one drains, 2 levels a read, while a tile runs.
  banked: { ann: { arrays: 1, rows: 3, cols: 4 }, snn: { cores: 2, lanes: 3, shiftAdd: true }, limits: LIMITS, buffers: { weightBytes: 256, activationBytes: 128, outputBytes: 64, scheduleEntries: 16, drainBytes: 2, banks: 2 } },
} as const satisfies Record<string, AcceleratorConfigInput>;

export type TiledDesignName = keyof typeof TILED_DESIGNS;

/**
 * A shape whose row tiles take one weight bank each on the banked design by default (ANN 21 weight words: 9 rows
 * at K = 24 in the whole, 3 in a half of 10; SNN 85 words: one group of 3 lanes in a half; 2 columns: a whole row
 * tile would be one column tile): 5 row tiles in banks 0, 1, 0, 1, 0.
 */
export const WEIGHT_BANKED_SHAPE = { M: 14, K: 24, N: 2 } as const;

/**
 * M 1..14, K 1..24, N 10..30 (or the given shape), levels up to 7 at a random density with column 0 all zero (an
 * empty event list).
 */
export function randomTiledLayer(rng: Rng, name: string, shape?: { readonly M: number; readonly K: number; readonly N: number }): GemmLayer {
  const M = shape?.M ?? rng.nextInt(1, 14), K = shape?.K ?? rng.nextInt(1, 24), N = shape?.N ?? rng.nextInt(10, 30);
  const density = rng.nextFloat();
  return {
    name, M, K, N, T: rng.nextInt(1, 7), inLevels: 7,
    weights: Int8Array.from({ length: M * K }, () => rng.nextInt(-128, 127)),
    input: Uint8Array.from({ length: K * N }, (_, i) => (i % N === 0 || rng.nextFloat() > density ? 0 : rng.nextInt(1, 7))),
    bias: Int32Array.from({ length: M }, () => rng.nextInt(-300, 300)),
    theta: Int32Array.from({ length: M }, () => rng.nextInt(1, 400)),
  };
}

/**
 * The former default design's dispatcher buffers (64 KiB activation replicas, 16 KiB output banks in one bank, read one level a
 * cycle): the hand-worked cases of the cost model's and the CLI's tests were derived with them.
 */
export const FORMER_DEFAULT_BUFFERS = { activationBytes: 65536, outputBytes: 16384, drainBytes: 1, banks: 1 } as const;
