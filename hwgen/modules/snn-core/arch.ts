/**
 * How a GEMM layer is packed into hwgen_snn_core's memories and input stream (spec.md, "Layout").
 * The host computes these words; the core never sees M, only lane groups, K and the event stream.
 */
import type { Accelerator } from '../../config/load-config.ts';
import { InputError } from '../../errors.ts';
import { packLanes } from '../../arch/packing.ts';
import type { GemmLayer } from '../../workload/gemm-layer.ts';
import type { GemmShape } from '../../workload/shapes.ts';
import { bitsFor, ceilDiv, clog2 } from '../../arch/math.ts';
import { LEVEL_BITS } from '../../arch/widths.ts';

/** The sizes a hwgen_snn_core is built with: its Verilog parameters. */
export interface SnnCoreParams {
  /** LANES: membranes updated per cycle (snn.lanes). */
  readonly lanes: number;
  /** ACC_W: signed membrane width. */
  readonly accW: number;
  /** MAX_EVENTS: events one event-buffer bank holds (limits.maxK). */
  readonly maxEvents: number;
  /** W_DEPTH: weight words of LANES bytes. */
  readonly weightDepth: number;
  /** BT_DEPTH: start/θ words of LANES entries. */
  readonly btDepth: number;
  /** THETA_W: bits of a stored θ, bitsFor(limits.maxTheta). */
  readonly thetaW: number;
  /** SHIFT_ADD: one add of w·2^b per set bit b of a level instead of one add of w per spike (snn.shiftAdd). */
  readonly shiftAdd: boolean;
  /** W_BANKS: 1, or 2 (buffers.banks): a row tile that fits half of both memories may be read from either half. */
  readonly weightBanks: number;
}


export function snnCoreParams(accelerator: Accelerator): SnnCoreParams {
  const { snn, limits, buffers } = accelerator.config;
  const weightDepth = Math.floor(buffers.weightBytes / snn.lanes);
  if (weightDepth < 1) {
    throw new InputError(accelerator.source, 'buffers.weightBytes', `${buffers.weightBytes} bytes hold no weight word of snn.lanes = ${snn.lanes} bytes`);
  }
  return {
    lanes: snn.lanes,
    accW: accelerator.accumulatorBits,
    maxEvents: limits.maxK,
    weightDepth,
    btDepth: ceilDiv(limits.maxM, snn.lanes),
    thetaW: bitsFor(limits.maxTheta),
    shiftAdd: snn.shiftAdd,
    weightBanks: buffers.banks,
  };
}

/** Set bits of a level 0..255. */
export function popcount(level: number): number {
  let bits = 0;
  for (let x = level; x !== 0; x &= x - 1) bits += 1;
  return bits;
}

/** Add cycles an event of level x takes in the add stage: x (one per spike), or popcount(x) with shift-add. */
export function addCyclesOfLevel(level: number, params: Pick<SnnCoreParams, 'shiftAdd'>): number {
  return params.shiftAdd ? popcount(level) : level;
}

/** KW: bits of an input address k (0..MAX_EVENTS−1). */
export function addressBits(params: SnnCoreParams): number {
  return clog2(params.maxEvents);
}

/** Bytes of one stored event {k, x}: counted per event-buffer write and read. */
export function eventBytes(params: SnnCoreParams): number {
  return ceilDiv(addressBits(params) + LEVEL_BITS, 8);
}

/** A layer as the core sees it: the cfg_* ports. */
export interface SnnCoreGeometry {
  /** G = ceil(M / LANES): lane groups per column. */
  readonly groups: number;
  /** Outputs in the last group, 1..LANES. */
  readonly lastLanes: number;
  /** K: the weight-address stride of a group. */
  readonly k: number;
}

/** G, last lanes and K of a shape, without checking that it fits (the cost model's view). */
export function snnCoreGeometryOf(shape: Pick<GemmShape, 'M' | 'K'>, params: SnnCoreParams): SnnCoreGeometry {
  const groups = ceilDiv(shape.M, params.lanes);
  return { groups, lastLanes: shape.M - (groups - 1) * params.lanes, k: shape.K };
}

