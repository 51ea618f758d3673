/**
 * What report.html draws: everything the page needs, already computed, so that rendering is a pure
 * function of this value (renderReport) and two equal values give byte-identical pages. The builder from a
 * `hwgen sim` folder (build-from-sim.ts) fills it; `hwgen explore` and the demo may fill parts of it.
 */
import type { DesignReport } from '../fpga/report.ts';
import type { Resources } from '../fpga/targets.ts';
import type { ParetoFile } from './pareto-file.ts';
import type { CoreKind } from '../schedule/types.ts';
import type { WaveDromDiagram } from '../../sim/waveform/diagnostics.ts';

/** The design the run used, as its config states it. */
export interface DesignSummary {
  /** The config's `name`. */
  readonly name: string;
  readonly ann: { readonly arrays: number; readonly rows: number; readonly cols: number };
  readonly snn: { readonly cores: number; readonly lanes: number };
  readonly clockMHz: number;
  /** sha256 of the config (result.json's configHash), when known. */
  readonly configHash?: string;
}

/** How the run was made (result.json's fields), when the report is of a simulation. */
export interface RunSummary {
  readonly workload: string;
  readonly simulator: string;
  readonly policy: string;
  readonly seed: number;
  /** `hwgen 0.1.0`. */
  readonly generator: string;
}

/** One column on one core: layer cycles [start, end), from its first input beat taken to its last output level accepted. */
export interface ColumnInterval {
  /** The column's number in the layer (not in its tile). */
  readonly column: number;
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
}

/** One core's part of a layer. */
export interface CoreTimeline {
  /** `ann0`, `snn1`: kind and index among the cores of its kind. */
  readonly id: string;
  readonly kind: CoreKind;
  /** Its columns in the order it runs them, tile after tile. */
  readonly intervals: readonly ColumnInterval[];
  /** Cycles its cnt_busy counts in the layer (the cost model's prediction). */
  readonly busy: number;
}

/** The host's phases of a tile that no core works in: loading the memories, and draining the output banks. */
export type PhaseKind = 'load' | 'drain';

export interface HostPhase {
  readonly kind: PhaseKind;
  readonly tile: number;
  /** Layer cycles [start, end). */
  readonly start: number;
  readonly end: number;
}

export interface LayerReport {
  readonly name: string;
  readonly shape: { readonly M: number; readonly K: number; readonly N: number };
  readonly tiles: number;
  /** Measured in RTL; absent when the layer was only predicted. */
  readonly cycles?: number;
  readonly predictedCycles: number;
  /** RTL outputs equal to the golden model; absent when not simulated. */
  readonly match?: boolean;
  /** Outputs, cycles, counters and events all as predicted; absent when not simulated. */
  readonly checked?: boolean;
  /** What differed, one line each (result.json's `problems`). */
  readonly problems: readonly string[];
  /** ANN arrays first, then SNN cores, as the schedule lists them. */
  readonly cores: readonly CoreTimeline[];
  readonly phases: readonly HostPhase[];
  /** Event name → pJ (predicted events × the energy table). */
  readonly energyPj: Readonly<Record<string, number>>;
  /** Findings of the layer's waveform check; absent when the run was not traced. */
  readonly waveFindings?: number;
}

/** Busy over total cycles of one core, over the whole run. */
export interface CoreUtilisation {
  readonly id: string;
  readonly kind: CoreKind;
  readonly busy: number;
  readonly total: number;
}

/** Whether the synthesised design fits the target's part, and how much of it it takes. */
export interface DeviceFit {
  /** `xc7z020 (PYNQ-Z2)`. */
  readonly part: string;
  readonly fits: boolean;
  /** Why not, when it does not fit (synth.json's `notFit`). */
  readonly why?: string;
  /** used ÷ capacity per resource the part has. */
  readonly utilisation: Partial<Record<keyof Resources, number>>;
}

/** The resource table: yosys' per-module statistics of one synthesis. */
export interface ResourceSection {
  /** `generic`, `xc7`, `ice40`: which units the resources are in. */
  readonly target: string;
  readonly report: DesignReport;
  /** Absent for the generic target, which has no part. */
  readonly fit?: DeviceFit;
  /** Fmax after place and route (nextpnr-ice40), when measured. */
  readonly fmax?: { readonly mhz: number; readonly from: string };
}

/** The waveform window around the first mismatch, as the waveform check reports it. */
export interface MismatchSection {
  readonly layer: string;
  readonly wavedrom: WaveDromDiagram;
  /** The check's text report (`<layer>.mismatch.txt`), shown under the window. */
  readonly text?: string;
}

/** What a real network did on the run's batch (hwgen demo): accuracy, the SNN share, the comparison, as term and value. */
export type NetworkSummary = readonly (readonly [string, string])[];

export interface ReportData {
  readonly title: string;
  readonly design: DesignSummary;
  readonly run?: RunSummary;
  /** Present when the run was a trained network on real inputs. */
  readonly network?: NetworkSummary;
  readonly layers: readonly LayerReport[];
  readonly utilisation: readonly CoreUtilisation[];
  /** pJ per event, the table the energies were computed with. */
  readonly energyTablePj: Readonly<Record<string, number>>;
  /** Absent: the section says "not synthesized". */
  readonly resources?: ResourceSection;
  /** Present for explore runs. */
  readonly pareto?: ParetoFile;
  /** Present when a waveform check failed. */
  readonly mismatch?: MismatchSection;
  /** Inferences the run computed (the batch's images); the run counts as one when absent. */
  readonly inferences?: number;
  /** Tool → its version line (`hwgen`, `verilator`, `yosys`, …), as the run used them. */
  readonly tools?: Readonly<Record<string, string>>;
}
