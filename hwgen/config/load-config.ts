/** Loads an accelerator config (YAML or JSON, or the built-in default) and derives its widths. */
import { createHash } from 'node:crypto';
import { InputError } from '../errors.ts';
import { parseOrThrow } from '../util/zod-issues.ts';
import { parseYamlText, readTextFile } from '../util/yaml-file.ts';
import { requiredAccumulatorBits } from './accumulator.ts';
import { type AcceleratorConfig, acceleratorSchema } from './schema.ts';
import { canonicalJson } from '../util/json.ts';

export const DEFAULT_CONFIG_NAME = '(built-in default design)';

/** A validated config with everything the generators derive from it. */
export interface Accelerator {
  readonly config: AcceleratorConfig;
  readonly source: string;
  readonly accumulatorBits: number;
  /** sha256 of the canonical config JSON: names the design in headers and caches. */
  readonly hash: string;
}


export function acceleratorFrom(data: unknown, source: string): Accelerator {
  const config = parseOrThrow(acceleratorSchema, data ?? {}, source);
  if (config.ann.arrays + config.snn.cores === 0) throw new InputError(source, 'ann.arrays', 'a design needs at least one ANN array or SNN core');
  const required = requiredAccumulatorBits(config.limits);
  const declared = config.widths.accumulator;
  if (declared !== 'auto' && declared < required) {
    const { maxK, maxInLevels, maxBiasAbs, maxTheta } = config.limits;
    throw new InputError(
      source,
      'widths.accumulator',
      `${declared} bits can overflow: maxK=${maxK}, maxInLevels=${maxInLevels}, maxBiasAbs=${maxBiasAbs}, maxTheta=${maxTheta} need ${required}`,
    );
  }
  const accumulatorBits = declared === 'auto' ? required : declared;
  const hash = createHash('sha256').update(canonicalJson(config)).digest('hex');
  return { config, source, accumulatorBits, hash };
}

export function defaultAccelerator(): Accelerator {
  return acceleratorFrom({}, DEFAULT_CONFIG_NAME);
}

export async function loadAccelerator(file: string | undefined): Promise<Accelerator> {
  if (file === undefined) return defaultAccelerator();
  return acceleratorFrom(parseYamlText(await readTextFile(file), file), file);
}
