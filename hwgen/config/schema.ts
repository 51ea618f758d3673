/**
 * The accelerator configuration: what the generators build. Every field has a documented range;
 * defaults give the built-in default design (hwgen/config/schema.ts).
 */
import { z } from 'zod';

const MAX_THETA = 2 ** 24;
const count = (min: number, max: number) => z.number().int().min(min).max(max);

export const annSchema = z
  .strictObject({
    arrays: count(0, 16).default(1).describe('Number of MAC arrays, 0..16 (0: an SNN-only design).'),
    rows: count(1, 64).default(8).describe('Output channels an array computes at once, 1..64.'),
    cols: count(1, 64).default(8).describe('Inputs an array multiplies per cycle for each row, 1..64.'),
  })
  .describe('ANN INT8 multiply-accumulate arrays');

export const snnSchema = z
  .strictObject({
    cores: count(0, 16).default(2).describe('Number of accumulate-and-fire cores, 0..16 (0: an ANN-only design).'),
    lanes: count(1, 256).default(16).describe('Membrane accumulators updated per cycle, 1..256.'),
    shiftAdd: z
      .boolean()
      .default(false)
      .describe('Add w·2^b once per set bit b of an input level (popcount(x) add cycles per event) instead of w once per spike (x cycles): several spikes per cycle, with a shifter per lane and still no multiplier.'),
  })
  .describe('SNN accumulate-and-fire cores');

export const limitsSchema = z
  .strictObject({
    maxK: count(1, 1 << 20).default(4608).describe('Largest reduction length K a layer may have.'),
    maxM: count(1, 1 << 16).default(512).describe('Largest output-channel count M.'),
    maxInLevels: count(1, 255).default(255).describe('Largest input level Tin.'),
    maxBiasAbs: count(0, 2 ** 31 - 1).default(2 ** 24).describe('Largest |bias|.'),
    maxTheta: count(1, MAX_THETA).default(MAX_THETA).describe('Largest threshold θ.'),
  })
  .describe('The largest layer the design must compute exactly; widths are derived from these');

export const widthsSchema = z
  .strictObject({
    accumulator: z.union([z.literal('auto'), count(2, 64)]).default('auto').describe('Signed accumulator width in bits, or `auto` for the narrowest that cannot overflow.'),
  })
  .describe('Datapath widths (levels are 8-bit unsigned and weights 8-bit signed by contract)');

export const buffersSchema = z
  .strictObject({
    weightBytes: count(64, 1 << 24).default(65536),
    activationBytes: count(64, 1 << 24).default(16384),
    outputBytes: count(64, 1 << 24).default(8192),
    scheduleEntries: count(1, 1 << 20).default(4096).describe('Entries of the static schedule (one per column).'),
    drainBytes: count(1, 64)
      .refine((bytes) => (bytes & (bytes - 1)) === 0, 'must be a power of two')
      .default(8)
      .describe('Output levels the host reads from an output bank per cycle (its read port is drainBytes bytes wide): 1, 2, 4 … 64.'),
    banks: z
      .union([z.literal(1), z.literal(2)])
      .default(2)
      .describe('Banks of every activation replica, schedule memory and output bank, each holding 1/banks of its bytes: with 2 the next tile loads and the previous one drains while a tile runs.'),
  })
  .describe('On-chip buffer sizes');

export const acceleratorSchema = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'must be a Verilog identifier (letters, digits, "_")').default('hwgen_default'),
    clockMHz: z.number().positive().max(2000).default(100).describe('Clock frequency used for EDP and throughput figures, in MHz.'),
    ann: annSchema.default(annSchema.parse({})),
    snn: snnSchema.default(snnSchema.parse({})),
    limits: limitsSchema.default(limitsSchema.parse({})),
    widths: widthsSchema.default(widthsSchema.parse({})),
    buffers: buffersSchema.default(buffersSchema.parse({})),
  })
  .describe('hwgen accelerator configuration');

export type AcceleratorConfigInput = z.input<typeof acceleratorSchema>;
export type AcceleratorConfig = z.output<typeof acceleratorSchema>;
