/** Reads a workload manifest (YAML or JSON) from disk and checks it against the schema. */
import { dirname, join } from 'node:path';
import { parseYamlText, readTextFile } from '../util/yaml-file.ts';
import { parseOrThrow } from '../util/zod-issues.ts';
import { manifestSchema, type WorkloadManifest } from './manifest-schema.ts';

export interface LoadedManifest {
  readonly manifest: WorkloadManifest;
  /** The name errors use for it: the path as given, or `zoo:<name>`. */
  readonly file: string;
  /** Folder that relative tensor paths start from. */
  readonly baseDir: string;
}

export async function loadManifestFile(file: string): Promise<LoadedManifest> {
  const data = parseYamlText(await readTextFile(file), file);
  return { manifest: parseOrThrow(manifestSchema, data, file), file, baseDir: dirname(file) };
}

/** The files a workload reads: its manifest and the tensor files it names. An output folder must not hold them. */
export function workloadFiles(loaded: LoadedManifest): string[] {
  const named = loaded.manifest.layers.flatMap((layer) => [layer.input, layer.weights, layer.bias, layer.theta]);
  const paths = named.filter((source): source is string => typeof source === 'string');
  return [loaded.file, ...paths.map((path) => join(loaded.baseDir, path))];
}
