/**
 * A simulation that failed (a hang: `done` never came) leaves its waveform up to the failure (the testbench
 * flushes it): the check of that waveform usually says why, better than the simulator's error alone.
 */
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { CheckError, ToolError } from '../../errors.ts';
import { checkLayerWaveform } from './check.ts';
import type { WaveCheckInput } from './check-types.ts';
import { writeMismatchReport } from './mismatch-files.ts';

/** The error with the waveform's first finding, and where its report is, added; else the error as it was. */
export async function explainFailure(error: unknown, input: Omit<WaveCheckInput, 'file'> & { readonly file: string | undefined }): Promise<unknown> {
  const { file } = input;
  if (!(error instanceof ToolError || error instanceof CheckError) || file === undefined || !existsSync(file)) return error;
  try {
    const result = await checkLayerWaveform({ ...input, file });
    if (result.findings.length === 0) return error;
    const report = await writeMismatchReport(dirname(file), result);
    const explanation = `; the waveform shows ${result.problems[0] ?? '?'}${report === undefined ? '' : ` (report: ${report})`}`;
    return error instanceof ToolError ? new ToolError(error.tool, `${error.reason}${explanation}`) : new CheckError(`${error.message}${explanation}`);
  } catch {
    // The check is only there to explain: a waveform it cannot read leaves the simulator's error as it was.
    return error;
  }
}
