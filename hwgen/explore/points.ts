/**
 * The points of a space: the cartesian product of its value lists (the last parameter varying fastest), each
 * a validated accelerator. Points that make no valid design are skipped with a note; points that are the same
 * design as an earlier one (ANN sizes without arrays, SNN lanes without cores) are skipped silently but counted,
 * because their figures would be the earlier point's.
 */
import { type Accelerator, acceleratorFrom } from '../config/load-config.ts';
import type { AcceleratorConfig } from '../config/schema.ts';
import { InputError } from '../errors.ts';
import type { PointKind } from '../report/pareto-file.ts';
import type { Space, SweptParameter } from './space.ts';

export const LEVELS_PARAMETER = 'T';

export interface PointSpec {
  readonly id: string;
  /** The swept parameters' values, by the space file's names. */
  readonly params: Readonly<Record<string, number>>;
  readonly accelerator: Accelerator;
  /** Every layer's T at this point; undefined: the workload's own. */
  readonly T: number | undefined;
}

export interface Enumeration {
  readonly points: readonly PointSpec[];
  /** One line per skipped point, and one for the duplicates. */
  readonly notes: readonly string[];
}

type ConfigGroup = 'ann' | 'snn' | 'buffers';

/** Parameters whose values stand for a flag: 1 sets it, 0 clears it. */
const FLAG_PARAMETERS: ReadonlySet<string> = new Set(['snn.shiftAdd']);

function withParameter(config: AcceleratorConfig, name: string, value: number): void {
  const [group, field] = name.split('.') as [ConfigGroup, string | undefined];
  if (field === undefined) return;
  const target: Record<string, unknown> = config[group];
  target[field] = FLAG_PARAMETERS.has(name) ? value !== 0 : value;
}

/** Every combination of the parameters' values, in file order with the last parameter varying fastest. */
export function cartesian(parameters: readonly SweptParameter[]): Record<string, number>[] {
  let combinations: Record<string, number>[] = [{}];
  for (const { name, values } of parameters) combinations = combinations.flatMap((partial) => values.map((value) => ({ ...partial, [name]: value })));
  return combinations;
}

export function kindOf(config: AcceleratorConfig): PointKind {
  if (config.snn.cores === 0) return 'ann-only';
  return config.ann.arrays === 0 ? 'snn-only' : 'hybrid';
}

const BUFFER_TAGS: readonly [keyof AcceleratorConfig['buffers'], string][] = [['weightBytes', 'w'], ['activationBytes', 'act'], ['outputBytes', 'o'], ['scheduleEntries', 'e'], ['drainBytes', 'd'], ['banks', 'b']];

/**
 * `a2x8x8-s2x32sa-t4`: arrays × rows × cols, SNN cores × lanes (`sa`: shift-add), then the swept buffers and T. A kind
 * of core the design lacks is `a0`/`s0` whatever its sizes, so equal designs get equal names.
 */
export function pointId(config: AcceleratorConfig, T: number | undefined, swept: ReadonlySet<string>): string {
  const { ann, snn, buffers } = config;
  const parts = [ann.arrays === 0 ? 'a0' : `a${ann.arrays}x${ann.rows}x${ann.cols}`, snn.cores === 0 ? 's0' : `s${snn.cores}x${snn.lanes}${snn.shiftAdd ? 'sa' : ''}`];
  for (const [field, tag] of BUFFER_TAGS) if (swept.has(`buffers.${field}`)) parts.push(`${tag}${buffers[field]}`);
  if (T !== undefined) parts.push(`t${T}`);
  return parts.join('-');
}

export function enumeratePoints(space: Space): Enumeration {
  const swept = new Set(space.parameters.map((parameter) => parameter.name));
  const points: PointSpec[] = [];
  const notes: string[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  for (const params of cartesian(space.parameters)) {
    const config = structuredClone(space.base);
    for (const [name, value] of Object.entries(params)) withParameter(config, name, value);
    const T = params[LEVELS_PARAMETER];
    const id = pointId(config, T, swept);
    if (seen.has(id)) {
      duplicates++;
      continue;
    }
    seen.add(id);
    try {
      points.push({ id, params, accelerator: acceleratorFrom(config, `${space.file} point ${id}`), T });
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      notes.push(`${id}: skipped, not a valid design: ${error.field === '' ? '' : `${error.field}: `}${error.reason}`);
    }
  }
  if (duplicates > 0) notes.push(`${duplicates} combination(s) skipped: the same design as an earlier point (ANN sizes without arrays, SNN lanes without cores)`);
  return { points, notes };
}
