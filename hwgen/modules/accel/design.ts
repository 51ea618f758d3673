/**
 * A whole design from one accelerator config: the modules `hwgen generate` writes. The top is
 * hwgen_accel_top (ANN arrays, SNN cores, their column feeders and output banks); its submodules bring
 * every other file, each once.
 */
import type { Accelerator } from '../../config/load-config.ts';
import { generateAccelTop } from './generator.ts';
import type { ModuleDescription } from '../../arch/module.ts';

export interface Design {
  readonly accelerator: Accelerator;
  /** The design's top-level modules (each with its submodules). */
  readonly modules: readonly ModuleDescription[];
}

export function generateDesign(accelerator: Accelerator): Design {
  return { accelerator, modules: [generateAccelTop(accelerator)] };
}
