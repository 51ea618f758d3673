/**
 * Sweeping `T`. T is a workload property (docs/numerics.md: time steps = output levels of a layer), so a
 * point's T is applied by rewriting the workload: every layer gets that T, and its θ is scaled by T_old / T so
 * that the outputs keep their spread over `0..T` (the QCFS step `z·T/λ = (acc + b)/θ`: the same λ at another T).
 * A layer's own synthetic input that is not direct-coded (inLevels < 255) stands for an earlier layer's output
 * and takes inLevels = T too; direct-coded inputs and inputs from files keep theirs. θ from a file is refused:
 * it cannot be rescaled without rewriting the file.
 */
import { InputError } from '../errors.ts';
import { runGolden } from '../flows/golden.ts';
import { type Progress, silentProgress } from '../util/progress.ts';
import type { GemmLayer } from '../workload/gemm-layer.ts';
import type { LoadedManifest } from '../workload/load-manifest.ts';
import { type LayerSpec, MAX_THETA } from '../workload/manifest-schema.ts';
import { type ResolvedWorkload, resolveWorkload } from '../workload/resolve.ts';

const DIRECT_CODED = 255;

function scaledTheta(layer: LayerSpec, index: number, T: number, file: string): number {
  if (typeof layer.theta !== 'number' || layer.T === undefined) throw new InputError(file, `layers[${index}].theta`, 'sweeping T rescales θ: give θ as one integer, not a file');
  return Math.min(MAX_THETA, Math.max(1, Math.round((layer.theta * layer.T) / T)));
}

function relevelled(layer: LayerSpec, index: number, T: number, file: string): LayerSpec {
  if (layer.output === 'accumulator') return layer; // logits have no T to sweep
  const theta = scaledTheta(layer, index, T, file);
  const hidden = layer.input === undefined || (typeof layer.input !== 'string' && (layer.inLevels ?? DIRECT_CODED) < DIRECT_CODED);
  const inLevels = layer.inLevels !== undefined && hidden ? T : layer.inLevels;
  return { ...layer, T, theta, inLevels };
}

/** The workload with every layer at `T` (undefined: as it is). */
export function withLevels(loaded: LoadedManifest, T: number | undefined): LoadedManifest {
  if (T === undefined) return loaded;
  const layers = loaded.manifest.layers.map((layer, index) => relevelled(layer, index, T, loaded.file));
  return { ...loaded, manifest: { ...loaded.manifest, layers } };
}

/** A layer as the cost model takes it: its GEMM and golden outputs, computed once for every point. */
export interface CostLayer {
  readonly gemm: GemmLayer;
  readonly outputs: Uint8Array;
}

export interface WorkloadVariant {
  readonly T: number | undefined;
  readonly workload: ResolvedWorkload;
  readonly layers: readonly CostLayer[];
}

/** Resolves the workload at `T` and runs the golden model on it (outputs chain from layer to layer). */
export async function workloadVariant(loaded: LoadedManifest, T: number | undefined, progress: Progress = silentProgress): Promise<WorkloadVariant> {
  const workload = await resolveWorkload(withLevels(loaded, T));
  const layers = [...runGolden(workload, 'ann', progress)].map((result) => ({ gemm: result.gemm, outputs: result.levels }));
  return { T, workload, layers };
}
