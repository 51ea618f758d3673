/** `hwgen generate [CONFIG] [--out DIR]`: the design's Verilog, a filelist and manifest.json. */
import type { Command } from 'commander';
import { loadAccelerator } from '../../config/load-config.ts';
import { generateDesign } from '../../modules/accel/design.ts';
import { writeDesign } from '../../flows/write-design.ts';

export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description('generate the Verilog of a design (no CONFIG: the built-in default design)')
    .argument('[CONFIG]', 'accelerator config (YAML/JSON)')
    .option('-o, --out <DIR>', 'output folder (replaced only when complete; default rtl-out/generate/<design name>)')
    .action(async (configFile: string | undefined, options: { out?: string }) => {
      const accelerator = await loadAccelerator(configFile);
      const design = generateDesign(accelerator);
      const out = options.out ?? `rtl-out/generate/${accelerator.config.name}`;
      const files = await writeDesign(design, out, configFile === undefined ? [] : [configFile]);
      const tops = design.modules.map((module) => module.name).join(', ');
      process.stdout.write(`${accelerator.config.name} (config sha256 ${accelerator.hash.slice(0, 12)}): ${files.length} files, tops ${tops} -> ${out}\n`);
    });
}
