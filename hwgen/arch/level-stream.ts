/** The output stream both cores end in (the shared fire stage's levels, with a column marker). */
import { type PortSpec, port } from './module.ts';

export function levelStreamOutPorts(): PortSpec[] {
  return [
    port('out_valid', 'output', 1, 'stream-out', 'an output level is offered'),
    port('out_ready', 'input', 1, 'stream-out', 'the consumer takes it this cycle'),
    port('out_level', 'output', 8, 'stream-out', 'y[m] of the current column, m = 0..M−1 in order'),
    port('out_last', 'output', 1, 'stream-out', 'y[M−1]: the last level of a column'),
  ];
}
