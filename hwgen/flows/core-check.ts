/**
 * Runs one layer through each generated core in RTL and checks it three ways: every output level
 * against the golden model, the measured cycle count against the cost model, every event counter
 * against the predicted count.
 */
import { join } from 'node:path';
import type { Accelerator } from '../config/load-config.ts';
import { annCoreParams, predictAnnCore } from '../cost/ann-core.ts';
import { EVENT_NAMES, type EventCounts } from '../cost/events.ts';
import { predictSnnCore, snnCoreParams } from '../cost/snn-core.ts';
import { annLayer } from '../golden/ann.ts';
import type { GemmLayer } from '../workload/gemm-layer.ts';
import type { Progress } from '../util/progress.ts';
import { runAnnCoreCosim } from '../../testbench/ann-core-cosim.ts';
import { runSnnCoreCosim } from '../../testbench/snn-core-cosim.ts';
import type { SimulatorName } from '../../sim/types.ts';

export interface CoreCheck {
  readonly core: 'ANN array' | 'SNN core';
  readonly layer: string;
  readonly columns: number;
  /** Every output level equals the golden model. */
  readonly match: boolean;
  readonly cycles: number;
  readonly predictedCycles: number;
  /** Event counters that differ from the prediction (empty when all agree). */
  readonly counterMismatches: readonly string[];
}

/** Golden levels in the order a core emits them: column after column, M levels each. */
function emittedOrder(layer: GemmLayer, outputs: Uint8Array, columns: readonly number[]): Uint8Array {
  const levels = new Uint8Array(columns.length * layer.M);
  columns.forEach((n, i) => {
    for (let m = 0; m < layer.M; m++) levels[i * layer.M + m] = outputs[m * layer.N + n] ?? 0;
  });
  return levels;
}

function counterMismatches(measured: EventCounts, predicted: EventCounts): string[] {
  return EVENT_NAMES.filter((name) => measured[name] !== predicted[name]).map((name) => `${name} ${measured[name]} ≠ ${predicted[name]}`);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

export async function checkCoresOnLayer(accelerator: Accelerator, layer: GemmLayer, simulator: SimulatorName, workDir: string, progress: Progress): Promise<CoreCheck[]> {
  const outputs = annLayer(layer);
  const columns = Array.from({ length: layer.N }, (_, n) => n);
  const expected = emittedOrder(layer, outputs, columns);
  const checks: CoreCheck[] = [];
  const { ann, snn } = accelerator.config;
  if (ann.arrays > 0) {
    const done = progress.start(`${layer.name} on the ANN array (${simulator})`);
    const run = await runAnnCoreCosim({ accelerator, layer, columns, simulator, workDir: join(workDir, `${layer.name}.ann`) });
    const predicted = predictAnnCore(layer, columns, annCoreParams(accelerator), outputs);
    done(`${run.cycles} cycles`);
    checks.push({ core: 'ANN array', layer: layer.name, columns: columns.length, match: sameBytes(run.levels, expected), cycles: run.cycles, predictedCycles: predicted.cycles, counterMismatches: counterMismatches(run.counters, predicted.events) });
  }
  if (snn.cores > 0) {
    const done = progress.start(`${layer.name} on the SNN core (${simulator})`);
    const run = await runSnnCoreCosim({ accelerator, layer, columns, simulator, workDir: join(workDir, `${layer.name}.snn`) });
    const predicted = predictSnnCore(layer, columns, snnCoreParams(accelerator), outputs);
    done(`${run.cycles} cycles`);
    checks.push({ core: 'SNN core', layer: layer.name, columns: columns.length, match: sameBytes(run.levels, expected), cycles: run.cycles, predictedCycles: predicted.cycles, counterMismatches: counterMismatches(run.counters, predicted.events) });
  }
  return checks;
}

export function checkPassed(check: CoreCheck): boolean {
  return check.match && check.cycles === check.predictedCycles && check.counterMismatches.length === 0;
}
