/**
 * FST waveforms (Verilator `--trace-fst`, `vvp -fst`), read through GTKWave's `fst2vcd`: its VCD
 * goes through a pipe straight into the streaming VCD reader, so neither format is ever held in
 * memory or written to disk. FST is compressed in blocks that only GTKWave's library decodes;
 * converting keeps us to one parser.
 */
import { stat } from 'node:fs/promises';
import { execa, type ResultPromise } from 'execa';
import { InputError, ToolError } from '../../hwgen/errors.ts';
import { openVcdStream, type VcdReader } from './vcd-reader.ts';

export interface OpenFstOptions {
  /** Hierarchical names of the signals to read, as for openVcd. */
  readonly signals: readonly string[];
  /** The program to start (default `fst2vcd` on PATH); tests use it to make the tool go missing. */
  readonly fst2vcd?: string;
}

const TOOL = 'fst2vcd';

export async function openFst(path: string, options: OpenFstOptions): Promise<VcdReader> {
  await checkReadable(path);
  const program = options.fst2vcd ?? TOOL;
  // -f rather than a bare operand: a file name starting with "-" stays a file name.
  const subprocess = execa(program, ['-f', path], { stdin: 'ignore', buffer: { stdout: false, stderr: true }, reject: false });
  let outcome: Promise<void> | undefined;
  const ended = (): Promise<void> => (outcome ??= checkOutcome(subprocess, program, path));
  const aborted = (): void => {
    subprocess.kill();
  };
  return openVcdStream(subprocess.stdout, path, options.signals, { ended, aborted });
}

async function checkReadable(path: string): Promise<void> {
  try {
    if (!(await stat(path)).isFile()) throw new InputError(path, '', 'not a file');
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(path, '', code === 'ENOENT' ? 'file not found' : `cannot read (${code ?? 'unknown error'})`);
  }
}

/** After the pipe ended: did fst2vcd start, and did it exit 0? */
async function checkOutcome(subprocess: ResultPromise, program: string, path: string): Promise<void> {
  const result = await subprocess;
  const started = result.exitCode !== undefined || result.signal !== undefined;
  if (!started) {
    if (result.code === 'ENOENT' && !program.includes('/')) throw new ToolError(TOOL, 'not found on PATH (make test installs it, or apt-get install gtkwave)');
    throw new ToolError(TOOL, `could not start ${program}: ${result.code ?? result.shortMessage}`);
  }
  if (result.exitCode === 0 && result.signal === undefined) return;
  const how = result.signal === undefined ? `exit ${result.exitCode ?? '?'}` : `signal ${result.signal}`;
  const said = String(result.stderr ?? '').trim().split('\n').at(-1) || '(no output)';
  throw new ToolError(TOOL, `failed (${how}) on ${path}: ${said}`);
}
