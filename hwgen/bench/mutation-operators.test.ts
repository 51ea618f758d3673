/** The mutation operators on a hand-written module: where each applies, where it must not, and what it writes. */
import { describe, expect, it } from 'vitest';
import { type Mutation, applyMutation, describeMutation, mutationsOf } from './mutation-operators.ts';
import { sampleMutations } from './mutation.ts';

const MODULE = [
  'module m #(',
  '    parameter integer W = 4',
  ') (',
  '    input  wire clk,',
  '    input  wire [W-1:0] a,',
  '    output wire [7:0] y',
  ');',
  '    localparam [W-1:0] ONE = 1;',
  '    reg [7:0] q;',
  '    reg [W-1:0] n;',
  '    wire hit = (n == a) && en;   // a comment: x <= y + 1',
  '    wire take = en && ok;',
  '    always @(posedge clk) begin',
  '        if (n <= a) n <= n + ONE;',
  "        q <= mem[n[W-1:0]];",
  '    end',
  '    assign y = q;',
  "    wire unused_bits = ^{n, 8'd0};",
  'endmodule',
].join('\n');

const found = mutationsOf('m.v', MODULE);
const changes = (operator: Mutation['operator']): string[] => found.filter((m) => m.operator === operator).map((m) => describeMutation(MODULE, m));

describe('mutationsOf', () => {
  it('flips comparisons inside expressions, never a non-blocking assignment', () => {
    expect(changes('relational')).toEqual([
      'm.v:11: wire hit = (n == a) && en;   // a comment: x <= y + 1  →  wire hit = (n != a) && en;   // a comment: x <= y + 1',
      'm.v:14: if (n <= a) n <= n + ONE;  →  if (n < a) n <= n + ONE;',
    ]);
  });

  it('swaps + and − outside ranges, indices and comments', () => {
    expect(changes('arithmetic')).toEqual(['m.v:14: if (n <= a) n <= n + ONE;  →  if (n <= a) n <= n - ONE;']);
  });

  it('inverts conditions, sticks one-bit control nets, drops conjuncts', () => {
    expect(changes('condition')).toEqual(['m.v:14: if (n <= a) n <= n + ONE;  →  if (!(n <= a)) n <= n + ONE;']);
    expect(changes('stuck-control')).toEqual(["m.v:12: wire take = en && ok;  →  wire take = 1'b0;", "m.v:12: wire take = en && ok;  →  wire take = 1'b1;"]);
    expect(changes('drop-conjunct')).toEqual(['m.v:12: wire take = en && ok;  →  wire take = en;', 'm.v:12: wire take = en && ok;  →  wire take = ok;']);
  });

  it('skips a register: the assign that reads it reads its source', () => {
    expect(changes('register-bypass')).toEqual(['m.v:17: assign y = q;  →  assign y = (mem[n[W-1:0]]);']);
  });

  it('leaves declarations, parameters and unused sinks alone', () => {
    expect(found.every((m) => m.line >= 9 && m.line !== 18)).toBe(true);
  });
});

describe('applyMutation', () => {
  it('changes exactly the text at its place, and refuses a stale one', () => {
    const [first] = found;
    const mutated = applyMutation(MODULE, first!);
    expect(mutated.split('\n').filter((line, i) => line !== MODULE.split('\n')[i])).toHaveLength(1);
    expect(() => applyMutation(mutated, first!)).toThrow(/is not at column/);
  });
});

describe('sampleMutations', () => {
  it('takes every operator in turn, the same for the same seed', () => {
    const sample = sampleMutations(found, 4, 7);
    expect(new Set(sample.map((m) => m.operator)).size).toBe(4);
    expect(sampleMutations(found, 4, 7)).toEqual(sample);
  });
});