/** The geometry of a layer that must fit one core's memories; refuses a layer the host has to tile first. */
export function snnCoreGeometry(layer: Pick<GemmLayer, 'name' | 'M' | 'K'>, params: SnnCoreParams): SnnCoreGeometry {
  const where = `layer ${layer.name} (M=${layer.M}, K=${layer.K})`;
  if (layer.M < 1 || layer.K < 1) throw new InputError(where, '', 'needs M ≥ 1 and K ≥ 1');
  const geometry = snnCoreGeometryOf(layer, params);
  const { groups } = geometry;
  if (layer.K > params.maxEvents) {
    throw new InputError(where, 'K', `K = ${layer.K} exceeds the ${params.maxEvents} events an event-buffer bank holds (limits.maxK)`);
  }
  if (groups > params.btDepth) {
    throw new InputError(where, 'M', `needs ${groups} bias/θ words of ${params.lanes} outputs, the core has ${params.btDepth} (limits.maxM): tile the layer along M`);
  }
  if (groups * layer.K > params.weightDepth) {
    throw new InputError(
      where,
      'M',
      `needs G·K = ${groups}·${layer.K} = ${groups * layer.K} weight words, the core has ${params.weightDepth} (buffers.weightBytes / lanes): tile the layer along M`,
    );
  }
  return geometry;
}

/** Weight word g·K + k: W[g·L + l, k] at lane l, zero past M. */
export function weightWords(layer: GemmLayer, params: SnnCoreParams, geometry: SnnCoreGeometry): bigint[] {
  const words: bigint[] = [];
  const lanes = new Array<number>(params.lanes);
  for (let g = 0; g < geometry.groups; g++) {
    for (let k = 0; k < layer.K; k++) {
      for (let l = 0; l < params.lanes; l++) {
        const m = g * params.lanes + l;
        lanes[l] = m < layer.M ? (layer.weights[m * layer.K + k] ?? 0) : 0;
      }
      words.push(packLanes(lanes, 8));
    }
  }
  return words;
}

/**
 * Start/θ word g: lane l holds output g·L + l's membrane start b + floor(θ/2), computed here once instead of by an
 * adder in every lane, and its θ; lanes past M hold start 0 and θ 1. Fields are named after the load ports.
 */
export type StartThetaWord = {
  readonly start: bigint;
  readonly theta: bigint;
};

export function startThetaWords(layer: GemmLayer, params: SnnCoreParams, geometry: SnnCoreGeometry): StartThetaWord[] {
  const words: StartThetaWord[] = [];
  for (let g = 0; g < geometry.groups; g++) {
    const start: number[] = [];
    const theta: number[] = [];
    for (let l = 0; l < params.lanes; l++) {
      const m = g * params.lanes + l;
      const inLayer = m < layer.M;
      const outputTheta = inLayer ? (layer.theta[m] ?? 1) : 1;
      // The contract's membrane start b + φ(θ), φ(θ) = floor(θ/2) (docs/numerics.md).
      start.push(inLayer ? (layer.bias[m] ?? 0) + Math.floor(outputTheta / 2) : 0);
      theta.push(outputTheta);
    }
    words.push({ start: packLanes(start, params.accW), theta: packLanes(theta, params.thetaW) });
  }
  return words;
}

/** One beat of the input stream: "input `addr` fires `level` spikes"; `last` ends the column. */
export interface SnnBeat {
  readonly addr: number;
  readonly level: number;
  readonly last: boolean;
}

/**
 * The beats the dispatcher sends for column n: one per non-zero level, in order of k, the last
 * one flagged; a column with no non-zero level is the single terminator {0, 0, last}.
 */
export function snnColumnEvents(layer: GemmLayer, n: number): SnnBeat[] {
  const beats: SnnBeat[] = [];
  for (let k = 0; k < layer.K; k++) {
    const level = layer.input[k * layer.N + n] ?? 0;
    if (level !== 0) beats.push({ addr: k, level, last: false });
  }
  const lastBeat = beats.at(-1);
  if (lastBeat === undefined) return [{ addr: 0, level: 0, last: true }];
  beats[beats.length - 1] = { ...lastBeat, last: true };
  return beats;
}

/** The words snnColumnEvents gives column n: its non-zero levels, or the one terminator of an empty column. */
export function snnColumnWords(layer: Pick<GemmLayer, 'K' | 'N' | 'input'>, n: number): number {
  let events = 0;
  for (let k = 0, i = n; k < layer.K; k++, i += layer.N) if ((layer.input[i] ?? 0) !== 0) events += 1;
  return Math.max(events, 1);
}

/** A beat as the testbench's stimulus word {last, level, addr}: addr in the low KW bits. */
export function packBeat(beat: SnnBeat, params: SnnCoreParams): bigint {
  const kw = BigInt(addressBits(params));
  return ((beat.last ? 1n : 0n) << (kw + 8n)) | (BigInt(beat.level) << kw) | BigInt(beat.addr);
}

/** Bits of a packed beat. */
export function beatBits(params: SnnCoreParams): number {
  return addressBits(params) + LEVEL_BITS + 1;
}
