/**
 * The simulator's version line for the report's tool list: asked the way the simulation cache asks it
 * (sim/verilator.ts, sim/icarus.ts), and answered from the same per-process cache, so a run that already
 * built its simulation starts no further program.
 */
import { toolVersion } from '../../sim/exec.ts';

export async function simulatorVersion(simulator: string): Promise<Record<string, string>> {
  if (simulator === 'verilator') return { verilator: await toolVersion('verilator', ['verilator', '--version']) };
  if (simulator === 'icarus' || simulator === 'iverilog') return { iverilog: await toolVersion('iverilog', ['iverilog', '-V']) };
  return {};
}
