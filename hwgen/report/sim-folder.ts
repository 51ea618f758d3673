/**
 * Reads what the report needs from a `hwgen sim` output folder (flows/write-sim.ts): `result.json`, every
 * layer's `<layer>.y.npy` (the RTL outputs the next layers took) and, when a traced run's waveform check failed,
 * the first layer's mismatch window `waves/<layer>.mismatch.wavedrom.json` with its text report beside it.
 */
import type { OutputValues } from '../arch/output-stream.ts';
import type { NetworkSummary } from './report-data.ts';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Accelerator } from '../config/load-config.ts';
import type { EventCounts } from '../arch/events.ts';
import { InputError } from '../errors.ts';
import type { ParetoFile } from './pareto-file.ts';
import { mismatchFiles } from '../flows/wave-check.ts';
import type { SimResultJson } from '../flows/write-sim.ts';
import { readNpy } from '../tensor/npy.ts';
import type { ResolvedWorkload } from '../workload/resolve.ts';
import type { WaveDromDiagram } from '../../sim/waveform/diagnostics.ts';
import { reportFromSim } from './build-report.ts';
import type { MismatchSection, ReportData, ResourceSection } from './report-data.ts';

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    const why = error instanceof SyntaxError ? 'not valid JSON' : 'cannot be read';
    throw new InputError(file, '', why);
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** result.json, with the fields the report reads checked. */
export async function readSimResult(dir: string): Promise<SimResultJson> {
  const file = join(dir, 'result.json');
  if (!existsSync(file)) throw new InputError(file, '', 'file not found (a `hwgen sim` output folder was expected)');
  const json = await readJson(file);
  const fields = ['workload', 'configHash', 'policy', 'simulator', 'generator'] as const;
  const bad = !isRecord(json) ? '' : fields.find((field) => typeof json[field] !== 'string') ?? (typeof json.seed !== 'number' ? 'seed' : !Array.isArray(json.layers) ? 'layers' : undefined);
  if (bad !== undefined) throw new InputError(file, bad, 'not a `hwgen sim` result.json (workload, configHash, policy, simulator, generator, seed and layers expected)');
  return json as unknown as SimResultJson;
}

/** Each layer's RTL output, where the folder has it. */
async function readOutputs(dir: string, result: SimResultJson): Promise<Map<string, OutputValues>> {
  const outputs = new Map<string, OutputValues>();
  for (const layer of result.layers) {
    const file = join(dir, `${layer.name}.y.npy`);
    if (!existsSync(file)) continue;
    const tensor = await readNpy(file);
    if (tensor.dtype === 'i1') throw new InputError(file, 'descr', `dtype ${tensor.dtype}, expected u1 or i4 (an RTL output of \`hwgen sim\`)`);
    outputs.set(layer.name, tensor.data as OutputValues);
  }
  return outputs;
}

function isWaveDrom(value: unknown): value is WaveDromDiagram {
  return isRecord(value) && Array.isArray(value.signal) && isRecord(value.head) && typeof value.head.text === 'string';
}

/** The check's text report without the WaveDrom JSON at its end (the page draws it). */
export function withoutWaveDrom(text: string): string {
  const lines = text.split('\n');
  const at = lines.findIndex((line) => line.startsWith('WaveDrom of the same cycles'));
  if (at < 0) return text;
  // The heading line and the JSON line after it.
  lines.splice(at, 2);
  return lines.join('\n');
}

/** The first layer (in run order) whose waveform check left a mismatch window. */
export async function readFirstMismatch(dir: string, result: SimResultJson): Promise<MismatchSection | undefined> {
  for (const layer of result.layers) {
    const files = mismatchFiles(layer.name);
    const json = join(dir, 'waves', files.wavedrom);
    if (!existsSync(json)) continue;
    const wavedrom = await readJson(json);
    if (!isWaveDrom(wavedrom)) throw new InputError(json, '', 'not a WaveDrom diagram (signal and head.text expected)');
    const textFile = join(dir, 'waves', files.text);
    const text = existsSync(textFile) ? withoutWaveDrom(await readFile(textFile, 'utf8')) : undefined;
    return { layer: layer.name, wavedrom, ...(text === undefined ? {} : { text }) };
  }
  return undefined;
}

export interface SimFolderOptions {
  readonly energyTable?: Readonly<EventCounts>;
  readonly resources?: ResourceSection;
  readonly pareto?: ParetoFile;
  readonly title?: string;
  readonly network?: NetworkSummary;
  readonly inferences?: number;
  readonly tools?: Readonly<Record<string, string>>;
}

/** The report of the run in `dir` (a `hwgen sim` output folder) of `workload` on `accelerator`. */
export async function reportFromSimFolder(dir: string, accelerator: Accelerator, workload: ResolvedWorkload, options: SimFolderOptions = {}): Promise<ReportData> {
  const result = await readSimResult(dir);
  const mismatch = await readFirstMismatch(dir, result);
  return reportFromSim({ result, accelerator, workload, outputs: await readOutputs(dir, result), ...options, ...(mismatch === undefined ? {} : { mismatch }) });
}
