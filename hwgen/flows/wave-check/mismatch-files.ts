/**
 * What a failed check leaves beside its waveform `<dir>/<layer>.vcd`: the mismatch report (text, with the
 * WaveDrom JSON at its end) and the WaveDrom JSON alone; and what result.json says of the check.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { WaveCheckResult } from './check-types.ts';

/** Files of a mismatch report beside a waveform `<dir>/<layer>.vcd`: the text (WaveDrom JSON at its end) and the JSON alone. */
export function mismatchFiles(layer: string): { text: string; wavedrom: string } {
  return { text: `${layer}.mismatch.txt`, wavedrom: `${layer}.mismatch.wavedrom.json` };
}

/** Writes the report of a failed check into `dir` (nothing when the waveform checks); returns the text file's path. */
export async function writeMismatchReport(dir: string, result: WaveCheckResult): Promise<string | undefined> {
  if (result.report === undefined || result.wavedrom === undefined) return undefined;
  const files = mismatchFiles(result.layer);
  const json = JSON.stringify(result.wavedrom);
  const others = result.problems.slice(1).map((line) => `  ${line}`);
  const text = [
    result.report,
    '',
    `WaveDrom of the same cycles (${files.wavedrom}; paste into https://wavedrom.com/editor.html):`,
    json,
    ...(others.length === 0 ? [] : ['', 'other findings:', ...others]),
    '',
  ].join('\n');
  await writeFile(join(dir, files.text), text);
  await writeFile(join(dir, files.wavedrom), `${json}\n`);
  return join(dir, files.text);
}

/** What result.json says of a layer's waveform check. */
export function waveCheckJson(result: WaveCheckResult) {
  return {
    checked: result.total === 0,
    findings: result.total,
    first: result.problems[0] ?? null,
    report: result.report === undefined ? null : `waves/${mismatchFiles(result.layer).text}`,
    ...result.stats,
  };
}
