/**
 * Ports are written twice: by hand in each template's ANSI header and as `PortSpec`s in its generator. Testbenches,
 * the AXI wrapper and the host driver trust the TypeScript list, so this test holds the two together: for every module
 * of several designs it reads the module header of the module's own generated file, evaluates each port's range with
 * the module's parameter values, and requires the same names, directions and widths in the same order.
 *
 * The header is parsed here (comments stripped, balanced parentheses, a small expression evaluator) rather than asked
 * of Verilator, whose --xml-only / --json-only output is not reliable in the 5.006 the project runs.
 */
import { describe, expect, it } from 'vitest';
import type { ModuleDescription, PortSpec } from '../arch/module.ts';
import { type Accelerator, acceleratorFrom, defaultAccelerator } from '../config/load-config.ts';
import { generateDesign } from './accel/design.ts';
import { generateAnnCoreFromParams } from './ann-core/generator.ts';
import { generateAxiTop } from './axi/generator.ts';
import { generateColumnFeeder } from './dispatcher/feeder.ts';
import { generateOutputGather } from './dispatcher/gather.ts';
import { generateSnnCoreFromParams } from './snn-core/generator.ts';

// ---------------------------------------------------------------------------------------------------------------
// A constant-expression evaluator for the parameter and range expressions the templates use.

type Token = { readonly kind: 'number'; readonly value: number } | { readonly kind: 'name' | 'op'; readonly text: string };

const TOKEN = /\s*(?:(\d+)|(\$?[A-Za-z_]\w*)|(>=|<=|==|!=|[-+*/%()?:<>]))/y;

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < expression.length) {
    if (/^\s*$/.test(expression.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(expression);
    // Anything else (sized literals, bit operators…) is not in today's headers: fail loudly rather than guess.
    if (match === null) throw new Error(`cannot evaluate "${expression}": unsupported text at "${expression.slice(at)}"`);
    if (match[1] !== undefined) tokens.push({ kind: 'number', value: Number(match[1]) });
    else if (match[2] !== undefined) tokens.push({ kind: 'name', text: match[2] });
    else tokens.push({ kind: 'op', text: match[3] ?? '' });
  }
  return tokens;
}

/** Verilog's $clog2: ceil(log2(n)), 0 for n ≤ 1 (unlike arch/math.ts clog2, which is at least 1). */
function verilogClog2(n: number): number {
  let bits = 0;
  while (2 ** bits < n) bits += 1;
  return bits;
}

const BINARY: Record<string, (a: number, b: number) => number> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => {
    if (b === 0) throw new Error('division by zero');
    return Math.trunc(a / b);
  },
  '%': (a, b) => a % b,
  '<': (a, b) => Number(a < b),
  '>': (a, b) => Number(a > b),
  '<=': (a, b) => Number(a <= b),
  '>=': (a, b) => Number(a >= b),
  '==': (a, b) => Number(a === b),
  '!=': (a, b) => Number(a !== b),
};

/** Binary operator levels, loosest first (Verilog precedence). */
const LEVELS: readonly (readonly string[])[] = [['==', '!='], ['<', '>', '<=', '>='], ['+', '-'], ['*', '/', '%']];

