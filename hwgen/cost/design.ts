/**
 * A design as the layer cost model sees it: both kinds of core, how many of each, the clock, and the
 * dispatcher's buffer sizes that tiling and the load model need (hwgen/generate/dispatcher/spec.md). The
 * sizes are read from the same functions the generator uses (feederParams, gatherParams), so the model
 * tiles exactly as the host driver must for the generated top.
 */
import type { Accelerator } from '../config/load-config.ts';
import { feederParams, feederWidths } from '../generate/dispatcher/feeder.ts';
import { gatherParams } from '../generate/dispatcher/gather.ts';
import type { Machines } from '../schedule/types.ts';
import { annCoreParams } from './ann-core.ts';
import type { CoreParams } from './column-costs.ts';
import { snnCoreParams } from './snn-core.ts';

/** The dispatcher's memories, per core: what one column tile may hold. */
export interface DesignBuffers {
  /** ACT_DEPTH: words of ann.cols levels in each ANN array's dense replica. */
  readonly actDepth: number;
  /** EV_DEPTH: events {k, x} in each SNN core's event replica. */
  readonly evDepth: number;
  /** SCHED_DEPTH: entries of each core's schedule memory. */
  readonly schedDepth: number;
  /** OUT_DEPTH: output levels of each core's output bank. */
  readonly outDepth: number;
  /** SCHED_ENTRY_BYTES = ceil(SE_W / 8): bytes of one schedule write or read (sram_byte events). */
  readonly schedEntryBytes: number;
}

/** The cores of a design: both kinds' parameters, how many of each, the clock and the dispatcher buffers. */
export interface Design {
  readonly params: CoreParams;
  readonly machines: Machines;
  readonly clockMHz: number;
  readonly buffers: DesignBuffers;
}

/** The top's buffer sizes; SE_W is the wider of the two kinds' {count, base} entries (templates/accel_top.v.hbs). */
export function designBuffersOf(accelerator: Accelerator): DesignBuffers {
  const ann = feederParams(accelerator, 'ann');
  const snn = feederParams(accelerator, 'snn');
  const entryBits = Math.max(...[ann, snn].map((params) => {
    const widths = feederWidths(params);
    return widths.countBits + widths.addressBits;
  }));
  return {
    actDepth: ann.depth,
    evDepth: snn.depth,
    schedDepth: ann.schedDepth,
    outDepth: gatherParams(accelerator).depth,
    schedEntryBytes: Math.ceil(entryBits / 8),
  };
}

export function designOf(accelerator: Accelerator): Design {
  const { ann, snn, clockMHz } = accelerator.config;
  return {
    params: { ann: annCoreParams(accelerator), snn: snnCoreParams(accelerator) },
    machines: { annArrays: ann.arrays, snnCores: snn.cores },
    clockMHz,
    buffers: designBuffersOf(accelerator),
  };
}
