import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { JSON_SCHEMAS, type SchemaName, jsonSchemaText } from './json-schemas.ts';
import { runCli } from './cli-harness.ts';

describe('cli: JSON Schemas for editors', () => {
  it.each(Object.keys(JSON_SCHEMAS) as SchemaName[])('the committed %s schema is current (regenerate with hwgen schema)', async (name) => {
    expect(await readFile(JSON_SCHEMAS[name].file, 'utf8')).toBe(jsonSchemaText(name));
  });

  it('hwgen schema config prints it, with defaults for the default design', async () => {
    const run = await runCli('schema', 'config');
    expect(run.code).toBe(0);
    const schema = JSON.parse(run.stdout);
    expect(schema.title).toBe('hwgen accelerator configuration');
    expect(schema.properties.ann.properties.arrays).toMatchObject({ type: 'integer', minimum: 0, maximum: 16, default: 1 });
    expect(schema.additionalProperties).toBe(false);
  });

  it('refuses an unknown kind', async () => {
    const run = await runCli('schema', 'wave');
    expect(run).toEqual({ code: 2, stdout: '', stderr: "hwgen: command-argument value 'wave' is invalid for argument 'KIND'. Allowed choices are config, workload.\n" });
  });
});
