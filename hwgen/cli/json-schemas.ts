/**
 * JSON Schemas of the two input formats, generated from the zod schemas so they cannot drift.
 * The committed copies (config/accelerator.schema.json, workload/workload.schema.json) are
 * checked against these by a test.
 */
import { z } from 'zod';
import { acceleratorSchema } from '../config/schema.ts';
import { manifestSchema } from '../workload/manifest-schema.ts';

export const JSON_SCHEMAS = {
  config: { schema: acceleratorSchema, file: 'hwgen/config/accelerator.schema.json', title: 'hwgen accelerator configuration' },
  workload: { schema: manifestSchema, file: 'hwgen/workload/workload.schema.json', title: 'hwgen workload manifest' },
} as const;

export type SchemaName = keyof typeof JSON_SCHEMAS;

export function jsonSchemaText(name: SchemaName): string {
  const { schema, title } = JSON_SCHEMAS[name];
  // `io: 'input'` describes what users write: fields with defaults are optional.
  const json = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' });
  return `${JSON.stringify({ ...json, title }, null, 2)}\n`;
}
