/**
 * Single-point faults of generated Verilog, for mutation testing (hwgen/bench/mutation.ts): each operator finds
 * the places in a file's module bodies where it applies and says what the text becomes there. The scan is
 * line-based and heuristic (generated code is regular: one statement a line, comments after `//`): it skips
 * declarations, parameters, generate loops and system tasks, whose mutants would only fail to compile or change
 * the design's shape rather than its behaviour.
 */

export type MutationOperator = 'relational' | 'arithmetic' | 'condition' | 'constant' | 'register-bypass' | 'stuck-control' | 'drop-conjunct';

export const MUTATION_OPERATORS: readonly MutationOperator[] = ['relational', 'arithmetic', 'condition', 'constant', 'register-bypass', 'stuck-control', 'drop-conjunct'];

/** One fault: in `file`, line `line` (1-based), the text `before` at `column` (0-based) becomes `after`. */
export interface Mutation {
  readonly operator: MutationOperator;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly before: string;
  readonly after: string;
}

/** A line of a module body that may be mutated: its code (comment removed) and where it is. */
interface CodeLine {
  readonly index: number;
  readonly code: string;
}

/**
 * Lines whose mutants change the design's shape (declarations, parameter overrides, generate loops and ifs) or
 * cannot change its behaviour (`unused_*` sinks for lint), or are not logic (system tasks).
 */
