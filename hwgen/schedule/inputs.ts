/**
 * Checks of scheduler inputs, and each kind's costs by core. Cores are numbered as every module numbers them
 * (coreAt, hwgen/arch/core-kinds.ts): global core g < A is ANN array g, otherwise SNN core g − A (the order of
 * `Schedule.cores`); cyclesOn and energyOn compare with A directly, as they run once per column and core.
 */
import type { ColumnCosts, CoreKind, Machines } from './types.ts';

/** The largest A + S the schedulers accept; far above the 32 a generated accelerator has. */
const MAX_CORES = 4096;

function checkCount(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > MAX_CORES) {
    throw new RangeError(`machines.${name} must be an integer in 0..${MAX_CORES}, got ${value}`);
  }
}

export function checkMachines(machines: Machines): void {
  checkCount('annArrays', machines.annArrays);
  checkCount('snnCores', machines.snnCores);
  if (machines.annArrays + machines.snnCores === 0) throw new RangeError('machines needs at least one ANN array or SNN core, got none');
}

function checkFiniteNonNegative(name: string, values: Float64Array): void {
  for (let n = 0; n < values.length; n++) {
    const value = values[n] ?? 0;
    // NaN fails both comparisons, so it is caught here too.
    if (!(value >= 0 && value < Number.POSITIVE_INFINITY)) throw new RangeError(`costs.${name}[${n}] must be finite and >= 0, got ${value}`);
  }
}

/** Checks that the four arrays agree in length and hold finite non-negative numbers; returns the column count. */
export function checkCosts(costs: ColumnCosts): number {
  const columnCount = costs.annCycles.length;
  const arrays = { annCycles: costs.annCycles, snnCycles: costs.snnCycles, annEnergy: costs.annEnergy, snnEnergy: costs.snnEnergy };
  for (const [name, values] of Object.entries(arrays)) {
    if (values.length !== columnCount) throw new RangeError(`costs.${name} has ${values.length} columns, costs.annCycles has ${columnCount}`);
    checkFiniteNonNegative(name, values);
  }
  return columnCount;
}

export function coreCount(machines: Machines): number {
  return machines.annArrays + machines.snnCores;
}

/** Where ColumnCosts keeps each kind's per-column cycles and energies. */
export const COSTS_OF_KIND: Readonly<Record<CoreKind, { readonly cycles: keyof ColumnCosts; readonly energy: keyof ColumnCosts }>> = {
  ann: { cycles: 'annCycles', energy: 'annEnergy' },
  snn: { cycles: 'snnCycles', energy: 'snnEnergy' },
};

/** Cycles of column n on global core `core`. */
export function cyclesOn(core: number, n: number, costs: ColumnCosts, machines: Machines): number {
  return (core < machines.annArrays ? costs.annCycles[n] : costs.snnCycles[n]) ?? 0;
}

/** Energy of column n on global core `core`, pJ. */
export function energyOn(core: number, n: number, costs: ColumnCosts, machines: Machines): number {
  return (core < machines.annArrays ? costs.annEnergy[n] : costs.snnEnergy[n]) ?? 0;
}
