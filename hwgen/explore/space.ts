/**
 * The design space `hwgen explore` sweeps: a base accelerator config, lists of values for some of its
 * parameters (and for the workload's `T`), constraints on area, and the area budgets of the iso-area
 * comparison. A YAML or JSON file; every value list is checked against the config schema's own range, so a
 * bad value is refused up front (exit 2, `file: field: reason`), while combinations that make no design
 * (no core at all, a layer the design cannot hold) are skipped per point with a note.
 */
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { loadAccelerator } from '../config/load-config.ts';
import { type AcceleratorConfig, acceleratorSchema, annSchema, buffersSchema, snnSchema } from '../config/schema.ts';
import { InputError } from '../errors.ts';
import { parseOrThrow } from '../util/zod-issues.ts';
import { parseYamlText, readTextFile } from '../util/yaml-file.ts';

/** More points than this is a typo, not a sweep: the cost model alone would take hours. */
export const MAX_POINTS = 10_000;

/** A list of distinct values, each in the range of the config field it sweeps. */
function valuesOf(field: z.ZodType<number>) {
  return z
    .array(field)
    .refine((values) => values.length > 0, 'lists no value')
    .refine((values) => new Set(values).size === values.length, 'lists a value twice')
    .optional();
}

const levelsSchema = z.number().int().min(1).max(255);

export const sweepSchema = z
  .strictObject({
    ann: z.strictObject({ arrays: valuesOf(annSchema.shape.arrays.unwrap()), rows: valuesOf(annSchema.shape.rows.unwrap()), cols: valuesOf(annSchema.shape.cols.unwrap()) }).optional(),
    snn: z
      .strictObject({
        cores: valuesOf(snnSchema.shape.cores.unwrap()),
        lanes: valuesOf(snnSchema.shape.lanes.unwrap()),
        shiftAdd: z
          .array(z.boolean())
          .refine((values) => values.length > 0, 'lists no value')
          .refine((values) => new Set(values).size === values.length, 'lists a value twice')
          .optional()
          .describe('false, true: one add per spike, or one add of w·2^b per set bit of a level (a point id ends in "sa")'),
      })
      .optional(),
    buffers: z
      .strictObject({
        weightBytes: valuesOf(buffersSchema.shape.weightBytes.unwrap()),
        activationBytes: valuesOf(buffersSchema.shape.activationBytes.unwrap()),
        outputBytes: valuesOf(buffersSchema.shape.outputBytes.unwrap()),
        scheduleEntries: valuesOf(buffersSchema.shape.scheduleEntries.unwrap()),
        drainBytes: valuesOf(buffersSchema.shape.drainBytes.unwrap()),
        banks: valuesOf(buffersSchema.shape.banks.unwrap()),
      })
      .optional(),
    T: valuesOf(levelsSchema).describe("Every layer's T (time steps = output levels); θ is rescaled to keep the outputs' spread (README \"Exploration\")."),
  })
  .default({});

export const spaceSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'must be letters, digits, "_", "." or "-" (it names the output folder)'),
  description: z.string().optional(),
  base: z.union([z.string().min(1), acceleratorSchema]).default(acceleratorSchema.parse({})).describe('The config every point starts from: inline, or a config file (relative to the space file).'),
  sweep: sweepSchema,
  constraints: z
    .strictObject({
      maxCells: z.number().int().min(1).optional().describe('Points with more yosys generic cells are left out.'),
      maxMemoryBits: z.number().int().min(1).optional().describe('Points with more memory bits are left out.'),
    })
    .default({}),
  isoArea: z.strictObject({ budgets: z.array(z.number().int().min(1)).min(1).describe('Area budgets in yosys generic cells.') }).optional(),
});

type SweepInput = z.output<typeof sweepSchema>;

/** One swept parameter: its name as the space file spells it (`ann.rows`, `T`) and its values in file order. */
export interface SweptParameter {
  readonly name: string;
  readonly values: readonly number[];
}

export interface Space {
  readonly name: string;
  readonly file: string;
  readonly base: AcceleratorConfig;
  readonly parameters: readonly SweptParameter[];
  readonly constraints: { readonly maxCells?: number | undefined; readonly maxMemoryBits?: number | undefined };
  readonly budgets: readonly number[];
}

/** A swept flag as the numbers every parameter's values are: 1 for true, 0 for false. */
function flagValues(values: readonly boolean[] | undefined): number[] | undefined {
  return values?.map((value) => (value ? 1 : 0));
}

/** The swept parameters in a fixed order (config order, then T), whatever the file's key order. */
function parametersOf(sweep: SweepInput): SweptParameter[] {
  const snn = sweep.snn === undefined ? undefined : { ...sweep.snn, shiftAdd: flagValues(sweep.snn.shiftAdd) };
  const groups: [string, Readonly<Record<string, readonly number[] | undefined>> | undefined][] = [['ann', sweep.ann], ['snn', snn], ['buffers', sweep.buffers]];
  const parameters: SweptParameter[] = [];
  for (const [group, fields] of groups) {
    for (const [field, values] of Object.entries(fields ?? {})) if (values !== undefined) parameters.push({ name: `${group}.${field}`, values });
  }
  if (sweep.T !== undefined) parameters.push({ name: 'T', values: sweep.T });
  return parameters;
}

function pointCount(parameters: readonly SweptParameter[]): number {
  return parameters.reduce((product, parameter) => product * parameter.values.length, 1);
}

async function baseConfig(base: string | AcceleratorConfig, file: string): Promise<AcceleratorConfig> {
  if (typeof base !== 'string') return base;
  return (await loadAccelerator(join(dirname(file), base))).config;
}

/** Validates parsed space data (from `file`, named in messages). */
export async function spaceFrom(data: unknown, file: string): Promise<Space> {
  const parsed = parseOrThrow(spaceSchema, data ?? {}, file);
  const parameters = parametersOf(parsed.sweep);
  const count = pointCount(parameters);
  if (count > MAX_POINTS) throw new InputError(file, 'sweep', `${count} points, more than the ${MAX_POINTS} an exploration takes`);
  const levels = parameters.find((parameter) => parameter.name === 'T');
  // Designs run at different T compute different outputs: comparing them at equal area would mix accuracies.
  if (parsed.isoArea !== undefined && levels !== undefined && levels.values.length > 1) throw new InputError(file, 'isoArea', 'compares designs on one workload: sweep at most one T value with it');
  return { name: parsed.name, file, base: await baseConfig(parsed.base, file), parameters, constraints: parsed.constraints, budgets: parsed.isoArea?.budgets ?? [] };
}

export async function loadSpace(file: string): Promise<Space> {
  return spaceFrom(parseYamlText(await readTextFile(file), file), file);
}