/** Recursive descent over `tokens`: ternary, the binary levels, unary minus, parentheses, $clog2 and names. */
export function evaluate(expression: string, env: ReadonlyMap<string, number>): number {
  const tokens = tokenize(expression);
  let pos = 0;
  const peekOp = (): string | undefined => {
    const t = tokens[pos];
    return t?.kind === 'op' ? t.text : undefined;
  };
  const consume = (op: string): void => {
    if (peekOp() !== op) throw new Error(`cannot evaluate "${expression}": expected "${op}" at token ${pos}`);
    pos += 1;
  };
  const primary = (): number => {
    const t = tokens[pos];
    pos += 1;
    if (t === undefined) throw new Error(`cannot evaluate "${expression}": unexpected end`);
    if (t.kind === 'number') return t.value;
    if (t.kind === 'op' && t.text === '(') {
      const value = ternary();
      consume(')');
      return value;
    }
    if (t.kind === 'op' && t.text === '-') return -primary();
    if (t.kind === 'name' && t.text === '$clog2') {
      consume('(');
      const value = verilogClog2(ternary());
      consume(')');
      return value;
    }
    if (t.kind === 'name') {
      const value = env.get(t.text);
      if (value === undefined) throw new Error(`cannot evaluate "${expression}": unknown name ${t.text}`);
      return value;
    }
    throw new Error(`cannot evaluate "${expression}": unexpected "${t.text}"`);
  };
  const binary = (level: number): number => {
    const ops = LEVELS[level];
    if (ops === undefined) return primary();
    let left = binary(level + 1);
    for (let op = peekOp(); op !== undefined && ops.includes(op); op = peekOp()) {
      pos += 1;
      const apply = BINARY[op];
      if (apply === undefined) throw new Error(`no operator ${op}`);
      left = apply(left, binary(level + 1));
    }
    return left;
  };
  const ternary = (): number => {
    const condition = binary(0);
    if (peekOp() !== '?') return condition;
    pos += 1;
    const then = ternary();
    consume(':');
    const otherwise = ternary();
    return condition !== 0 ? then : otherwise;
  };
  const value = ternary();
  if (pos !== tokens.length) throw new Error(`cannot evaluate "${expression}": trailing tokens from ${pos}`);
  return value;
}

// ---------------------------------------------------------------------------------------------------------------
// The ANSI module header: `module NAME #( parameter … ) ( input wire [MSB:LSB] name, … );`

interface HeaderParameter {
  readonly name: string;
  readonly expression: string;
}

interface HeaderPort {
  readonly name: string;
  readonly direction: string;
  /** `[msb, lsb]` expressions, or undefined for a 1-bit port. */
  readonly range: readonly [string, string] | undefined;
}

interface ModuleHeader {
  readonly parameters: readonly HeaderParameter[];
  readonly ports: readonly HeaderPort[];
}

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/.*$/gm, '');
}

/** The text inside the parenthesis opening at `open`, and the index after its closing one. */
function balanced(text: string, open: number): { readonly inner: string; readonly end: number } {
  if (text[open] !== '(') throw new Error(`expected "(" at ${open}, found "${text.slice(open, open + 20)}"`);
  let depth = 0;
  for (let i = open; i < text.length; i += 1) {
    if (text[i] === '(') depth += 1;
    else if (text[i] === ')') depth -= 1;
    if (depth === 0) return { inner: text.slice(open + 1, i), end: i + 1 };
  }
  throw new Error('unbalanced parentheses in the module header');
}

/** Splits at `separator` outside parentheses and brackets; a `:` closing a `?` is not a separator. */
function splitTopLevel(text: string, separator: ',' | ':'): string[] {
  const parts: string[] = [];
  let depth = 0, pendingTernaries = 0, start = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === '(' || c === '[') depth += 1;
    else if (c === ')' || c === ']') depth -= 1;
    else if (depth === 0 && c === '?') pendingTernaries += 1;
    else if (depth === 0 && c === separator) {
      if (c === ':' && pendingTernaries > 0) pendingTernaries -= 1;
      else {
        parts.push(text.slice(start, i));
        start = i + 1;
      }
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim());
}

const PARAMETER = /^parameter\s+(?:integer\s+)?(\w+)\s*=\s*([\s\S]+)$/;
const PORT = /^(?:(input|output|inout)\s+(?:(?:wire|reg|logic)\s+)?(?:signed\s+)?(?:\[([^\]]*)\]\s*)?)?(\w+)$/;

function parseParameter(item: string): HeaderParameter {
  const m = PARAMETER.exec(item);
  if (m === null || m[1] === undefined || m[2] === undefined) throw new Error(`unrecognised parameter declaration: ${item}`);
  return { name: m[1], expression: m[2].trim() };
}

