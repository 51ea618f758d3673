/**
 * What the waveform check finds: the kinds of fault, one finding, where the checks put them, and the
 * order a report lists them in.
 */
import { PROTOCOL_RULES, type ProtocolRule } from '../../../sim/waveform/protocol.ts';
import type { SignalValue } from '../../../sim/waveform/values.ts';

export type WaveFault =
  | 'wrong-value'
  | 'dropped-beat'
  | 'duplicated-beat'
  | 'extra-beat'
  | 'missing-beats'
  | ProtocolRule
  | 'column-late'
  | 'column-early'
  | 'timing'
  | 'run-control'
  | 'read-timing';

/** What each fault is, for reports. */
export const WAVE_FAULTS: Readonly<Record<WaveFault, string>> = {
  'wrong-value': 'a beat carries the wrong value',
  'dropped-beat': 'a beat is missing from the stream (dropped)',
  'duplicated-beat': 'a beat came twice (duplicated)',
  'extra-beat': 'a beat that is not due',
  'missing-beats': 'the stream ended early',
  ...PROTOCOL_RULES,
  'column-late': 'a core started a column late',
  'column-early': 'a core started a column early',
  timing: 'a beat or done out of its predicted cycle',
  'run-control': 'done high outside its one-cycle pulse, or start while a run is in progress',
  'read-timing': 'an output bank\'s read data not one cycle after its address',
};

/** Among findings in the same cycle, the lower rank comes first: the cause before its effects. */
const RANK: Readonly<Record<WaveFault, number>> = {
  'beat-in-reset': 0,
  'unknown-control': 0,
  'valid-dropped': 1,
  'data-unstable': 1,
  'unknown-data': 1,
  'wrong-value': 2,
  'dropped-beat': 2,
  'duplicated-beat': 2,
  'extra-beat': 2,
  'missing-beats': 2,
  'column-late': 3,
  'column-early': 3,
  timing: 4,
  'run-control': 4,
  'read-timing': 2,
};

export interface WaveFinding {
  readonly fault: WaveFault;
  /** Program cycle (the testbench's `cycle`) where it shows. */
  readonly cycle: number;
  /** The design signal at fault (`hwgen_program_tb.dut.core[1].snn.snn_core.out_level`). */
  readonly signal: string;
  readonly expected: string;
  readonly actual: string;
  readonly core?: number;
  readonly tile?: number;
  /** The column: its position in the core's list and its number in the layer. */
  readonly column?: { readonly position: number; readonly n: number };
  /** One line naming the fault, where and when. */
  readonly message: string;
  /** For the window's `expected` row: the waveform signal and the value due. */
  readonly note?: { readonly signal: string; readonly expected: SignalValue };
  /** Cycles the report's window should also show (a late beat's due and actual cycles). */
  readonly span?: readonly [number, number];
}

/** Where the checks of tiles, cores and streams put what they find. */
export interface FindingSink {
  add(finding: WaveFinding): void;
  /** The design signal a waveform probe copies: findings name the design's signal, not the probe. */
  pathOf(signal: string): string;
}

/** Ordered by cycle, the cause before its effects within a cycle. */
export function orderFindings(findings: readonly WaveFinding[]): WaveFinding[] {
  return findings.slice().sort((a, b) => a.cycle - b.cycle || RANK[a.fault] - RANK[b.fault]);
}
