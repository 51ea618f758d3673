/**
 * The QCFS fire stage (hwgen/modules/fire/qcfs_fire.v.hbs): shared by the ANN array and the SNN core, so both
 * paths end in the same, once-verified hardware for `clamp(floor(v/θ), 0, T)`.
 */
import { type ModuleDescription, port } from '../../arch/module.ts';
import { renderVerilog } from '../../generate/render.ts';
import { bitsFor } from '../../arch/math.ts';
import { THETA_BITS } from '../../arch/widths.ts';

export const FIRE_MODULE = 'hwgen_qcfs_fire';

export interface FireParams {
  readonly lanes: number;
  readonly accW: number;
  readonly configHash: string;
}

export function generateFire(params: FireParams): ModuleDescription {
  const { lanes, accW } = params;
  const laneW = bitsFor(lanes);
  // The text does not depend on lanes or width (instances set both parameters), so the ANN array
  // and the SNN core of one design share one file.
  const text = renderVerilog('hwgen/modules/fire/qcfs_fire.v.hbs', {}, {
    file: 'hwgen_qcfs_fire.v',
    configHash: params.configHash,
    summary: 'QCFS fire stage: reset-by-subtraction over a bank of membranes',
  });
  return {
    name: FIRE_MODULE,
    description: 'Fires a bank of membranes to output levels by repeated subtraction, then streams them out',
    parameters: [
      { name: 'LANES', value: lanes, description: 'membranes fired in parallel' },
      { name: 'ACC_W', value: accW, description: 'signed membrane width' },
      { name: 'THETA_W', value: THETA_BITS, description: 'θ width (θ ≤ 2^24)' },
    ],
    ports: [
      port('clk', 'input', 1, 'clock', 'clock, rising edge'),
      port('rst', 'input', 1, 'reset', 'synchronous reset, active high'),
      port('cfg_t', 'input', 8, 'config', 'T: largest output level, 1..255'),
      port('load_valid', 'input', 1, 'stream-in', 'a bank of membranes is offered'),
      port('load_ready', 'output', 1, 'stream-in', 'the unit takes the bank this cycle'),
      port('load_membrane', 'input', lanes * accW, 'stream-in', 'signed v = acc + b + floor(θ/2) per lane'),
      port('load_theta', 'input', lanes * THETA_BITS, 'stream-in', 'θ per lane'),
      port('load_lanes', 'input', laneW, 'stream-in', 'lanes holding an output, 1..LANES'),
      port('out_valid', 'output', 1, 'stream-out', 'a level is offered'),
      port('out_ready', 'input', 1, 'stream-out', 'the consumer takes it this cycle'),
      port('out_level', 'output', 8, 'stream-out', 'output level 0..T'),
      port('out_bank_last', 'output', 1, 'stream-out', "the bank's last level"),
      port('fire_events', 'output', laneW, 'counter', 'output spikes made this cycle'),
    ],
    files: [{ name: 'hwgen_qcfs_fire.v', text }],
    submodules: [],
  };
}
