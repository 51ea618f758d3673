/**
 * The accelerator top's load buses, in the order the host drives them in parallel: ANN weights and bias/θ, SNN
 * weights and bias/θ, the dense and event activation replicas, and the schedule memories.
 */
export const LOAD_BUSES = ['annW', 'annBt', 'snnW', 'snnBt', 'act', 'ev', 'sched'] as const;
export type LoadBus = (typeof LOAD_BUSES)[number];
/** Words each bus carries for one tile. */
export type LoadWords = Record<LoadBus, number>;

/** No words on any bus, in LOAD_BUSES order. */
export function zeroLoadWords(): LoadWords {
  return { annW: 0, annBt: 0, snnW: 0, snnBt: 0, act: 0, ev: 0, sched: 0 };
}

/** The load's cycles: the buses load in parallel, one word a cycle each, so the busiest bus sets them. */
export function loadCyclesOf(words: LoadWords): number {
  return Math.max(...LOAD_BUSES.map((bus) => words[bus]));
}
