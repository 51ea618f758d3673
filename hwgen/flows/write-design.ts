/**
 * `hwgen generate`: writes a design's Verilog, a filelist in compile order and `manifest.json`
 * (every module's description without its text), into a folder that appears whole or not at all.
 * Alongside: the optional AXI wrapper (`hwgen_axi_top.v`, last in the filelist), a FuseSoC CAPI2 core
 * (`<name>.core`) and Tcl scripts that read the filelist into Vivado and Quartus, so the folder builds in
 * FuseSoC/Edalize, Vivado or Quartus as it is (README.md, "FPGA").
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AXI_TOP_MODULE, REGISTERS, generateAxiTop } from '../modules/axi/generator.ts';
import type { Design } from '../modules/accel/design.ts';
import { type GeneratedFile, type ModuleDescription, allFiles } from '../arch/module.ts';
import { HWGEN_VERSION } from '../version.ts';
import { writeDirAtomically } from '../util/atomic-dir.ts';
import { constraintFiles, fusesocCore, quartusTcl, vivadoTcl } from './project-files.ts';
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

/** The design's modules and the optional AXI wrapper around its first top. */
function modulesWithAxi(design: Design): ModuleDescription[] {
  return [...design.modules, generateAxiTop(design.accelerator)];
}

/** Every Verilog file in compile order: the design's, then the AXI wrapper. */
export function designFiles(design: Design): GeneratedFile[] {
  const byName = new Map<string, GeneratedFile>();
  for (const module of modulesWithAxi(design)) for (const file of allFiles(module)) byName.set(file.name, file);
  return [...byName.values()];
}

export function designManifest(design: Design): object {
  const modules = new Map<string, ModuleSummary>();
  for (const module of modulesWithAxi(design)) summarize(module, modules);
  return {
    generator: `hwgen ${HWGEN_VERSION}`,
    design: design.accelerator.config.name,
    configHash: design.accelerator.hash,
    config: design.accelerator.config,
    accumulatorBits: design.accelerator.accumulatorBits,
    tops: design.modules.map((module) => module.name),
    /** Tops a user may pick instead, each with its submodules among `modules`. */
    optionalTops: [AXI_TOP_MODULE],
    axiRegisters: REGISTERS,
    files: designFiles(design).map((file) => file.name),
    fusesocCore: `${design.accelerator.config.name}.core`,
    modules: [...modules.values()],
  };
}

/** `inputs`: the files the command read (the config), which `outDir` must not hold. */
export async function writeDesign(design: Design, outDir: string, inputs: readonly string[] = []): Promise<readonly GeneratedFile[]> {
  const files = designFiles(design);
  await writeDirAtomically(outDir, { command: 'generate', inputs }, async (dir) => {
    for (const file of files) await writeFile(join(dir, file.name), file.text);
    await writeFile(join(dir, 'files.f'), `${files.map((file) => file.name).join('\n')}\n`);
    await writeFile(join(dir, 'manifest.json'), prettyJson(designManifest(design)));
    await writeFile(join(dir, `${design.accelerator.config.name}.core`), fusesocCore(design, files));
    await writeFile(join(dir, 'vivado.tcl'), vivadoTcl(design));
    await writeFile(join(dir, 'quartus.tcl'), quartusTcl(design));
    for (const file of constraintFiles(design)) await writeFile(join(dir, file.name), file.text);
  });
  return files;
}
