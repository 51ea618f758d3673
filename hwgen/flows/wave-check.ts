/**
 * Waveform-level checking of one layer's run of hwgen_accel_top under the program player (README
 * "Waveforms"): the golden model and the exact cost model read the waveform. This file is the entry;
 * the check lives in wave-check/, one part a file.
 *
 * The testbench copies every core's two streams into probes (wave-check/probes.ts): the input stream
 * (feeder → core) and the output stream (core → gatherer). One pass over the waveform, at the rising
 * edges of the clock, numbered by the testbench's `cycle` (the program's cycle; wave-check/layer-checker.ts):
 *
 * - every stream's protocol rules (sim/waveform/protocol.ts);
 * - every beat in order against what it must carry (wave-check/tile-expectations.ts, stream-check.ts):
 *   input beats against the replica words the host loaded (the tile's columns in the core's list order),
 *   output beats against the golden model (column by column, y[0..M−1], out_last on y[M−1]); the first
 *   difference of a stream is classified as a wrong value, a dropped, duplicated or extra beat by looking
 *   at the beats after it (wave-check/difference.ts);
 * - every beat's cycle against the cores' cost models (wave-check/core-run.ts: annCoreColumnTimes,
 *   snnCoreColumnTimes, a column's input beats back to back from its first, its output levels group by
 *   group), with the tile's start pulse as dispatcher cycle 0; every core's busy window (first input
 *   offered) and `done` against predictDispatch (wave-check/tile-run.ts). A column whose first input beat
 *   is late is `column-late`; other beats out of their cycle are `timing` (the first one of a stream, the
 *   rest follow from it);
 * - the run control (wave-check/run-control.ts): `done` low outside its predicted one-cycle pulse (drain,
 *   next tile's loads), `start` only while idle; and the output banks' registered read
 *   (wave-check/bank-read.ts): between runs, `ob_rd_data` is the word addressed the cycle before, as the
 *   cores' output beats wrote it. Neither shows in the captures the host reads back.
 *
 * A tile is checked whole when the waveform holds it from its start pulse to its predicted `done`. With a
 * dump window (+trace_from/+trace_to), a tile whose start pulse is in the window is checked as far as the
 * window goes, and one started before it only for the protocol rules (its beats' places are unknown).
 * Findings are ordered by cycle (wave-check/findings.ts); the first one gets a report with the signals
 * around it (text and WaveDrom), read in a second pass (wave-check/first-report.ts), which a failed run
 * leaves beside its waveform (wave-check/mismatch-files.ts).
 */
export { type AccelProbes, type CoreStreams, accelTraceProbes } from './wave-check/probes.ts';
export { type WaveFault, type WaveFinding, WAVE_FAULTS } from './wave-check/findings.ts';
export { type SequenceFault, classifyDifference } from './wave-check/difference.ts';
export type { StreamTransactions, WaveCheckInput, WaveCheckResult, WaveCheckStats } from './wave-check/check-types.ts';
export { checkLayerWaveform } from './wave-check/check.ts';
export { mismatchFiles, waveCheckJson, writeMismatchReport } from './wave-check/mismatch-files.ts';
export { parseTraceWindow } from './wave-check/trace-window.ts';
export { explainFailure } from './wave-check/explain-failure.ts';
export { type LayerRunPlan, layerRunPlan } from './layer-plan.ts';
