/**
 * The first finding in full, for a person to read: what and where, and the signals of its core around it
 * as a table and as WaveDrom, read in a second pass over the waveform (the check itself keeps no window).
 */
import { type SignalWindow, type WaveDromDiagram, type WindowNote, type WindowSignal, formatWindow, readWindow, waveDromWindow } from '../../../sim/waveform/diagnostics.ts';
import { leafName } from '../../../sim/waveform/protocol.ts';
import { PROGRAM_TB_MODULE } from '../program-player.ts';
import type { WaveCheckInput } from './check-types.ts';
import { WAVE_FAULTS, type WaveFinding } from './findings.ts';
import { ordinal } from './ordinal.ts';
import type { AccelProbes, CoreStreams } from './probes.ts';

/** Cycles shown on each side of the first finding. */
const DEFAULT_WINDOW = 6;
/** Cycles a report's window reaches at most after the first finding. */
const MAX_WINDOW = 40;

export interface FirstReport {
  readonly report: string;
  readonly wavedrom: WaveDromDiagram;
}

/** The report of `first`, one of `count` findings. */
export async function reportFirst(input: WaveCheckInput, probes: AccelProbes, first: WaveFinding, count: number): Promise<FirstReport> {
  const core = first.core === undefined ? undefined : probes.cores[first.core];
  const rows = [...windowRows(probes, core), ...(first.fault === 'read-timing' ? bankReadRows(probes) : [])];
  const window = await readWindow(input.file, {
    clock: probes.clock,
    signals: rows,
    reset: probes.reset,
    cycleCounter: probes.cycle,
    ...windowCycles(first, input.windowCycles ?? DEFAULT_WINDOW),
    focus: first.cycle,
    fst2vcd: input.fst2vcd,
  });
  const noteRow = first.note === undefined ? undefined : rows.find((row) => row.signal === first.note!.signal);
  const note: WindowNote | undefined = noteRow === undefined ? undefined : { row: noteRow.label, expected: first.note!.expected };
  const title = `${input.layer.name}: ${first.fault} in cycle ${first.cycle}${core === undefined ? '' : `, ${core.label}`}`;
  return { report: reportText(input, first, count, core, window, note), wavedrom: waveDromWindow(window, title, note) };
}

/** Reset, start and done, then every signal of both streams of the finding's core (when it has one). */
function windowRows(probes: AccelProbes, core: CoreStreams | undefined): WindowSignal[] {
  const rows = [
    { label: 'rst', signal: probes.reset },
    { label: 'start', signal: probes.start },
    { label: 'done', signal: probes.done },
  ];
  if (core === undefined) return rows;
  for (const stream of [core.input, core.output]) {
    rows.push({ label: stream.validLabel ?? leafName(stream.valid), signal: stream.valid });
    if (stream.ready !== undefined) rows.push({ label: stream.readyLabel ?? leafName(stream.ready), signal: stream.ready });
    for (const field of stream.payload) rows.push({ label: field.label, signal: field.signal });
  }
  return rows;
}

/** The host's read of the output banks: address, core select and the data a cycle later. */
function bankReadRows(probes: AccelProbes): WindowSignal[] {
  const { bankRead } = probes;
  return [
    { label: 'ob_rd_core', signal: bankRead.core },
    { label: 'ob_rd_addr', signal: bankRead.addr },
    { label: 'ob_rd_data', signal: bankRead.data },
  ];
}

/** The focus ± half, widened to the end of the finding's span (at most MAX_WINDOW cycles on). */
function windowCycles(first: WaveFinding, half: number): { from: number; to: number } {
  return {
    from: first.cycle - half,
    to: Math.min(Math.max(first.cycle + half, (first.span?.[1] ?? first.cycle) + 2), first.cycle + MAX_WINDOW),
  };
}

function reportText(input: WaveCheckInput, first: WaveFinding, count: number, core: CoreStreams | undefined, window: SignalWindow, note: WindowNote | undefined): string {
  const focusIndex = window.cycles.indexOf(first.cycle);
  const time = focusIndex >= 0 ? window.times[focusIndex] : undefined;
  const scale = window.timescale;
  const timescale = scale === undefined ? '' : ` × ${scale.magnitude} ${scale.unit}`;
  return [
    `${input.layer.name}: waveform ${input.file}: ${count} finding${count === 1 ? '' : 's'}; the first:`,
    `  fault     ${first.fault}: ${WAVE_FAULTS[first.fault]}`,
    `  what      ${first.message}`,
    `  when      cycle ${first.cycle}${time === undefined ? '' : `, time ${time}${timescale}`}${first.tile === undefined ? '' : ` (tile ${first.tile})`}`,
    `  signal    ${first.signal}`,
    ...(core === undefined ? [] : [`  core      ${core.label}: ${PROGRAM_TB_MODULE}.${core.instance}`]),
    ...(first.column === undefined ? [] : [`  column    ${first.column.n} (${ordinal(first.column.position)} in the core's list)`]),
    `  expected  ${first.expected}`,
    `  actual    ${first.actual}`,
    '',
    `cycles ${window.cycles[0] ?? '?'}..${window.cycles.at(-1) ?? '?'} (values sampled at each rising edge, vectors in hex; * marks cycle ${first.cycle}):`,
    formatWindow(window, note),
  ].join('\n');
}
