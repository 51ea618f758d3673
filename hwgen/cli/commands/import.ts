/** `hwgen import MODEL.onnx [--out DIR]`: a QCFS network in ONNX to an hwgen workload (hwgen/import/import-model.ts). */
import { basename, extname } from 'node:path';
import type { Command } from 'commander';
import { importOnnx } from '../../import/import-model.ts';

interface ImportOptions {
  out?: string;
  images?: string;
  output?: string;
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('import a QCFS network from ONNX: write DIR/workload.yaml, int8/int32 .npy tensors and import.json (a final layer without QCFS becomes an `output: accumulator` layer: int32 logits)')
    .argument('<MODEL>', 'ONNX model (.onnx)')
    .option('-o, --out <DIR>', 'output folder (replaced only when complete; default rtl-out/import/<model file name>)')
    .option('--output <NAME>', 'the graph output to import (a graph with several outputs; default: the first)')
    .option('--images <FILE>', 'uint8 calibration images [B,C,H,W] .npy: the workload input, and the float-vs-integer level comparison')
    .action(async (model: string, options: ImportOptions) => {
      const out = options.out ?? `rtl-out/import/${basename(model, extname(model))}`;
      const result = await importOnnx(model, { out, ...(options.images === undefined ? {} : { images: options.images }), ...(options.output === undefined ? {} : { output: options.output }) });
      for (const line of result.lines) process.stdout.write(`${line}\n`);
      process.stdout.write(`${model}: ${result.layers.length} QCFS layers${result.classifier === undefined ? '' : ' + logits layer ' + result.classifier.layer.name} -> ${out}\n`);
    });
}
