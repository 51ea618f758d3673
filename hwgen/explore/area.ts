/**
 * A point's area: yosys generic cells of the accelerator top (`hwgen synth --target generic`, hwgen/fpga/synth.ts).
 * Synthesis is by far the slowest step (seconds for a tiny design, one to two minutes for the default one), so
 * it runs once per distinct design (points that differ only in T share it), at most `limit` at a time, and
 * through the FPGA flow's content-hash cache (`.cache/fpga`, `HWGEN_FPGA_CACHE`): a second exploration of the
 * same designs costs a hash and a lookup per design.
 */
import { join } from 'node:path';
import { allFiles } from '../arch/module.ts';
import type { Accelerator } from '../config/load-config.ts';
import { synthesize } from '../fpga/synth.ts';
import { generateAccelTop } from '../modules/accel/generator.ts';
import type { PointArea } from '../report/pareto-file.ts';
import { concurrencyLimit } from '../util/concurrency-limit.ts';
import { withScratchDir } from '../util/scratch-dir.ts';

export interface MeasuredArea extends PointArea {
  /** Read from the synthesis cache rather than made now. */
  readonly cached: boolean;
}

/** The sum of every cell type, memories included: what `hwgen synth --target generic` prints as cells. */
export function totalCells(cells: Readonly<Record<string, number>>): number {
  return Object.values(cells).reduce((sum, count) => sum + count, 0);
}

export async function synthesizedArea(accelerator: Accelerator): Promise<MeasuredArea> {
  // synthesize writes a report folder; explore keeps only the figures, so the folder is scratch.
  return withScratchDir('hwgen-explore-synth-', async (scratch) => {
    const result = await synthesize(accelerator, generateAccelTop(accelerator), { target: 'generic', out: join(scratch, 'synth'), inputs: [] });
    return { cells: totalCells(result.cells), memoryBits: result.memoryBits, cached: result.cached };
  });
}

/**
 * What a design's synthesis is made from: the top's name and every Verilog file's name and text, as the synthesis
 * cache keys them. Job queues (hwgen/queue) key an area job by it, so two configs that generate the same Verilog
 * share one synthesis there too.
 */
export function synthesisSources(accelerator: Accelerator): { readonly top: string; readonly files: readonly (readonly [string, string])[] } {
  const top = generateAccelTop(accelerator);
  return { top: top.name, files: allFiles(top).map((file) => [file.name, file.text] as const) };
}

/** Areas by design (accelerator hash), each synthesised once, `limit` syntheses at a time. */
export function areaCache(limit: number, measure: (accelerator: Accelerator) => Promise<MeasuredArea> = synthesizedArea): (accelerator: Accelerator) => Promise<MeasuredArea> {
  const run = concurrencyLimit(limit);
  const byDesign = new Map<string, Promise<MeasuredArea>>();
  return (accelerator) => {
    let area = byDesign.get(accelerator.hash);
    if (area === undefined) {
      area = run(() => measure(accelerator));
      byDesign.set(accelerator.hash, area);
    }
    return area;
  };
}