const SKIPPED_LINE = /^\s*(localparam|parameter|input|output|inout|genvar|module|endmodule|`|\/\*|\*)|\$|\bfor\s*\(|\binitial\b|#\(|\bbegin\s*:|\bunused/;

/** The lines between each module's port list and its `endmodule`, comments removed, skipped lines left out. */
export function bodyLines(text: string): CodeLine[] {
  const lines = text.split('\n');
  const body: CodeLine[] = [];
  let inHeader = false;
  let inBody = false;
  lines.forEach((line, index) => {
    if (/^\s*module\b/.test(line)) inHeader = true;
    else if (inHeader && /^\s*\);/.test(line)) {
      inHeader = false;
      inBody = true;
    } else if (/^\s*endmodule\b/.test(line)) inBody = false;
    else if (inBody && !SKIPPED_LINE.test(line)) body.push({ index, code: line.split('//')[0]! });
  });
  return body;
}

/** Paren and bracket depth before every character of a line (brackets: ranges and indices; braces: concatenations). */
function depths(code: string): { paren: number[]; bracket: number[] } {
  const paren: number[] = [];
  const bracket: number[] = [];
  let p = 0, b = 0;
  for (const ch of code) {
    paren.push(p);
    bracket.push(b);
    if (ch === '(') p += 1;
    else if (ch === ')') p -= 1;
    else if (ch === '[') b += 1;
    else if (ch === ']') b -= 1;
  }
  return { paren, bracket };
}

const RELATIONAL_SWAP: Readonly<Record<string, string>> = { '==': '!=', '!=': '==', '<=': '<', '>=': '>', '<': '<=', '>': '>=' };

/** Comparisons inside parentheses, or on the right of an assign (a `<=` at depth 0 is a non-blocking assignment). */
function relational(file: string, line: CodeLine): Mutation[] {
  const { code } = line;
  const { paren } = depths(code);
  const assignRhs = /^\s*assign\b/.test(code) ? code.indexOf('=') : -1;
  const found: Mutation[] = [];
  const pattern = /==|!=|<=|>=|<(?![<=])|>(?![>=])/g;
  for (const match of code.matchAll(pattern)) {
    const at = match.index;
    const op = match[0];
    const prev = code[at - 1] ?? '';
    if ((op === '<' || op === '>') && (prev === '<' || prev === '>' || prev === '-' || prev === '=')) continue;
    if ((op === '<=' || op === '>=') && (prev === '<' || prev === '>')) continue;
    const inExpression = paren[at]! > 0 || (assignRhs >= 0 && at > assignRhs);
    if (!inExpression || at === assignRhs) continue;
    found.push({ operator: 'relational', file, line: line.index + 1, column: at, before: op, after: RELATIONAL_SWAP[op]! });
  }
  return found;
}

/** A binary `+` or `-` outside ranges and indices (not `+:`/`-:` part selects, not a unary minus). */
function arithmetic(file: string, line: CodeLine): Mutation[] {
  const { code } = line;
  const { bracket } = depths(code);
  // Replication counts `{(W-1){…}}` size a concatenation: their mutants change a width, not the logic.
  const counts = [...code.matchAll(/\{\([^()]*\)\{/g)].map((m) => [m.index, m.index + m[0].length] as const);
  const found: Mutation[] = [];
  for (const match of code.matchAll(/[+-]/g)) {
    const at = match.index;
    if (counts.some(([from, to]) => at > from && at < to)) continue;
    if (bracket[at]! > 0 || code[at + 1] === ':' || code[at + 1] === '+' || code[at + 1] === '-' || code[at - 1] === '+' || code[at - 1] === '-') continue;
    const operandBefore = /[\w)\]']\s*$/.test(code.slice(0, at));
    if (!operandBefore) continue;
    found.push({ operator: 'arithmetic', file, line: line.index + 1, column: at, before: match[0], after: match[0] === '+' ? '-' : '+' });
  }
  return found;
}

/** The index just past the parenthesis that closes the one at `open`; −1 when the line does not close it. */
function closingParen(code: string, open: number): number {
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    if (code[i] === '(') depth += 1;
    else if (code[i] === ')') {
      depth -= 1;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

/** `if (c)` becomes `if (!(c))`. */
function condition(file: string, line: CodeLine): Mutation[] {
  const { code } = line;
  const found: Mutation[] = [];
  for (const match of code.matchAll(/\bif\s*\(/g)) {
    const open = match.index + match[0].length - 1;
    const close = closingParen(code, open);
    if (close < 0) continue;
    const before = code.slice(open, close);
    found.push({ operator: 'condition', file, line: line.index + 1, column: open, before, after: `(!${before})` });
  }
  return found;
}

/** A sized literal `8'd5` outside ranges becomes 8'd6 and 8'd4 (each when it fits the width). */
function constant(file: string, line: CodeLine): Mutation[] {
  const { code } = line;
  const { bracket } = depths(code);
  const found: Mutation[] = [];
  for (const match of code.matchAll(/(\d+)'([bdh])([0-9a-fA-F_]+)/g)) {
    const at = match.index;
    if (bracket[at]! > 0) continue;
    const width = Number(match[1]);
    const radix = { b: 2, d: 10, h: 16 }[match[2] as 'b' | 'd' | 'h'];
    const value = parseInt(match[3]!.replaceAll('_', ''), radix);
    for (const next of [value + 1, value - 1]) {
      if (next < 0 || next >= 2 ** Math.min(width, 52)) continue;
      found.push({ operator: 'constant', file, line: line.index + 1, column: at, before: match[0], after: `${width}'${match[2]}${next.toString(radix)}` });
    }
  }
  return found;
}

/** `R <= E;` as the only assignment of register R: where an assign reads R, it reads E instead (the register skipped). */
function registerBypass(file: string, lines: readonly CodeLine[]): Mutation[] {
  // Every non-blocking assignment of a register, a statement that goes on past its line included (its source then unknown).
  const assignments = new Map<string, (string | undefined)[]>();
  for (const { code } of lines) {
    for (const match of code.matchAll(/\b([A-Za-z_]\w*)\s*<=(?!=)\s*([^;]*)(;?)/g)) {
      const atStatementStart = /(^|\b(begin|else)|\)|;)\s*$/.test(code.slice(0, match.index));
      if (!atStatementStart) continue;
      const source = match[3] === ';' ? match[2]!.trim() : undefined;
      assignments.set(match[1]!, [...(assignments.get(match[1]!) ?? []), source]);
    }
  }
  const found: Mutation[] = [];
  for (const [register, sources] of assignments) {
    const source = sources[0];
    if (sources.length !== 1 || source === undefined || new RegExp(`\\b${register}\\b`).test(source)) continue;
    for (const line of lines) {
      if (!/^\s*(assign\b|wire\b[^=]*=)/.test(line.code)) continue;
      const rhs = line.code.indexOf('=');
      // A part select of the register would select from a parenthesized expression: not Verilog.
      const use = new RegExp(`\\b${register}\\b(?!\\s*\\[)`).exec(line.code.slice(rhs + 1));
      if (use === null) continue;
      found.push({ operator: 'register-bypass', file, line: line.index + 1, column: rhs + 1 + use.index, before: register, after: `(${source})` });
    }
  }
  return found;
}

/** Control nets: what the host protocol and the streams are made of. */
const CONTROL_NAME = /(valid|ready|last|done|fin|start|issue|take|have|advance|running|_en)\w*$/;

/** `assign ctl = e;` or `wire ctl = e;` (one bit) for a control net becomes `… = 1'b0;` and `… = 1'b1;`. */
function stuckControl(file: string, line: CodeLine): Mutation[] {
  const match = /^(\s*(?:assign|wire)\s+)([A-Za-z_]\w*)(\s*=\s*)([^;]+);/.exec(line.code);
  if (match === null || !CONTROL_NAME.test(match[2]!)) return [];
  const column = match[1]!.length + match[2]!.length + match[3]!.length;
  const before = match[4]!;
  return ["1'b0", "1'b1"].filter((stuck) => before.trim() !== stuck).map((after) => ({ operator: 'stuck-control', file, line: line.index + 1, column, before, after }));
}

/** `a && b` (two simple operands) becomes `a` and `b`. */
function dropConjunct(file: string, line: CodeLine): Mutation[] {
  const operand = String.raw`!?[A-Za-z_][\w.]*(?:\[[^\]]*\])?`;
  const found: Mutation[] = [];
  for (const match of line.code.matchAll(new RegExp(`(${operand})\\s*&&\\s*(${operand})`, 'g'))) {
    const [before, left, right] = [match[0], match[1]!, match[2]!];
    found.push({ operator: 'drop-conjunct', file, line: line.index + 1, column: match.index, before, after: left });
    found.push({ operator: 'drop-conjunct', file, line: line.index + 1, column: match.index, before, after: right });
  }
  return found;
}

/** Every single-point fault of one Verilog file. */
export function mutationsOf(file: string, text: string): Mutation[] {
  const lines = bodyLines(text);
  const perLine = [relational, arithmetic, condition, constant, stuckControl, dropConjunct];
  return [...lines.flatMap((line) => perLine.flatMap((operator) => operator(file, line))), ...registerBypass(file, lines)];
}

/** The file's text with the mutation applied; throws when the text at its place is not what it expects. */
export function applyMutation(text: string, mutation: Mutation): string {
  const lines = text.split('\n');
  const line = lines[mutation.line - 1];
  if (line === undefined || line.slice(mutation.column, mutation.column + mutation.before.length) !== mutation.before) {
    throw new Error(`${mutation.file}:${mutation.line}: "${mutation.before}" is not at column ${mutation.column}`);
  }
  lines[mutation.line - 1] = line.slice(0, mutation.column) + mutation.after + line.slice(mutation.column + mutation.before.length);
  return lines.join('\n');
}

/** `hwgen_accel_top.v:120: assign done = running && &fin;  →  assign done = &fin;` */
export function describeMutation(text: string, mutation: Mutation): string {
  const before = (text.split('\n')[mutation.line - 1] ?? '').trim();
  const after = applyMutation(text, mutation).split('\n')[mutation.line - 1]!.trim();
  return `${mutation.file}:${mutation.line}: ${before}  →  ${after}`;
}
