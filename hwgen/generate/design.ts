/**
 * A whole design from one accelerator config: the modules `hwgen generate` writes.
 * Until the dispatcher and accelerator top exist, the design is its cores.
 */
import type { Accelerator } from '../config/load-config.ts';
import type { ModuleDescription } from './module.ts';
import { generateFire } from './fire/generator.ts';

export interface Design {
  readonly accelerator: Accelerator;
  /** The design's top-level modules (each with its submodules). */
  readonly modules: readonly ModuleDescription[];
}

export function generateDesign(accelerator: Accelerator): Design {
  const { ann, snn } = accelerator.config;
  const configHash = accelerator.hash;
  const accW = accelerator.accumulatorBits;
  const modules = [generateFire({ lanes: Math.max(ann.rows, snn.lanes), accW, configHash })];
  return { accelerator, modules };
}
