/**
 * The small design the FPGA tests synthesise, place and route and package (one 2×2 MAC array, no SNN core, 64-byte
 * buffers): a few seconds of yosys per target and well inside an iCE40UP5K, so CI stays fast.
 */
import type { AcceleratorConfigInput } from '../config/schema.ts';

export const TINY_DESIGN = {
  name: 'tiny',
  ann: { arrays: 1, rows: 2, cols: 2 },
  snn: { cores: 0, lanes: 1 },
  limits: { maxK: 16, maxM: 4, maxInLevels: 7, maxBiasAbs: 1000, maxTheta: 1024 },
  buffers: { weightBytes: 64, activationBytes: 64, outputBytes: 64, scheduleEntries: 8, drainBytes: 1 },
} as const satisfies AcceleratorConfigInput;
