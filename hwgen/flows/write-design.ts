/**
 * `hwgen generate`: writes a design's Verilog, a filelist in compile order and `manifest.json`
 * (every module's description without its text), into a folder that appears whole or not at all.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Design } from '../generate/design.ts';
import { type GeneratedFile, type ModuleDescription, allFiles } from '../generate/module.ts';
import { HWGEN_VERSION } from '../version.ts';
import { writeDirAtomically } from '../util/atomic-dir.ts';
import { prettyJson } from '../util/json.ts';

interface ModuleSummary {
  readonly name: string;
  readonly description: string;
  readonly parameters: ModuleDescription['parameters'];
  readonly ports: ModuleDescription['ports'];
  readonly files: readonly string[];
  readonly submodules: readonly string[];
}

function summarize(module: ModuleDescription, into: Map<string, ModuleSummary>): void {
  for (const sub of module.submodules) summarize(sub, into);
  into.set(module.name, {
    name: module.name,
    description: module.description,
    parameters: module.parameters,
    ports: module.ports,
    files: module.files.map((file) => file.name),
    submodules: module.submodules.map((sub) => sub.name),
  });
}

export function designFiles(design: Design): GeneratedFile[] {
  const byName = new Map<string, GeneratedFile>();
  for (const module of design.modules) for (const file of allFiles(module)) byName.set(file.name, file);
  return [...byName.values()];
}

export function designManifest(design: Design): object {
  const modules = new Map<string, ModuleSummary>();
  for (const module of design.modules) summarize(module, modules);
  return {
    generator: `hwgen ${HWGEN_VERSION}`,
    design: design.accelerator.config.name,
    configHash: design.accelerator.hash,
    config: design.accelerator.config,
    accumulatorBits: design.accelerator.accumulatorBits,
    tops: design.modules.map((module) => module.name),
    files: designFiles(design).map((file) => file.name),
    modules: [...modules.values()],
  };
}

export async function writeDesign(design: Design, outDir: string): Promise<readonly GeneratedFile[]> {
  const files = designFiles(design);
  await writeDirAtomically(outDir, async (dir) => {
    for (const file of files) await writeFile(join(dir, file.name), file.text);
    await writeFile(join(dir, 'files.f'), `${files.map((file) => file.name).join('\n')}\n`);
    await writeFile(join(dir, 'manifest.json'), prettyJson(designManifest(design)));
  });
  return files;
}
