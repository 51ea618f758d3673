/** A zoo layer lowered to its GEMM, for benchmarks. */
import { parseOrThrow } from '../util/zod-issues.ts';
import type { GemmLayer } from '../workload/gemm-layer.ts';
import { lowerToGemm } from '../workload/lower.ts';
import { manifestSchema } from '../workload/manifest-schema.ts';
import { resolveWorkload } from '../workload/resolve.ts';
import { findZooEntry } from '../zoo/index.ts';

export async function zooLayer(network: string, layerName: string): Promise<GemmLayer> {
  const entry = findZooEntry(network);
  if (entry === undefined) throw new Error(`no zoo network ${network}`);
  const built = entry.build();
  const manifest = parseOrThrow(manifestSchema, { ...built, layers: built.layers.filter((l) => l.name === layerName) }, `zoo:${network}`);
  const [layer] = (await resolveWorkload({ manifest, file: `zoo:${network}`, baseDir: '.' })).layers;
  if (layer === undefined) throw new Error(`no layer ${layerName} in ${network}`);
  return lowerToGemm(layer, layer.input?.().data ?? new Uint8Array());
}
