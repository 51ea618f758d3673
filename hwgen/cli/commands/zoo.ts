/** `hwgen zoo [NAME]`: the model zoo, its layer shapes and MAC counts, or a network's manifest. */
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { InputError } from '../../errors.ts';
import { ZOO, type ZooEntry, findZooEntry, layerShapes } from '../../zoo/index.ts';

interface ZooCommandOptions {
  manifest?: boolean;
}

function giga(macs: number): string {
  return `${(macs / 1e9).toFixed(3)} G`;
}

function listZoo(): string {
  const rows = ZOO.map((entry) => {
    const shapes = layerShapes(entry.build());
    const macs = shapes.reduce((total, layer) => total + layer.macs, 0);
    return `${entry.name.padEnd(10)} ${String(shapes.length).padStart(4)} layers ${giga(macs).padStart(10)} MAC  ${entry.title}`;
  });
  return `${rows.join('\n')}\n`;
}

function describeEntry(entry: ZooEntry): string {
  const shapes = layerShapes(entry.build());
  const header = `${entry.title}\nsource: ${entry.source}\n\n${'layer'.padEnd(28)} ${'kind'.padEnd(6)} ${'M'.padStart(6)} ${'K'.padStart(6)} ${'N'.padStart(6)} ${'MAC'.padStart(14)}`;
  const rows = shapes.map(
    ({ name, kind, shape, macs }) =>
      `${name.padEnd(28)} ${kind.padEnd(6)} ${String(shape.M).padStart(6)} ${String(shape.K).padStart(6)} ${String(shape.N).padStart(6)} ${String(macs).padStart(14)}`,
  );
  const total = shapes.reduce((sum, layer) => sum + layer.macs, 0);
  return `${header}\n${rows.join('\n')}\n${'total'.padEnd(58)} ${String(total).padStart(14)} (${giga(total)})\n`;
}

export function registerZoo(program: Command): void {
  program
    .command('zoo')
    .description('list the model zoo, or show one network\'s layers (any zoo name works as a WORKLOAD)')
    .argument('[NAME]', 'zoo network: vgg16, resnet34, googlenet, bert-base')
    .option('--manifest', 'print the network as a workload manifest (YAML) to edit and run')
    .action((name: string | undefined, options: ZooCommandOptions) => {
      if (name === undefined) {
        process.stdout.write(listZoo());
        return;
      }
      const entry = findZooEntry(name);
      if (entry === undefined) throw new InputError(`zoo:${name}`, '', `no such zoo workload (known: ${ZOO.map((e) => e.name).join(', ')})`);
      process.stdout.write(options.manifest === true ? stringify(entry.build()) : describeEntry(entry));
    });
}
