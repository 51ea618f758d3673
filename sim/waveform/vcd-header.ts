/**
 * The VCD header (IEEE 1364-2005 §18.2): everything up to `$enddefinitions $end`, fed chunk by
 * chunk. Header commands are whitespace-separated tokens ended by `$end`, laid out freely over
 * lines (`$timescale 1ps $end` and `$timescale\n\t1 ns\n$end` are the same), so this parser works
 * on tokens, not lines. Headers are small next to the value changes, so clarity wins over speed here.
 */
import { InputError } from '../../hwgen/errors.ts';

export type TimeUnit = 's' | 'ms' | 'us' | 'ns' | 'ps' | 'fs';

export interface Timescale {
  readonly magnitude: 1 | 10 | 100;
  readonly unit: TimeUnit;
  /** One time unit of the file in seconds (1e-12 for `1ps`). */
  readonly seconds: number;
}

export interface VcdVariable {
  /** Hierarchical name: the scopes and the reference, joined by dots (`tb.dut.q`, `tb.data[3]`). */
  readonly path: string;
  /** The bit range written as its own token (`$var wire 8 # q [7:0] $end` gives `[7:0]`), else ''. */
  readonly range: string;
  /** `wire`, `reg`, `integer`, `parameter`, `real`, `logic`... as written. */
  readonly type: string;
  readonly width: number;
  /** The identifier code; aliases (one net seen from several scopes) share it. */
  readonly id: string;
  /** A `real`/`realtime`/`shortreal` variable: its values are numbers (Icarus declares them 1 bit wide). */
  readonly real: boolean;
}

export interface VcdScope {
  /** `module`, `task`, `function`, `begin`, `fork`, `interface`... as written. */
  readonly type: string;
  readonly path: string;
}

export interface VcdHeader {
  readonly timescale: Timescale | undefined;
  readonly date: string | undefined;
  readonly version: string | undefined;
  readonly comments: readonly string[];
  readonly scopes: readonly VcdScope[];
  readonly variables: readonly VcdVariable[];
}

/** Powers of ten, so that `100 us` is exactly `Number('100e-6')` rather than 100 * 1e-6. */
const TIME_EXPONENTS: Readonly<Record<TimeUnit, number>> = { s: 0, ms: -3, us: -6, ns: -9, ps: -12, fs: -15 };
const REAL_TYPES = new Set(['real', 'realtime', 'shortreal']);
const SPACE = 0x20;
const NEWLINE = 0x0a;

interface Token {
  readonly text: string;
  readonly line: number;
}

/** Collects the header; `feed` says where the value changes begin once `$enddefinitions $end` is read. */
export class VcdHeaderParser {
  private partial = '';
  private partialLine = 1;
  private line = 1;
  /** The command being read (`$var`...) and its tokens so far. */
  private command: Token | undefined;
  private arguments: Token[] = [];
  private done = false;
  private timescale: Timescale | undefined;
  private date: string | undefined;
  private version: string | undefined;
  private readonly comments: string[] = [];
  private readonly scopeStack: string[] = [];
  private readonly scopes: VcdScope[] = [];
  private readonly variables: VcdVariable[] = [];

  constructor(private readonly file: string) {}

  /** The line the value changes start on, once the header is complete. */
  get bodyLine(): number {
    return this.line;
  }

  /** Reads tokens from `chunk`; returns the offset just after `$enddefinitions $end`, or undefined if not there yet. */
  feed(chunk: Uint8Array): number | undefined {
    let i = 0;
    while (i < chunk.length && !this.done) {
      const byte = chunk[i]!;
      if (byte <= SPACE) {
        this.endToken();
        if (byte === NEWLINE) this.line++;
        i++;
        continue;
      }
      const start = i;
      while (i < chunk.length && chunk[i]! > SPACE) i++;
      if (this.partial === '') this.partialLine = this.line;
      // latin1 keeps one character per byte, as the value-change parser sees identifier codes.
      this.partial += Buffer.from(chunk.buffer, chunk.byteOffset + start, i - start).toString('latin1');
    }
    return this.done ? i : undefined;
  }