function parseRange(range: string): readonly [string, string] {
  const [msb, lsb, ...rest] = splitTopLevel(range, ':');
  if (msb === undefined || lsb === undefined || rest.length > 0) throw new Error(`unrecognised range [${range}]`);
  return [msb, lsb];
}

/** Port items; an item without a direction continues the previous declaration (`input wire [7:0] a, b`). */
function parsePorts(list: string): HeaderPort[] {
  const ports: HeaderPort[] = [];
  for (const item of splitTopLevel(list, ',')) {
    const m = PORT.exec(item);
    if (m === null || m[3] === undefined) throw new Error(`unrecognised port declaration: ${item}`);
    const previous = ports.at(-1);
    if (m[1] === undefined && previous === undefined) throw new Error(`port ${m[3]} has no direction`);
    const direction = m[1] ?? previous?.direction ?? '';
    const range = m[1] === undefined ? previous?.range : m[2] === undefined ? undefined : parseRange(m[2]);
    ports.push({ name: m[3], direction, range });
  }
  return ports;
}

export function parseModuleHeader(text: string, moduleName: string): ModuleHeader {
  const source = stripComments(text);
  const at = new RegExp(`\\bmodule\\s+${moduleName}\\b`).exec(source);
  if (at === null) throw new Error(`no "module ${moduleName}" in the file`);
  let cursor = at.index + at[0].length;
  const skip = (): void => {
    while (/\s/.test(source[cursor] ?? '')) cursor += 1;
  };
  skip();
  let parameters: HeaderParameter[] = [];
  if (source[cursor] === '#') {
    cursor += 1;
    skip();
    const list = balanced(source, cursor);
    parameters = list.inner.trim() === '' ? [] : splitTopLevel(list.inner, ',').map(parseParameter);
    cursor = list.end;
    skip();
  }
  const portList = balanced(source, cursor);
  cursor = portList.end;
  skip();
  if (source[cursor] !== ';') throw new Error(`module ${moduleName}: the port list is not followed by ";" (not an ANSI header?)`);
  return { parameters, ports: portList.inner.trim() === '' ? [] : parsePorts(portList.inner) };
}

// ---------------------------------------------------------------------------------------------------------------
// The comparison.

const LITERAL = /^\d+$/;

/**
 * Parameter values as an instance with the description's values sees them: a parameter with a literal default
 * takes the description's value if it lists one (instances set LANES, DEPTH…); a derived one ("keep the defaults")
 * is always its formula, because no instance overrides it.
 */
function parameterValues(header: ModuleHeader, description: ModuleDescription): Map<string, number> {
  const given = new Map(description.parameters.map((p) => [p.name, p.value]));
  const env = new Map<string, number>();
  for (const { name, expression } of header.parameters) {
    const value = LITERAL.test(expression) ? given.get(name) : undefined;
    env.set(name, value ?? evaluate(expression, env));
  }
  return env;
}

/** The file of `description` that declares its module (its own file, not a submodule's). */
function ownFileText(description: ModuleDescription): string {
  const declares = new RegExp(`\\bmodule\\s+${description.name}\\b`);
  const file = description.files.find((f) => declares.test(stripComments(f.text)));
  if (file === undefined) throw new Error(`module ${description.name}: none of its files declares it`);
  return file.text;
}

/** What both sides must agree on; the direction is a string because Verilog may also say `inout`. */
interface PortShape {
  readonly name: string;
  readonly direction: string;
  readonly width: number;
}

const show = (p: PortShape): string => `${p.direction} ${p.name} [${p.width}]`;

