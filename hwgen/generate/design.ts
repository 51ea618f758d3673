/**
 * A whole design from one accelerator config: the modules `hwgen generate` writes.
 * Until the dispatcher and accelerator top exist, the design is its cores, which share one
 * QCFS fire-stage file.
 */
import type { Accelerator } from '../config/load-config.ts';
import { generateAnnCore } from './ann-core/generator.ts';
import type { ModuleDescription } from './module.ts';
import { generateSnnCore } from './snn-core/generator.ts';

export interface Design {
  readonly accelerator: Accelerator;
  /** The design's top-level modules (each with its submodules). */
  readonly modules: readonly ModuleDescription[];
}

export function generateDesign(accelerator: Accelerator): Design {
  const { ann, snn } = accelerator.config;
  const modules: ModuleDescription[] = [];
  if (ann.arrays > 0) modules.push(generateAnnCore(accelerator));
  if (snn.cores > 0) modules.push(generateSnnCore(accelerator));
  return { accelerator, modules };
}
