/**
 * The errors hwgen reports to users. Each maps to one exit code of the contract
 * (docs/formats.md): bad input or a missing tool exits 2, a failed check exits 1.
 * The message is the single line printed on stderr: `<file>: <field path>: <reason>`.
 */

/** Bad input: a config, manifest or tensor file that breaks the contract. Exit code 2. */
export class InputError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    readonly reason: string,
  ) {
    super(field === '' ? `${file}: ${reason}` : `${file}: ${field}: ${reason}`);
    this.name = 'InputError';
  }
}

/** An external tool (simulator, synthesizer) is missing or failed. Exit code 2. */
export class ToolError extends Error {
  constructor(
    readonly tool: string,
    readonly reason: string,
  ) {
    super(`${tool}: ${reason}`);
    this.name = 'ToolError';
  }
}

/** A check failed: RTL output differs from the golden model, a protocol rule broke. Exit code 1. */
export class CheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckError';
  }
}

export const EXIT_OK = 0;
export const EXIT_CHECK_FAILED = 1;
export const EXIT_BAD_INPUT = 2;
export const EXIT_INTERNAL = 3;

export function exitCodeOf(error: unknown): number {
  if (error instanceof InputError || error instanceof ToolError) return EXIT_BAD_INPUT;
  if (error instanceof CheckError) return EXIT_CHECK_FAILED;
  return EXIT_INTERNAL;
}