/** Ports of the module's Verilog header with their widths evaluated, in declaration order. */
export function verilogPorts(description: ModuleDescription): PortShape[] {
  const header = parseModuleHeader(ownFileText(description), description.name);
  const env = parameterValues(header, description);
  return header.ports.map(({ name, direction, range }) => {
    // A Verilog range [a:b] has |a − b| + 1 bits whichever way round; a degenerate [-1:0] shows up as 2, not 0.
    const width = range === undefined ? 1 : Math.abs(evaluate(range[0], env) - evaluate(range[1], env)) + 1;
    return { name, direction, width };
  });
}

/** Every position where the description and the Verilog header disagree; empty when they match. */
export function portDifferences(description: ModuleDescription): string[] {
  const actual = verilogPorts(description);
  const declared = description.ports;
  const differences: string[] = [];
  for (let i = 0; i < Math.max(actual.length, declared.length); i += 1) {
    const v = actual[i], d = declared[i];
    const vText = v === undefined ? '(none)' : show(v);
    const dText = d === undefined ? '(none)' : show(d);
    if (vText !== dText) differences.push(`${description.name} port ${i}: description ${dText}, Verilog ${vText}`);
  }
  return differences;
}

/** Derived parameters the description lists must equal the file's formula (they are declared twice too). */
function parameterDifferences(description: ModuleDescription): string[] {
  const header = parseModuleHeader(ownFileText(description), description.name);
  const env = parameterValues(header, description);
  return description.parameters.flatMap((p) => {
    const value = env.get(p.name);
    if (value === undefined) return [`${description.name}: parameter ${p.name} is not in the Verilog header`];
    return value === p.value ? [] : [`${description.name}: parameter ${p.name} is ${p.value} in the description, ${value} in Verilog`];
  });
}

/** The top and its submodules, each distinct module (name and parameter values) once, top first. */
function modulesOf(tops: readonly ModuleDescription[]): ModuleDescription[] {
  const seen = new Map<string, ModuleDescription>();
  const visit = (m: ModuleDescription): void => {
    const key = `${m.name}(${m.parameters.map((p) => `${p.name}=${p.value}`).join(',')})`;
    if (seen.has(key)) return;
    seen.set(key, m);
    m.submodules.forEach(visit);
  };
  tops.forEach(visit);
  return [...seen.values()];
}

// ---------------------------------------------------------------------------------------------------------------
// The designs.

const SMALL_BUFFERS = { weightBytes: 1024, activationBytes: 512, outputBytes: 256, scheduleEntries: 16 };

function accelerator(data: unknown): Accelerator {
  return acceleratorFrom(data, 'ports.test');
}

const ACCELERATORS: readonly (readonly [string, Accelerator])[] = [
  ['default config', defaultAccelerator()],
  ['ANN only', accelerator({ ann: { arrays: 2 }, snn: { cores: 0 }, limits: { maxK: 64, maxM: 16 }, buffers: SMALL_BUFFERS })],
  ['SNN only', accelerator({ ann: { arrays: 0 }, snn: { cores: 2, lanes: 4 }, limits: { maxK: 64, maxM: 16 }, buffers: SMALL_BUFFERS })],
  ['2 arrays 3 cores, small buffers', accelerator({ ann: { arrays: 2, rows: 4, cols: 4 }, snn: { cores: 3, lanes: 4 }, limits: { maxK: 64, maxM: 16 }, buffers: SMALL_BUFFERS })],
  ['tiny: one 1×1 array, one 1-lane core, one schedule entry', accelerator({ ann: { arrays: 1, rows: 1, cols: 1 }, snn: { cores: 1, lanes: 1 }, limits: { maxK: 1, maxM: 1 }, buffers: { weightBytes: 64, activationBytes: 64, outputBytes: 64, scheduleEntries: 1 } })],
];

const HASH = 'ab'.repeat(32);

