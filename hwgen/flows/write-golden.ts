/** Writes the golden model's outputs as the contract names them: `<layer>.y.npy` and `stats.json`. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LayerTotals } from '../golden/stats.ts';
import { encodeNpy } from '../tensor/npy.ts';
import { writeDirAtomically } from '../util/atomic-dir.ts';
import { prettyJson } from '../util/json.ts';
import type { GemmLayer } from '../workload/gemm-layer.ts';
import type { ResolvedWorkload } from '../workload/resolve.ts';
import { type GoldenLayerResult, type GoldenPath, runGolden } from './golden.ts';
import type { Progress } from '../util/progress.ts';

export interface GoldenStats {
  readonly workload: string;
  readonly path: GoldenPath;
  readonly layers: readonly ReturnType<typeof layerStats>[];
  readonly totals: Omit<LayerTotals, 'columns'> & { readonly columns: number };
}

function layerStats(result: GoldenLayerResult) {
  const { layer, gemm, columns, totals } = result;
  return {
    name: layer.spec.name,
    kind: layer.spec.kind,
    M: gemm.M,
    K: gemm.K,
    N: gemm.N,
    T: gemm.T,
    output: layer.output,
    inLevels: gemm.inLevels,
    outputShape: layer.outputShape,
    totals,
    columns: {
      spikes: Array.from(columns.spikes),
      nonZeroLevels: Array.from(columns.nonZeroLevels),
      fires: Array.from(columns.fires),
      additions: Array.from(columns.spikes, (s) => s * gemm.M),
      macsPerColumn: gemm.M * gemm.K,
    },
  };
}

function sumTotals(layers: readonly { totals: LayerTotals }[]): GoldenStats['totals'] {
  const keys = ['columns', 'macs', 'additions', 'spikes', 'nonZeroLevels', 'fires'] as const;
  const totals = { columns: 0, macs: 0, additions: 0, spikes: 0, nonZeroLevels: 0, fires: 0 };
  for (const { totals: layer } of layers) for (const key of keys) totals[key] += layer[key];
  return totals;
}

export interface GoldenRun {
  readonly stats: GoldenStats;
  /** Each layer as the GEMM it was lowered to (inputs chained as the manifest says). */
  readonly gemms: readonly GemmLayer[];
}

/** Runs the golden model and writes its outputs into `outDir`, replacing it only when complete; `inputs` are the files the command read. */
export async function writeGolden(workload: ResolvedWorkload, outDir: string, path: GoldenPath, progress: Progress, inputs: readonly string[] = []): Promise<GoldenRun> {
  return writeDirAtomically(outDir, { command: 'golden', inputs }, async (dir) => {
    const layers: ReturnType<typeof layerStats>[] = [];
    const gemms: GemmLayer[] = [];
    for (const result of runGolden(workload, path, progress)) {
      await writeFile(join(dir, `${result.layer.spec.name}.y.npy`), encodeNpy(result.output));
      layers.push(layerStats(result));
      gemms.push(result.gemm);
    }
    const stats: GoldenStats = { workload: workload.name, path, layers, totals: sumTotals(layers) };
    await writeFile(join(dir, 'stats.json'), prettyJson(stats));
    return { stats, gemms };
  });
}
