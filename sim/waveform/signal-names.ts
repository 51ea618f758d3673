/**
 * Finds the header variable a user means by a hierarchical name such as `tb.dut.core_0.out_valid`.
 *
 * Tried in order, the first that names exactly one signal wins:
 * 1. the exact name, with or without its bit range (`tb.q`, `tb.q[7:0]`, `tb.q [7:0]`), and a
 *    bit-select written into the reference (`tb.data[3]`) also answers to `tb.data` when it is the only one;
 * 2. a unique match after leading scopes: `counter_tb.dut.count` finds Verilator's
 *    `TOP.counter_tb.dut.count`, while Icarus writes `counter_tb.dut.count`.
 * Aliases (several names sharing one identifier code) are one signal, never ambiguous.
 * A name that matches nothing, or several different signals, is an InputError listing candidates.
 */
import { InputError } from '../../hwgen/errors.ts';
import type { VcdVariable } from './vcd-header.ts';

const MAX_CANDIDATES = 5;

export class SignalNames {
  private readonly byName = new Map<string, VcdVariable[]>();

  constructor(
    private readonly file: string,
    private readonly variables: readonly VcdVariable[],
  ) {
    for (const variable of variables) {
      for (const name of namesOf(variable)) this.add(name, variable);
    }
  }

  resolve(requested: string): VcdVariable {
    const name = normalise(requested);
    const exact = distinctSignals(this.byName.get(name) ?? []);
    if (exact.length === 1) return exact[0]!;
    if (exact.length > 1) throw this.ambiguous(requested, exact);
    const bySuffix = distinctSignals(this.variables.filter((variable) => namesOf(variable).some((candidate) => candidate.endsWith(`.${name}`))));
    if (bySuffix.length === 1) return bySuffix[0]!;
    if (bySuffix.length > 1) throw this.ambiguous(requested, bySuffix);
    throw new InputError(this.file, `signal ${requested}`, `not found${this.closeNames(name)}`);
  }

  private add(name: string, variable: VcdVariable): void {
    const list = this.byName.get(name);
    if (list === undefined) this.byName.set(name, [variable]);
    else if (!list.includes(variable)) list.push(variable);
  }

  private ambiguous(requested: string, matches: readonly VcdVariable[]): InputError {
    const listed = matches.slice(0, MAX_CANDIDATES).map(displayName).join(', ');
    const more = matches.length > MAX_CANDIDATES ? `, and ${matches.length - MAX_CANDIDATES} more` : '';
    return new InputError(this.file, `signal ${requested}`, `ambiguous: names ${matches.length} signals (${listed}${more}); give more of the hierarchy`);
  }

  /** The nearest names by edit distance of the last component, then of the whole name. */
  private closeNames(name: string): string {
    const leaf = leafOf(name);
    const ranked = this.variables
      .map((variable) => ({ variable, leaf: editDistance(leaf, leafOf(variable.path)) }))
      .sort((a, b) => a.leaf - b.leaf)
      .slice(0, MAX_CANDIDATES * 4)
      .map((entry) => ({ ...entry, whole: editDistance(name, entry.variable.path) }))
      .sort((a, b) => a.leaf - b.leaf || a.whole - b.whole)
      .slice(0, MAX_CANDIDATES);
    if (ranked.length === 0) return ' (the file declares no signals)';
    return `; close names: ${ranked.map((entry) => displayName(entry.variable)).join(', ')}`;
  }
}

export function displayName(variable: VcdVariable): string {
  return `${variable.path}${variable.range}`;
}

/** Every name a variable answers to exactly. */
function namesOf(variable: VcdVariable): string[] {
  const names = [variable.path];
  if (variable.range !== '') names.push(`${variable.path}${variable.range}`);
  const bitSelect = /^(.*[^\]])\[[^\]]*\]$/.exec(variable.path);
  if (bitSelect?.[1] !== undefined) names.push(bitSelect[1]);
  return names;
}

/** `tb.q [7:0]` and `tb.q[7:0]` are the same name. */
function normalise(name: string): string {
  return name.trim().replace(/\s+\[/g, '[');
}

/** Aliases share an identifier code: one signal, not an ambiguity. */
function distinctSignals(variables: readonly VcdVariable[]): VcdVariable[] {
  const byId = new Map<string, VcdVariable>();
  for (const variable of variables) if (!byId.has(variable.id)) byId.set(variable.id, variable);
  return [...byId.values()];
}

function leafOf(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}
