/** The `--trace-window` argument of `hwgen sim`: which program cycles the waveform dump holds. */
import { InputError } from '../../errors.ts';
import type { TraceWindow } from '../program-player.ts';

/** `--trace-window FROM:TO`: program cycles, inclusive; either side may be left out (`1000:`, `:2000`). */
export function parseTraceWindow(text: string): TraceWindow {
  const match = /^\s*(\d*)\s*:\s*(\d*)\s*$/.exec(text);
  const bad = (why: string): InputError => new InputError('--trace-window', '', `${why} (got "${text}")`);
  if (match === null || (match[1] === '' && match[2] === '')) throw bad('expected FROM:TO, program cycles, either side optional (1000:2000, 1000:, :2000)');
  const from = match[1] === '' ? undefined : Number(match[1]);
  const to = match[2] === '' ? undefined : Number(match[2]);
  for (const value of [from, to]) if (value !== undefined && !Number.isSafeInteger(value)) throw bad('a cycle number is too large');
  if (from !== undefined && to !== undefined && from > to) throw bad('FROM is after TO');
  return { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) };
}
