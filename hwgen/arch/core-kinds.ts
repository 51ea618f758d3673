/**
 * The kinds of compute core a design has, how many of each, and the facts about a kind that need none of its
 * parameters. Code that differs by kind looks the kind up in a table keyed by CoreKind (this one, CORE_KIND_ARCH in
 * hwgen/modules/accel/arch.ts, CORE_KIND_COSTS in hwgen/cost/core-kinds.ts) instead of branching on its name, so a
 * new kind is one entry in each table, and the type checker names every table that lacks it.
 */
import type { EventName } from './events.ts';
import type { LoadBus } from './load-buses.ts';

export const CORE_KINDS = ['ann', 'snn'] as const;
export type CoreKind = (typeof CORE_KINDS)[number];

export interface Machines {
  annArrays: number;
  snnCores: number;
}

/** The load buses of one kind (hwgen/arch/load-buses.ts): its weights, its bias/θ words and its activation replica. */
export interface KindLoadBuses {
  readonly weights: LoadBus;
  readonly biasTheta: LoadBus;
  readonly replica: 'act' | 'ev';
}

export interface CoreKindFacts {
  /** One core of the kind, as messages name it: `the design has no ANN array`. */
  readonly label: string;
  /** The Machines field that counts the kind's cores. */
  readonly count: keyof Machines;
  /** The event the core's mac_or_add counter counts: a multiply-accumulate or an SNN addition. */
  readonly computeEvent: Extract<EventName, 'ann_mac' | 'snn_add'>;
  readonly buses: KindLoadBuses;
}

export const CORE_KIND_FACTS: Readonly<Record<CoreKind, CoreKindFacts>> = {
  ann: { label: 'ANN array', count: 'annArrays', computeEvent: 'ann_mac', buses: { weights: 'annW', biasTheta: 'annBt', replica: 'act' } },
  snn: { label: 'SNN core', count: 'snnCores', computeEvent: 'snn_add', buses: { weights: 'snnW', biasTheta: 'snnBt', replica: 'ev' } },
};

export function isCoreKind(name: string): name is CoreKind {
  return (CORE_KINDS as readonly string[]).includes(name);
}

/** A value for every kind, in CORE_KINDS order. */
export function byKind<T>(valueOf: (kind: CoreKind) => T): Record<CoreKind, T> {
  return Object.fromEntries(CORE_KINDS.map((kind) => [kind, valueOf(kind)])) as Record<CoreKind, T>;
}

/** How many cores of the kind the machines have. */
export function coresOf(machines: Machines, kind: CoreKind): number {
  return machines[CORE_KIND_FACTS[kind].count];
}

/** Machines with `count(kind)` cores of every kind. */
export function machinesWith(count: (kind: CoreKind) => number): Machines {
  const machines: Machines = { annArrays: 0, snnCores: 0 };
  for (const kind of CORE_KINDS) machines[CORE_KIND_FACTS[kind].count] = count(kind);
  return machines;
}

/** The machines' cores of the given kinds only (the others set to 0). */
export function machinesOfKinds(kinds: readonly CoreKind[], machines: Machines): Machines {
  return machinesWith((kind) => (kinds.includes(kind) ? coresOf(machines, kind) : 0));
}

/** Position of the kind's first core among all cores: the kinds come in CORE_KINDS order (ANN arrays first). */
function firstCoreOf(kind: CoreKind, machines: Machines): number {
  return CORE_KINDS.slice(0, CORE_KINDS.indexOf(kind)).reduce((sum, before) => sum + coresOf(machines, before), 0);
}

const LAST_KIND = CORE_KINDS[CORE_KINDS.length - 1] as CoreKind;

/**
 * The core at a global position (the order of Schedule.cores and of the accelerator top's cores): its kind and its
 * index among the cores of its kind. A position past the last core counts as the last kind, so a schedule with too
 * many cores is reported against that kind's numbering.
 */
export function coreAt(position: number, machines: Machines): { kind: CoreKind; index: number } {
  const kind = CORE_KINDS.find((k) => position < firstCoreOf(k, machines) + coresOf(machines, k)) ?? LAST_KIND;
  return { kind, index: position - firstCoreOf(kind, machines) };
}
