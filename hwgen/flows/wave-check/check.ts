/** The check of one layer's waveform (hwgen/flows/wave-check.ts says what it holds the run to). */
import type { WaveCheckInput, WaveCheckResult } from './check-types.ts';
import { orderFindings } from './findings.ts';
import { reportFirst } from './first-report.ts';
import { LayerWaveChecker } from './layer-checker.ts';
import { problemLines, summaryOf } from './summary.ts';

/** Checks one layer's waveform: findings ordered by cycle, the first one reported with the signals around it. */
export async function checkLayerWaveform(input: WaveCheckInput): Promise<WaveCheckResult> {
  const checker = new LayerWaveChecker(input);
  await checker.run();
  const findings = orderFindings(checker.findings);
  const stats = checker.stats();
  const name = input.layer.name;
  const total = findings.length + checker.suppressed;
  const problems = problemLines(name, findings, total);
  const summary = summaryOf(name, input.file, stats, total);
  const transactions = checker.transactions();
  const base = { file: input.file, layer: name, stats, findings, total, problems, summary, ...(transactions === undefined ? {} : { transactions }) };
  const first = findings[0];
  if (first === undefined) return base;
  const { report, wavedrom } = await reportFirst(input, checker.probes, first, total);
  return { ...base, report, wavedrom };
}
