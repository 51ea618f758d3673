/**
 * The hwgen command line. Every command exits 0 on success, 1 when a check fails and 2 on bad input
 * or a missing tool, with one line on stderr (docs/formats.md, "Commands").
 */
import { Command, CommanderError } from 'commander';
import { EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_OK, exitCodeOf } from '../errors.ts';
import { HWGEN_VERSION } from '../version.ts';
import { interruptExitCode, interruptSignal } from '../util/interrupts.ts';
import { registerBench } from './commands/bench.ts';
import { registerCheck } from './commands/check.ts';
import { registerDemo } from './commands/demo.ts';
import { registerEval } from './commands/eval.ts';
import { registerExplore } from './commands/explore.ts';
import { registerGenerate } from './commands/generate.ts';
import { registerGolden } from './commands/golden.ts';
import { registerImport } from './commands/import.ts';
import { registerSchedule } from './commands/schedule.ts';
import { registerSchema } from './commands/schema.ts';
import { registerSim } from './commands/sim.ts';
import { registerSynth } from './commands/synth.ts';
import { registerWorker } from './commands/worker.ts';
import { registerZoo } from './commands/zoo.ts';

function buildProgram(): Command {
  const program = new Command('hwgen')
    .description('Generate, simulate and verify hybrid ANN/SNN accelerators against an integer golden model')
    .version(HWGEN_VERSION)
    .exitOverride()
    .configureOutput({
      writeErr: (text) => process.stderr.write(text),
      // Usage errors read like every other hwgen error: one line, prefixed with the tool's name.
      outputError: (text, write) => write(`hwgen: ${text.replace(/^error: /, '')}`),
    });
  registerDemo(program);
  registerGolden(program);
  registerImport(program);
  registerEval(program);
  registerGenerate(program);
  registerZoo(program);
  registerSchema(program);
  registerSchedule(program);
  registerSim(program);
  registerBench(program);
  registerSynth(program);
  registerCheck(program);
  registerExplore(program);
  registerWorker(program);
  for (const command of program.commands) command.exitOverride();
  return program;
}

function report(error: unknown): number {
  const signal = interruptSignal();
  // The failure is the interrupt's doing (a tool killed on the way out): the handler exits with this code, quietly.
  if (signal !== undefined) return interruptExitCode(signal);
  if (error instanceof CommanderError) {
    // Help and version end through here too; commander has already printed them.
    return error.exitCode === 0 ? EXIT_OK : EXIT_BAD_INPUT;
  }
  const code = exitCodeOf(error);
  if (code !== EXIT_INTERNAL) {
    process.stderr.write(`hwgen: ${(error as Error).message}\n`);
    return code;
  }
  const detail = process.env['HWGEN_DEBUG'] === '1' && error instanceof Error ? `\n${error.stack ?? ''}` : ' (set HWGEN_DEBUG=1 for the stack)';
  process.stderr.write(`hwgen: internal error: ${error instanceof Error ? error.message : String(error)}${detail}\n`);
  return EXIT_INTERNAL;
}

/** Runs the CLI on `args` (without `node` and the script) and returns the exit code. */
export async function main(args: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync([...args], { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    return report(error);
  }
}
