/** One layer of a zoo network, resolved and lowered to the GEMM the golden model and the cores compute. */
import { parseOrThrow } from '../util/zod-issues.ts';
import type { GemmLayer } from '../workload/gemm-layer.ts';
import { lowerToGemm } from '../workload/lower.ts';
import { manifestSchema } from '../workload/manifest-schema.ts';
import { resolveWorkload } from '../workload/resolve.ts';
import { findZooEntry } from './index.ts';

/** `seed` is the zoo's root seed: another seed gives the same layer other synthetic tensors. */
export async function zooGemmLayer(network: string, layerName: string, seed = 0): Promise<GemmLayer> {
  const entry = findZooEntry(network);
  if (entry === undefined) throw new Error(`no zoo network ${network}`);
  const built = entry.build({ seed });
  const manifest = parseOrThrow(manifestSchema, { ...built, layers: built.layers.filter((l) => l.name === layerName) }, `zoo:${network}`);
  const [layer] = (await resolveWorkload({ manifest, file: `zoo:${network}`, baseDir: '.' })).layers;
  if (layer === undefined) throw new Error(`no layer ${layerName} in ${network}`);
  return lowerToGemm(layer, layer.input?.().data ?? new Uint8Array());
}