/** Sizes no config reaches (depths of 1 take the `> 1 ? … : …` guards), generated module by module. */
const EXTREMES: readonly ModuleDescription[] = [
  generateAnnCoreFromParams({ rows: 1, cols: 1, accW: 9, maxChunks: 1, weightDepth: 1, btDepth: 1, weightBanks: 1 }, HASH),
  generateAnnCoreFromParams({ rows: 3, cols: 5, accW: 18, maxChunks: 13, weightDepth: 70, btDepth: 14, weightBanks: 2 }, HASH),
  generateSnnCoreFromParams({ lanes: 1, accW: 8, maxEvents: 1, weightDepth: 1, btDepth: 1, weightBanks: 1, thetaW: 1, shiftAdd: false }, { configHash: HASH }),
  generateSnnCoreFromParams({ lanes: 3, accW: 40, maxEvents: 5, weightDepth: 7, btDepth: 3, weightBanks: 2, thetaW: 9, shiftAdd: false }, { configHash: HASH }),
  generateColumnFeeder({ wordBits: 1, depth: 1, schedDepth: 1, banks: 1 }, HASH),
  generateColumnFeeder({ wordBits: 13, depth: 5, schedDepth: 2, banks: 1 }, HASH),
  generateOutputGather({ depth: 1, schedDepth: 1, readLevels: 1, banks: 1 }, HASH),
  generateOutputGather({ depth: 3, schedDepth: 7, readLevels: 2, banks: 1 }, HASH),
];

const DESIGNS: readonly (readonly [string, readonly ModuleDescription[]])[] = [
  ...ACCELERATORS.map(([name, acc]) => [name, generateDesign(acc).modules] as const),
  ['AXI wrapper, default config', [generateAxiTop(defaultAccelerator())]],
  ['AXI wrapper, 8-bit stream, SNN only', [generateAxiTop(ACCELERATORS[2]?.[1] ?? defaultAccelerator(), { axisBits: 8 })]],
  ['AXI wrapper, 1024-bit stream, small', [generateAxiTop(ACCELERATORS[3]?.[1] ?? defaultAccelerator(), { axisBits: 1024 })]],
  ['modules at extreme sizes', EXTREMES],
];

describe('every module declares its ports once: the description equals the Verilog header', () => {
  it.each(DESIGNS)('%s', (_, tops) => {
    const modules = modulesOf(tops);
    expect(modules.length).toBeGreaterThan(1);
    for (const module of modules) {
      expect(verilogPorts(module).length, `${module.name} has ports`).toBeGreaterThan(0);
      expect(portDifferences(module), module.name).toEqual([]);
    }
  });

  it.each(DESIGNS)('%s: listed parameters are in the header, derived ones equal its formula', (_, tops) => {
    for (const module of modulesOf(tops)) expect(parameterDifferences(module), module.name).toEqual([]);
  });

  it('reaches every kind of module through the submodule tree', () => {
    const names = new Set(DESIGNS.flatMap(([, tops]) => modulesOf(tops).map((m) => m.name)));
    expect([...names]).toEqual(expect.arrayContaining(['hwgen_accel_top', 'hwgen_ann_core', 'hwgen_axi_top', 'hwgen_column_feeder', 'hwgen_output_gather', 'hwgen_qcfs_fire', 'hwgen_snn_core']));
  });
});

