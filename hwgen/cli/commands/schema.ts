/** `hwgen schema config|workload`: JSON Schemas for editors (e.g. yaml-language-server's `$schema`). */
import { Argument, type Command } from 'commander';
import { JSON_SCHEMAS, type SchemaName, jsonSchemaText } from '../json-schemas.ts';

export function registerSchema(program: Command): void {
  program
    .command('schema')
    .description('print the JSON Schema of accelerator configs or workload manifests')
    .addArgument(new Argument('<KIND>', 'config or workload').choices(Object.keys(JSON_SCHEMAS)))
    .action((kind: SchemaName) => {
      process.stdout.write(jsonSchemaText(kind));
    });
}
