/**
 * The energy events of docs/numerics.md ("Work and energy per column"). The RTL counts them,
 * the cost model predicts them, and a per-event table turns counts into joules.
 */

export const EVENT_NAMES = ['ann_mac', 'snn_add', 'spike', 'fire', 'sram_byte'] as const;
export type EventName = (typeof EVENT_NAMES)[number];
export type EventCounts = Record<EventName, number>;

/** Default table, picojoules per event (45 nm, Horowitz ISSCC 2014). */
export const DEFAULT_ENERGY_PJ: Readonly<EventCounts> = { ann_mac: 0.3, snn_add: 0.1, spike: 0.03, fire: 0.1, sram_byte: 1.25 };

export function zeroEvents(): EventCounts {
  return { ann_mac: 0, snn_add: 0, spike: 0, fire: 0, sram_byte: 0 };
}

export function addEvents(a: Readonly<EventCounts>, b: Readonly<EventCounts>): EventCounts {
  const sum = zeroEvents();
  for (const name of EVENT_NAMES) sum[name] = a[name] + b[name];
  return sum;
}

export function energyPicojoules(events: Readonly<EventCounts>, table: Readonly<EventCounts> = DEFAULT_ENERGY_PJ): number {
  return EVENT_NAMES.reduce((total, name) => total + events[name] * table[name], 0);
}

/** What a cost model predicts for running some columns on one core. */
export interface CorePrediction {
  /** Cycles from the first input beat offered to the last output beat accepted, inclusive. */
  readonly cycles: number;
  readonly events: EventCounts;
}
