/**
 * The MAC array's QCFS fire stage (hwgen/modules/fire/qcfs_fire.v.hbs): every row's `clamp(floor(v/θ), 0, T)` by
 * repeated subtraction, all rows at once. The SNN core has its own, serial one (hwgen/modules/serial-fire/), with
 * the same bank-in, levels-out ports (fireStagePorts).
 */
import { type ModuleDescription, type PortSpec, port } from '../../arch/module.ts';
import { renderVerilog } from '../../generate/render.ts';
import { bitsFor } from '../../arch/math.ts';
import { THETA_BITS } from '../../arch/widths.ts';

export const FIRE_MODULE = 'hwgen_qcfs_fire';

export interface FireParams {
  readonly lanes: number;
  readonly accW: number;
  readonly configHash: string;
}

/**
 * The ports every fire stage has, in this order: clock and reset, T, the bank it takes (a membrane and a θ per
 * lane, the lanes in use) and the level stream it gives. Each kind adds its own counter and flags after them.
 */
export function fireStagePorts(lanes: number, accW: number, thetaW: number): PortSpec[] {
  return [
    port('clk', 'input', 1, 'clock', 'clock, rising edge'),
    port('rst', 'input', 1, 'reset', 'synchronous reset, active high'),
    port('cfg_t', 'input', 8, 'config', 'T: largest output level, 1..255; 0: logits'),
    port('load_valid', 'input', 1, 'stream-in', 'a bank of membranes is offered'),
    port('load_ready', 'output', 1, 'stream-in', 'the unit takes the bank this cycle'),
    port('load_membrane', 'input', lanes * accW, 'stream-in', 'signed v = acc + b + floor(θ/2) per lane'),
    port('load_theta', 'input', lanes * thetaW, 'stream-in', 'θ per lane'),
    port('load_lanes', 'input', bitsFor(lanes), 'stream-in', 'lanes holding an output, 1..LANES'),
    port('out_valid', 'output', 1, 'stream-out', 'a level is offered'),
    port('out_ready', 'input', 1, 'stream-out', 'the consumer takes it this cycle'),
    port('out_level', 'output', 8, 'stream-out', 'output level 0..T, or a byte of a logit'),
    port('out_bank_last', 'output', 1, 'stream-out', "the bank's last beat"),
  ];
}

export function generateFire(params: FireParams): ModuleDescription {
  const { lanes, accW } = params;
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
      ...fireStagePorts(lanes, accW, THETA_BITS),
      port('fire_events', 'output', bitsFor(lanes), 'counter', 'output spikes made this cycle'),
    ],
    files: [{ name: 'hwgen_qcfs_fire.v', text }],
    submodules: [],
  };
}
