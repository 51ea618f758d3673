/**
 * The accelerator's probes: the testbench copies every core's two streams into signals of its own
 * (`probe_c<core>_<port>`), so a waveform dumped at the testbench's scope alone holds all the check reads.
 * The input stream runs feeder → core (in_valid/in_ready and in_data, or in_addr/in_level/in_last); the
 * output stream core → gatherer (out_valid/out_ready, out_level/out_last).
 */
import type { Accelerator } from '../../config/load-config.ts';
import { type CoreKind, type Machines, coreAt } from '../../arch/core-kinds.ts';
import { type CoreParams, accelTopWidths, designOf } from '../../modules/accel/arch.ts';
import { addressBits } from '../../modules/snn-core/arch.ts';
import { PROGRAM_TB_MODULE, type TraceProbe } from '../program-player.ts';
import type { PayloadField, StreamInterface } from '../../../sim/waveform/protocol.ts';

const TB = PROGRAM_TB_MODULE;

/** Where each kind's core sits in the top's generate block, and its input stream's payload ports with their widths. */
const PROBED_KINDS: Readonly<Record<CoreKind, { instance(c: number): string; inputFields(params: CoreParams): [string, number][] }>> = {
  ann: {
    instance: (c) => `dut.core[${c}].ann.array`,
    inputFields: (params) => [['in_data', params.ann.cols * 8]],
  },
  snn: {
    instance: (c) => `dut.core[${c}].snn.snn_core`,
    inputFields: (params) => [['in_addr', addressBits(params.snn)], ['in_level', 8], ['in_last', 1]],
  },
};

/** One core's streams as the waveform names them, and where each probe looks in the design. */
export interface CoreStreams {
  readonly core: number;
  readonly kind: CoreKind;
  /** Index among the cores of its kind. */
  readonly index: number;
  /** `core 1 (snn 0)`. */
  readonly label: string;
  /** The core instance, from the testbench: `dut.core[1].snn.snn_core`. */
  readonly instance: string;
  readonly input: StreamInterface;
  readonly output: StreamInterface;
}

/** The host's read port of the output banks (registered: a word's data comes one cycle after its address). */
export interface BankReadProbes {
  readonly core: string;
  readonly addr: string;
  readonly data: string;
  /** The top's `bank` input: the bank a read addresses (buffers.banks = 2). */
  readonly bank: string;
  /** Levels per read word (R = buffers.drainBytes), level a·R + l in byte lane l. */
  readonly levels: number;
}

export interface AccelProbes {
  readonly probes: TraceProbe[];
  readonly cores: CoreStreams[];
  readonly clock: string;
  readonly reset: string;
  readonly cycle: string;
  readonly start: string;
  readonly done: string;
  readonly bankRead: BankReadProbes;
  /** Waveform name → the design signal it copies (`hwgen_program_tb.dut.core[1].o_level`), for reports. */
  readonly pathOf: ReadonlyMap<string, string>;
}

/** Adds a probe of `width` bits copying the design signal `path`; gives its name in the waveform. */
type Probe = (name: string, width: number, path: string) => string;

/** The probes the program player copies for a waveform check of hwgen_accel_top, and the streams they form. */
export function accelTraceProbes(accelerator: Accelerator): AccelProbes {
  const { params, machines, buffers } = designOf(accelerator);
  const probes: TraceProbe[] = [];
  const pathOf = new Map<string, string>();
  const probe: Probe = (name, width, path) => {
    probes.push({ name, width, path });
    pathOf.set(`${TB}.${name}`, `${TB}.${path}`);
    return `${TB}.${name}`;
  };
  const start = probe('probe_start', 1, 'dut.start');
  const done = probe('probe_done', 1, 'dut.done');
  const cores = Array.from({ length: machines.annArrays + machines.snnCores }, (_, c) => coreStreams(c, machines, params, probe));
  const bankRead = bankReadProbes(accelerator, buffers.drainLevels, probe);
  return { probes, cores, clock: `${TB}.clk`, reset: `${TB}.rst`, cycle: `${TB}.cycle`, start, done, bankRead, pathOf };
}

/** The drain's read port, probed after the cores' streams (so that the streams' probe order stays as it was). */
function bankReadProbes(accelerator: Accelerator, levels: number, probe: Probe): BankReadProbes {
  const widths = accelTopWidths(accelerator);
  return {
    core: probe('probe_ob_rd_core', widths.coreBits, 'dut.ob_rd_core'),
    addr: probe('probe_ob_rd_addr', widths.outAddressBits, 'dut.ob_rd_addr'),
    data: probe('probe_ob_rd_data', 8 * levels, 'dut.ob_rd_data'),
    bank: probe('probe_bank', 1, 'dut.bank'),
    levels,
  };
}

/** Core c's streams (the ANN arrays come first), probing its ports in the order the testbench declares them. */
function coreStreams(c: number, machines: Machines, params: CoreParams, probe: Probe): CoreStreams {
  const { kind, index } = coreAt(c, machines);
  const instance = PROBED_KINDS[kind].instance(c);
  const label = `core ${c} (${kind} ${index})`;
  const port = (name: string, width: number): string => probe(`probe_c${c}_${name}`, width, `${instance}.${name}`);
  const field = (name: string, width: number): PayloadField => ({ label: name, signal: port(name, width) });
  const input = handshake(`${label} input`, 'in', port, () => PROBED_KINDS[kind].inputFields(params).map(([name, width]) => field(name, width)));
  const output = handshake(`${label} output`, 'out', port, () => [field('out_level', 8), field('out_last', 1)]);
  return { core: c, kind, index, label, instance, input, output };
}

/** A stream with ports `<side>_valid` and `<side>_ready`; `payload` probes its fields after those two. */
function handshake(name: string, side: 'in' | 'out', port: (name: string, width: number) => string, payload: () => PayloadField[]): StreamInterface {
  const valid = port(`${side}_valid`, 1);
  const ready = port(`${side}_ready`, 1);
  return { name, valid, ready, validLabel: `${side}_valid`, readyLabel: `${side}_ready`, payload: payload() };
}
