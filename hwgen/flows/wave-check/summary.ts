/** The short forms of a layer's check: one line of what was checked, and the findings as `problems` lines. */
import type { WaveCheckStats } from './check-types.ts';
import type { WaveFinding } from './findings.ts';

/** Problems listed in full; the rest are counted. */
const LISTED = 10;

/** One line per finding, the first LISTED of `total`, then one counting the rest. */
export function problemLines(name: string, findings: readonly WaveFinding[], total: number): string[] {
  const problems = findings.slice(0, LISTED).map((finding) => `${name}: waveform: ${finding.fault}: ${finding.message}`);
  if (total > LISTED) problems.push(`${name}: waveform: and ${total - LISTED} more findings`);
  return problems;
}

export function summaryOf(name: string, file: string, stats: WaveCheckStats, findings: number): string {
  const span = stats.firstCycle === undefined ? 'no cycles' : `cycles ${stats.firstCycle}..${stats.lastCycle}`;
  const partial = stats.tilesPartial > 0 ? ` (${stats.tilesPartial} in part)` : '';
  return (
    `${name}: ${file}: ${stats.edges} edges (${span}), ${stats.tilesChecked} of ${stats.tiles} tiles checked whole${partial}, ` +
    `${stats.inputBeats} input and ${stats.outputBeats} output beats, ${stats.stallCycles} stall cycles, ${stats.columnsTimed} columns timed: ` +
    (findings === 0 ? 'as the golden and cost models say' : `${findings} finding${findings === 1 ? '' : 's'}`)
  );
}