  /** The input ended: a token may still be pending; a header without `$enddefinitions` is malformed. */
  finish(): VcdHeader {
    this.endToken();
    if (!this.done) {
      const where = this.command === undefined ? 'the header' : `${this.command.text} (line ${this.command.line})`;
      throw this.error(this.line, `the file ends inside ${where}: no $enddefinitions $end`);
    }
    return this.header();
  }

  header(): VcdHeader {
    return {
      timescale: this.timescale,
      date: this.date,
      version: this.version,
      comments: this.comments,
      scopes: this.scopes,
      variables: this.variables,
    };
  }

  private endToken(): void {
    if (this.partial === '') return;
    const token = { text: this.partial, line: this.partialLine };
    this.partial = '';
    this.onToken(token);
  }

  private onToken(token: Token): void {
    if (this.command === undefined) {
      if (!token.text.startsWith('$') || token.text === '$end') throw this.error(token.line, `expected a $command in the header, found "${clip(token.text)}"`);
      this.command = token;
      this.arguments = [];
      return;
    }
    if (token.text !== '$end') {
      this.arguments.push(token);
      return;
    }
    const command = this.command;
    this.command = undefined;
    this.onCommand(command, this.arguments);
  }

  private onCommand(command: Token, args: readonly Token[]): void {
    const text = args.map((arg) => arg.text).join(' ');
    switch (command.text) {
      case '$date':
        this.date = utf8(text);
        return;
      case '$version':
        this.version = utf8(text);
        return;
      case '$comment':
        this.comments.push(utf8(text));
        return;
      case '$timescale':
        this.timescale = this.parseTimescale(command, text);
        return;
      case '$scope':
        return this.openScope(command, args);
      case '$upscope':
        if (this.scopeStack.pop() === undefined) throw this.error(command.line, '$upscope without an open $scope');
        return;
      case '$var':
        this.variables.push(this.parseVariable(command, args));
        return;
      case '$enddefinitions':
        this.done = true;
        return;
      default:
        // Writer extensions ($timezero, $attrbegin...) carry nothing a reader of values needs.
        return;
    }
  }

  private parseTimescale(command: Token, text: string): Timescale {
    const match = /^(1|10|100)\s*(s|ms|us|ns|ps|fs)$/.exec(text);
    if (match === null) throw this.error(command.line, `bad $timescale "${clip(text)}" (expected 1, 10 or 100 and s, ms, us, ns, ps or fs)`);
    const magnitude = Number(match[1]) as 1 | 10 | 100;
    const unit = match[2] as TimeUnit;
    return { magnitude, unit, seconds: Number(`${magnitude}e${TIME_EXPONENTS[unit]}`) };
  }

  private openScope(command: Token, args: readonly Token[]): void {
    const [type, name] = args;
    if (type === undefined || name === undefined || args.length !== 2) {
      throw this.error(command.line, `bad $scope: expected "$scope <type> <name> $end", found ${args.length} word(s)`);
    }
    this.scopeStack.push(utf8(name.text));
    this.scopes.push({ type: type.text, path: this.scopeStack.join('.') });
  }

  /** `$var <type> <size> <id> <reference> [<bit range>...] $end`. */
  private parseVariable(command: Token, args: readonly Token[]): VcdVariable {
    const [type, size, id, reference, ...range] = args;
    if (type === undefined || size === undefined || id === undefined || reference === undefined) {
      throw this.error(command.line, `bad $var: expected "$var <type> <size> <id> <name> $end", found ${args.length} word(s)`);
    }
    const width = Number(size.text);
    if (!/^\d+$/.test(size.text) || width < 1) throw this.error(size.line, `bad $var size "${clip(size.text)}" for ${utf8(reference.text)} (expected a positive integer)`);
    const path = [...this.scopeStack, utf8(reference.text)].join('.');
    return { path, range: range.map((token) => token.text).join(''), type: type.text, width, id: id.text, real: REAL_TYPES.has(type.text) };
  }

  private error(line: number, reason: string): InputError {
    return new InputError(this.file, `line ${line}`, reason);
  }
}

/** Tokens are read as latin1 (one byte, one character); names and texts are UTF-8 in practice. */
function utf8(latin1: string): string {
  return Buffer.from(latin1, 'latin1').toString('utf8');
}

/** Keeps error messages one short line even for a garbage token. */
export function clip(text: string, length = 40): string {
  return text.length <= length ? text : `${text.slice(0, length)}…`;
}
