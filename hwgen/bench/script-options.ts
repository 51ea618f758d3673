/**
 * The options of the sweep scripts run with `npx tsx` (mutation.ts, fuzz-designs.ts): `--simulator NAME`, a count
 * (`--limit` or `--count`), `--seed S`, `--out DIR`, read with Node's parseArgs and checked by the CLI's own rules.
 * A bad option ends the script with exit 2 and one line, as a bad option of `hwgen` does.
 */
import { parseArgs } from 'node:util';
import { parseCount } from '../util/count-arg.ts';
import { parseSeed } from '../util/seed-arg.ts';
import { SIMULATORS, type SimulatorName } from '../../sim/registry.ts';

export interface ScriptOptions {
  /** Undefined when not given: the script's own default (one simulator, or every one). */
  readonly simulator: SimulatorName | undefined;
  readonly count: number;
  readonly seed: number;
  readonly out: string;
}

export interface ScriptDefaults {
  /** The flag the count goes by, without dashes (`limit`, `count`). */
  readonly countFlag: string;
  readonly count: number;
  readonly seed: number;
  readonly out: string;
}

function isSimulator(name: string): name is SimulatorName {
  return (SIMULATORS as readonly string[]).includes(name);
}

export function parseScriptOptions(argv: readonly string[], defaults: ScriptDefaults): ScriptOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: { simulator: { type: 'string' }, [defaults.countFlag]: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' } },
  });
  const text = (name: string): string | undefined => {
    const value = values[name];
    return typeof value === 'string' ? value : undefined;
  };
  const simulator = text('simulator');
  if (simulator !== undefined && !isSimulator(simulator)) throw new Error(`--simulator: one of ${SIMULATORS.join(', ')}, not ${simulator}`);
  return {
    simulator,
    count: parseCount(text(defaults.countFlag) ?? String(defaults.count), `--${defaults.countFlag}`, 1),
    seed: parseSeed(text('seed') ?? String(defaults.seed)),
    out: text('out') ?? defaults.out,
  };
}

/** The options, or exit 2 with one line saying what is wrong with them. */
export function scriptOptionsOrExit(script: string, argv: readonly string[], defaults: ScriptDefaults): ScriptOptions {
  try {
    return parseScriptOptions(argv, defaults);
  } catch (error) {
    process.stderr.write(`${script}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
}
