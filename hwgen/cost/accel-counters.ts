/**
 * The eight counters of a core of hwgen_accel_top as the exact layer model predicts them, summed over a layer's
 * tiles: what `hwgen sim` and the AXI co-simulation compare the RTL's counters with.
 */
import { CORE_KIND_FACTS, type CoreKind } from '../arch/core-kinds.ts';
import { type AccelCounter, CORE_KIND_ARCH } from '../modules/accel/arch.ts';
import { CORE_KIND_COSTS } from './core-kinds.ts';
import type { Design, LayerPrediction, TilePrediction } from './layer.ts';

/** Bytes of one activation-replica word: a dense word for an array, a bundled event for an SNN core. */
export function bytesPerWord(kind: CoreKind, design: Design): number {
  return CORE_KIND_ARCH[kind].replicaWordBytes(design.params);
}

/** Bytes one core's memories take in before a tile: its kind's weight and bias/θ words, when loaded. */
function weightLoadBytes(tile: TilePrediction, kind: CoreKind, design: Design, K: number): number {
  if (!tile.weightKinds.includes(kind)) return 0;
  const rows = { M: tile.tile.rowEnd - tile.tile.rowStart, K };
  return CORE_KIND_COSTS[kind].loadEvents(rows, design.params).sram_byte;
}

/** Core `core`'s counters over the layer (a layer of reduction depth K). */
export function predictedCounters(prediction: LayerPrediction, design: Design, K: number, core: number): Record<AccelCounter, number> {
  const sum: Record<AccelCounter, number> = { busy: 0, mac_or_add: 0, spike: 0, fire: 0, sram_byte: 0, feeder_words: 0, entries: 0, levels: 0 };
  for (const tile of prediction.tiles) {
    const run = tile.dispatch.cores[core];
    if (run === undefined) continue;
    sum.busy += run.busy;
    sum.mac_or_add += run.events[CORE_KIND_FACTS[run.kind].computeEvent];
    sum.spike += run.events.spike;
    sum.fire += run.events.fire;
    sum.sram_byte += run.events.sram_byte + weightLoadBytes(tile, run.kind, design, K);
    sum.feeder_words += run.actBytes / bytesPerWord(run.kind, design);
    sum.entries += run.columns;
    sum.levels += run.outBytes; // output bytes the gatherer wrote: M_tile per column, 4·M_tile for logits
  }
  return sum;
}
