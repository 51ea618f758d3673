/**
 * Throughput estimate: GOPS = operations per cycle × clock. Operations are 2·MACs of the workload's layers (one
 * multiply and one add per MAC, as accelerator papers count them); cycles are the exact layer model's
 * (hwgen/cost/layer.ts: loads, runs and drains of every tile, layers one after another) under a schedule policy.
 * The clock is labelled with where it came from: the Fmax nextpnr-ice40 measured after place and route, or the
 * config's `clockMHz`, assumed.
 */
import type { Accelerator } from '../config/load-config.ts';
import { evaluatePolicy } from '../cost/layer-compare.ts';
import { designOf, tileLayer } from '../cost/layer.ts';
import { runGolden } from '../flows/golden.ts';
import { fireLevels } from '../golden/output.ts';
import type { GemmLayer } from '../workload/gemm-layer.ts';
import type { PolicyName } from '../schedule/types.ts';
import type { ResolvedWorkload } from '../workload/resolve.ts';

export interface OpsPerCycle {
  readonly workload: string;
  readonly policy: PolicyName;
  readonly layers: number;
  /** 2 · Σ M·K·N. */
  readonly ops: number;
  /** Σ predicted layer cycles. */
  readonly cycles: number;
  readonly opsPerCycle: number;
}

export type ClockSource = 'measured' | 'assumed';

export interface Clock {
  readonly mhz: number;
  readonly source: ClockSource;
  /** e.g. "Fmax of nextpnr-ice40 on iCE40UP5K" or "config clockMHz". */
  readonly from: string;
}

export interface ThroughputEstimate extends OpsPerCycle {
  readonly clockMHz: number;
  readonly clockSource: ClockSource;
  readonly clockFrom: string;
  readonly gops: number;
  /** One line for people: "0.52 GOPS = 5.2 ops/cycle × 100 MHz (assumed: config clockMHz)". */
  readonly label: string;
}

function totals(workload: string, policy: PolicyName, layers: number, ops: number, cycles: number): OpsPerCycle {
  return { workload, policy, layers, ops, cycles, opsPerCycle: cycles === 0 ? 0 : ops / cycles };
}

/** Operations per cycle of `workload` on the design under `policy`, from the exact layer model. */
export function opsPerCycle(accelerator: Accelerator, workload: ResolvedWorkload, policy: PolicyName = 'cost', seed = 0): OpsPerCycle {
  const design = designOf(accelerator);
  // A layer no core can hold is bad input (InputError), before any golden run.
  for (const layer of workload.layers) tileLayer({ name: layer.spec.name, ...layer.gemm }, design, design.machines);
  let ops = 0, cycles = 0;
  for (const result of runGolden(workload, 'ann')) {
    const { M, K, N } = result.gemm;
    ops += 2 * M * K * N;
    cycles += evaluatePolicy(result.gemm, design, policy, { seed, outputs: result.levels }).prediction.cycles;
  }
  return totals(workload.name, policy, workload.layers.length, ops, cycles);
}

/** The same for GEMM layers run one after another (each with its own input), e.g. zoo layers. */
export function opsPerCycleOfGemms(accelerator: Accelerator, name: string, layers: readonly GemmLayer[], policy: PolicyName = 'cost', seed = 0): OpsPerCycle {
  const design = designOf(accelerator);
  for (const layer of layers) tileLayer(layer, design, design.machines);
  let ops = 0, cycles = 0;
  for (const layer of layers) {
    ops += 2 * layer.M * layer.K * layer.N;
    cycles += evaluatePolicy(layer, design, policy, { seed, outputs: fireLevels(layer) }).prediction.cycles;
  }
  return totals(name, policy, layers.length, ops, cycles);
}

export function throughput(work: OpsPerCycle, clock: Clock): ThroughputEstimate {
  const gops = (work.opsPerCycle * clock.mhz) / 1000;
  const label = `${formatGops(gops)} GOPS = ${work.opsPerCycle.toFixed(2)} ops/cycle × ${clock.mhz.toFixed(1)} MHz (${clock.source}: ${clock.from})`;
  return { ...work, clockMHz: clock.mhz, clockSource: clock.source, clockFrom: clock.from, gops, label };
}

export function formatGops(gops: number): string {
  return gops >= 10 ? gops.toFixed(1) : gops >= 1 ? gops.toFixed(2) : gops.toFixed(3);
}

export function assumedClock(accelerator: Accelerator): Clock {
  return { mhz: accelerator.config.clockMHz, source: 'assumed', from: 'config clockMHz' };
}
