/**
 * The place-and-route harness: a generated design has hundreds or thousands of ports (a 512-bit weight bus…), far
 * more than an iCE40 package has pins, and nextpnr-ice40 has no out-of-context mode. The harness gives it four pins:
 * every DUT input is a bit of a shift register fed from `si` (so nothing is constant and nothing is optimised
 * away), every DUT output is registered and XOR-reduced onto `so` (so every output is observed). The harness
 * costs one flip-flop per input bit, one per output bit and an XOR tree; `hwgen synth` reports the design without it
 * and nextpnr's utilisation with it. Timing through the harness is register to register, as a design fed from
 * and drained into registers (the AXI wrapper's) sees it.
 */
import type { ModuleDescription } from '../arch/module.ts';

export const HARNESS_MODULE = 'hwgen_pnr_harness';
export const HARNESS_FILE = `${HARNESS_MODULE}.v`;
/** The DUT's instance name inside the harness. */
export const HARNESS_DUT = 'dut';

export interface Harness {
  readonly text: string;
  readonly inputBits: number;
  readonly outputBits: number;
}

export function renderHarness(module: ModuleDescription): Harness {
  const clock = module.ports.find((port) => port.role === 'clock');
  if (clock === undefined) throw new Error(`${module.name} has no clock port`);
  const reset = module.ports.find((port) => port.role === 'reset');
  const inputs = module.ports.filter((port) => port.direction === 'input' && port !== clock && port !== reset);
  const outputs = module.ports.filter((port) => port.direction === 'output');
  const inputBits = inputs.reduce((sum, port) => sum + port.width, 0);
  const outputBits = outputs.reduce((sum, port) => sum + port.width, 0);
  const connections: string[] = [`.${clock.name}(clk)`];
  if (reset !== undefined) connections.push(`.${reset.name}(rst)`);
  let lsb = 0;
  for (const port of inputs) {
    connections.push(`.${port.name}(chain[${lsb + port.width - 1}:${lsb}])`);
    lsb += port.width;
  }
  lsb = 0;
  for (const port of outputs) {
    connections.push(`.${port.name}(outs[${lsb + port.width - 1}:${lsb}])`);
    lsb += port.width;
  }
  const inW = Math.max(inputBits, 1);
  const shift = inW === 1 ? 'si' : `{chain[${inW - 2}:0], si}`;
  const text = [
    '`default_nettype none',
    '',
    `// Place-and-route harness for ${module.name} (hwgen/fpga/harness.ts): ${inputBits} input bits shifted in from si,`,
    `// ${outputBits} output bits registered and XOR-reduced onto so. For nextpnr only; not a product.`,
    `module ${HARNESS_MODULE} (`,
    '    input  wire clk,',
    '    input  wire rst,',
    '    input  wire si,',
    '    output wire so',
    ');',
    `    reg  [${inW - 1}:0] chain;`,
    `    wire [${Math.max(outputBits, 1) - 1}:0] outs;`,
    `    reg  [${Math.max(outputBits, 1) - 1}:0] outs_q;`,
    '    always @(posedge clk) begin',
    `        chain  <= ${shift};`,
    '        outs_q <= outs;',
    '    end',
    '    assign so = ^outs_q;',
    ...(reset === undefined ? ['    wire unused_rst = rst;'] : []),
    ...(outputBits === 0 ? ['    assign outs = 1\'b0;'] : []),
    '',
    `    ${module.name} ${HARNESS_DUT} (`,
    connections.map((connection) => `        ${connection}`).join(',\n'),
    '    );',
    'endmodule',
    '',
    '`default_nettype wire',
    '',
  ].join('\n');
  return { text, inputBits, outputBits };
}
