/**
 * What evaluating one point's cost gives, the same whether it ran in this thread or in a worker: the figures,
 * a skip (the design cannot run the workload: an InputError's message), or an internal error to rethrow.
 */
import type { AcceleratorConfig } from '../config/schema.ts';
import type { EventCounts } from '../arch/events.ts';
import { InputError } from '../errors.ts';
import type { CostLayer } from './levels.ts';
import { type PointCost, pointCost } from './point-cost.ts';

export type CostOutcome =
  | { readonly kind: 'cost'; readonly cost: PointCost }
  | { readonly kind: 'skip'; readonly reason: string }
  | { readonly kind: 'error'; readonly message: string };

export function costOutcome(config: AcceleratorConfig, layers: readonly CostLayer[], energyTable: Readonly<EventCounts> | undefined): CostOutcome {
  try {
    return { kind: 'cost', cost: pointCost(config, layers, energyTable) };
  } catch (error) {
    if (error instanceof InputError) return { kind: 'skip', reason: error.message };
    return { kind: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
}

/** What a cost worker is started with: every workload variant's layers (the golden outputs computed once). */
export interface CostWorkerData {
  readonly variants: readonly (readonly CostLayer[])[];
  readonly energyTable: Readonly<EventCounts> | undefined;
}

/** One point to evaluate; a worker has one at a time, so replies need no id. */
export interface CostRequest {
  readonly config: AcceleratorConfig;
  readonly variant: number;
}

