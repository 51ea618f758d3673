/**
 * The figures a reader asks first of a run, computed from ReportData alone: latency at the configured clock,
 * inferences per second, GOPS, average power, the device fit, Fmax, the waveform check and the tools. The page's
 * "At a glance" section shows them as term and value (`runFigureEntries`).
 *
 * Conventions, as hwgen/fpga/gops.ts counts them: an operation is one multiply or one add (2 per MAC of a layer's
 * M·K·N), cycles are the RTL's where every layer was simulated and the cost model's otherwise, and time is cycles
 * at the config's clockMHz (the clock the design was generated for, not a measured one). Energy is the energy
 * model's (predicted events × the energy table), so power is that energy over that time.
 */
import { RESOURCE_LABELS, type Resources } from '../fpga/targets.ts';
import type { DeviceFit, LayerReport, ReportData } from './report-data.ts';
import { integerText, percentText } from './svg.ts';

export interface RunFigures {
  readonly cycles: number;
  /** True when `cycles` are the RTL's (every layer simulated), false when predicted. */
  readonly measured: boolean;
  readonly latencyUs: number;
  readonly inferences: number;
  readonly inferencesPerSecond: number;
  /** 2 · Σ M·K·N. */
  readonly ops: number;
  readonly gops: number;
  readonly energyPj: number;
  readonly powerMw: number;
}

const layerEnergyPj = (layer: LayerReport): number => Object.values(layer.energyPj).reduce((sum, pj) => sum + pj, 0);

/** Undefined without a layer: nothing ran, so there is no latency to state. */
export function runFigures(data: ReportData): RunFigures | undefined {
  const { layers } = data;
  if (layers.length === 0) return undefined;
  const measured = layers.every((layer) => layer.cycles !== undefined);
  const cycles = layers.reduce((sum, layer) => sum + (measured ? (layer.cycles ?? 0) : layer.predictedCycles), 0);
  // Cycles over MHz is µs exactly; seconds derive from it.
  const latencyUs = cycles / data.design.clockMHz;
  const seconds = latencyUs / 1e6;
  const inferences = data.inferences ?? 1;
  const ops = layers.reduce((sum, { shape }) => sum + 2 * shape.M * shape.K * shape.N, 0);
  const energyPj = layers.reduce((sum, layer) => sum + layerEnergyPj(layer), 0);
  const perSecond = (amount: number): number => (seconds === 0 ? 0 : amount / seconds);
  return {
    cycles, measured, latencyUs, inferences,
    inferencesPerSecond: perSecond(inferences),
    ops, gops: perSecond(ops) / 1e9,
    energyPj, powerMw: perSecond(energyPj * 1e-12) * 1e3,
  };
}

/** Three significant figures for small values, whole grouped numbers from 1000 on: the same text on every machine. */
export function quantityText(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude >= 1000) return integerText(value);
  if (magnitude >= 100) return value.toFixed(1);
  if (magnitude >= 1 || magnitude === 0) return value.toFixed(2);
  return value.toPrecision(3);
}

function fitText(fit: DeviceFit): string {
  const shares = Object.entries(fit.utilisation)
    .map(([key, share]) => `${RESOURCE_LABELS[key as keyof Resources]} ${percentText(share)}`)
    .join(', ');
  return fit.fits ? `fits ${fit.part}: ${shares}` : `does NOT fit ${fit.part}: ${fit.why ?? shares}`;
}

function waveCheckText(layers: readonly LayerReport[]): string {
  const traced = layers.filter((layer) => layer.waveFindings !== undefined);
  if (traced.length === 0) return 'not traced (hwgen sim --trace vcd checks the waveform)';
  const findings = traced.reduce((sum, layer) => sum + (layer.waveFindings ?? 0), 0);
  return `${traced.length} of ${layers.length} layers checked, ${findings === 0 ? 'no finding' : `${findings} finding(s)`}`;
}

function speedEntries(figures: RunFigures, clockMHz: number): [string, string][] {
  const where = figures.measured ? 'RTL' : 'predicted';
  const batch = figures.inferences === 1 ? 'the run' : `the batch of ${integerText(figures.inferences)}`;
  return [
    ['cycles', `${integerText(figures.cycles)} (${where})`],
    ['latency', `${quantityText(figures.latencyUs)} µs for ${batch} at ${clockMHz} MHz`],
    ['inferences/s', quantityText(figures.inferencesPerSecond)],
    ['throughput', `${quantityText(figures.gops)} GOPS (${quantityText(figures.ops / Math.max(1, figures.cycles))} ops/cycle × ${clockMHz} MHz)`],
    ['average power', `${quantityText(figures.powerMw)} mW (${quantityText(figures.energyPj / 1e3)} nJ energy model over ${quantityText(figures.latencyUs)} µs)`],
  ];
}

/** The "At a glance" section's entries, term and value; only what the data holds. */
export function runFigureEntries(data: ReportData): [string, string][] {
  const figures = runFigures(data);
  const entries: [string, string][] = figures === undefined ? [] : speedEntries(figures, data.design.clockMHz);
  const { resources } = data;
  if (resources?.fit !== undefined) entries.push(['device', fitText(resources.fit)]);
  else entries.push(['device', resources === undefined ? 'not synthesized' : `target ${resources.target}: no part to fit`]);
  if (resources?.fmax !== undefined) entries.push(['Fmax', `${quantityText(resources.fmax.mhz)} MHz (${resources.fmax.from})`]);
  if (data.layers.length > 0 && data.layers.some((layer) => layer.checked !== undefined)) entries.push(['waveform check', waveCheckText(data.layers)]);
  for (const [tool, version] of Object.entries(data.tools ?? {})) entries.push([tool, version]);
  return entries;
}