describe('the comparison can fail', () => {
  const top = generateDesign(defaultAccelerator()).modules[0];
  if (top === undefined) throw new Error('the design has no top');

  /** The top with port `index` replaced. */
  const edited = (index: number, change: (p: PortSpec) => PortSpec): ModuleDescription => ({
    ...top,
    ports: top.ports.map((p, i) => (i === index ? change(p) : p)),
  });

  it('reports a changed width, a renamed port and a flipped direction, each at its position', () => {
    const ports = top.ports;
    const wide = ports.findIndex((p) => p.width > 1);
    const broken: ModuleDescription = {
      ...top,
      ports: ports.map((p, i) => {
        if (i === wide) return { ...p, width: p.width + 1 };
        if (i === 0) return { ...p, name: `${p.name}_renamed` };
        if (i === ports.length - 1) return { ...p, direction: p.direction === 'input' ? 'output' : 'input' };
        return p;
      }),
    };
    const differences = portDifferences(broken);
    expect(differences).toHaveLength(3);
    expect(differences[0]).toContain(`port 0: description input ${ports[0]?.name}_renamed [1], Verilog input ${ports[0]?.name} [1]`);
    expect(differences.join('\n')).toContain(`port ${wide}:`);
    expect(differences.join('\n')).toContain(`port ${ports.length - 1}: description input`);
  });

  it('reads the widths from the file: a widened range in the Verilog is reported', () => {
    const file = top.files[0];
    if (file === undefined) throw new Error('the top has no file');
    const text = file.text.replace(/(input\s+wire\s+)\[7:0\](\s+cfg_t\b)/, '$1[8:0]$2');
    expect(text).not.toBe(file.text);
    const differences = portDifferences({ ...top, files: [{ ...file, text }] });
    expect(differences).toEqual([expect.stringMatching(/description input cfg_t \[8\], Verilog input cfg_t \[9\]$/)]);
  });

  it('reports each kind of edit on its own, and a missing or extra port', () => {
    expect(portDifferences(edited(3, (p) => ({ ...p, width: p.width * 2 })))).toHaveLength(1);
    expect(portDifferences(edited(3, (p) => ({ ...p, name: 'cfg_other' })))).toHaveLength(1);
    expect(portDifferences(edited(1, (p) => ({ ...p, direction: 'output' })))).toHaveLength(1);
    const [first, ...rest] = top.ports;
    const last = top.ports.at(-1);
    if (first === undefined || last === undefined) throw new Error('the top has no ports');
    expect(portDifferences({ ...top, ports: top.ports.slice(0, -1) })).toEqual([`${top.name} port ${top.ports.length - 1}: description (none), Verilog ${show(last)}`]);
    expect(portDifferences({ ...top, ports: [...top.ports, first] })).toEqual([`${top.name} port ${top.ports.length}: description ${show(first)}, Verilog (none)`]);
    expect(portDifferences({ ...top, ports: [...rest, first] }).length, 'a reordered list differs').toBeGreaterThan(1);
  });
});

describe('the header parser and evaluator', () => {
  const env = new Map([['DEPTH', 1], ['LANES', 8]]);

  it('evaluates the operators the templates use, with Verilog $clog2 and integer division', () => {
    expect(evaluate('$clog2(DEPTH > 1 ? DEPTH : 2)', env)).toBe(1);
    expect(evaluate('$clog2(LANES+1)-1', env)).toBe(3);
    expect(evaluate('(DEPTH > 1 ? $clog2(DEPTH) : 1)-1', env)).toBe(0);
    expect(evaluate('LANES*25-1', env)).toBe(199);
    expect(evaluate('LANES/3 + 7 % 4 - -1', env)).toBe(6);
    expect(evaluate('(2 + 3 > 4 + 0) ? 1 : 0', env)).toBe(1);
    expect(() => evaluate("8'd3", env)).toThrow(/unsupported/);
    expect(() => evaluate('NOPE + 1', env)).toThrow(/unknown name NOPE/);
  });

  it('reads comments, continued declarations and a ternary inside a range', () => {
    const text = `// header
      module m #(parameter integer N = 4, parameter integer W = N > 2 ? N : 2 /* derived */) (
        input wire clk, // clock
        output reg [W > 3 ? W-1 : 0:0] a, b,
        inout wire signed [N*2-1:0] c
      );
      endmodule`;
    const header = parseModuleHeader(text, 'm');
    expect(header.parameters.map((p) => p.name)).toEqual(['N', 'W']);
    expect(header.ports).toEqual([
      { name: 'clk', direction: 'input', range: undefined },
      { name: 'a', direction: 'output', range: ['W > 3 ? W-1 : 0', '0'] },
      { name: 'b', direction: 'output', range: ['W > 3 ? W-1 : 0', '0'] },
      { name: 'c', direction: 'inout', range: ['N*2-1', '0'] },
    ]);
  });
});
