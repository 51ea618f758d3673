/**
 * The SNN core's serial QCFS fire stage (hwgen/modules/serial-fire/serial_fire.v.hbs): the bank of a lane group's
 * membranes, fired one lane per cycle by a pipelined shift-and-subtract divider that all lanes share, so that a lane
 * costs its membrane registers and nothing of the fire arithmetic. spec.md beside this file has its timing.
 */
import { type ModuleDescription, port } from '../../arch/module.ts';
import { renderVerilog } from '../../generate/render.ts';
import { fireStagePorts } from '../fire/generator.ts';

export const SERIAL_FIRE_MODULE = 'hwgen_serial_fire';

export interface SerialFireParams {
  readonly lanes: number;
  readonly accW: number;
  /** θ width: bitsFor(limits.maxTheta). */
  readonly thetaW: number;
  readonly configHash: string;
}

export function generateSerialFire(params: SerialFireParams): ModuleDescription {
  const { lanes, accW, thetaW } = params;
  // The text does not depend on the sizes (instances set every parameter), so every core shares one file.
  const text = renderVerilog('hwgen/modules/serial-fire/serial_fire.v.hbs', {}, {
    file: `${SERIAL_FIRE_MODULE}.v`,
    configHash: params.configHash,
    summary: 'serial QCFS fire stage: one lane per cycle through a shared shift-and-subtract divider',
  });
  return {
    name: SERIAL_FIRE_MODULE,
    description: 'Fires a bank of membranes to output levels one lane per cycle through a pipelined divider shared by all lanes',
    parameters: [
      { name: 'LANES', value: lanes, description: 'membranes per bank' },
      { name: 'ACC_W', value: accW, description: 'signed membrane width' },
      { name: 'THETA_W', value: thetaW, description: 'θ width: bitsFor(limits.maxTheta)' },
    ],
    ports: [
      ...fireStagePorts(lanes, accW, thetaW),
      port('load_tag', 'input', 1, 'stream-in', "a flag carried to the bank's beats"),
      port('out_tag', 'output', 1, 'stream-out', "the bank's load_tag"),
      port('fire_spikes', 'output', 8, 'counter', 'output spikes of the level accepted this cycle'),
      port('busy', 'output', 1, 'status', 'a bank or a beat is in the unit'),
    ],
    files: [{ name: `${SERIAL_FIRE_MODULE}.v`, text }],
    submodules: [],
  };
}
