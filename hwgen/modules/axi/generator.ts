/**
 * The AXI wrapper (hwgen/modules/axi/axi_top.v.hbs, module hwgen_axi_top): hwgen_accel_top behind AXI4-Lite (control,
 * status, layer configuration, performance counters) and AXI4-Stream (load words in, output levels out). The
 * register map is REGISTERS below and README.md beside this file; the stream word layouts are `axiLoadBuses`.
 */
import type { Accelerator } from '../../config/load-config.ts';
import type { LoadBus } from '../../arch/load-buses.ts';
import { ACCEL_TOP_MODULE, generateAccelTop } from '../accel/generator.ts';
import { accelTopWidths } from '../accel/arch.ts';
import { type ModuleDescription, type PortSpec, findPort, port } from '../../arch/module.ts';
import { renderVerilog } from '../../generate/render.ts';
import { ceilDiv, clog2 } from '../../arch/math.ts';
import { gatherParams } from '../dispatcher/arch.ts';

export const AXI_TOP_MODULE = 'hwgen_axi_top';
export const AXI_TOP_FILE = `${AXI_TOP_MODULE}.v`;
export const AXIL_ADDRESS_BITS = 12;
/** `ID` register: "HWG" and the register map's version. */
export const AXI_ID = 0x4857_4701;
/** 3: CONFIG + 0x20 is cfg_wbank, the run's weight bank (2: BANK and s_axis back-pressure while a run owns the selected bank). */
export const AXI_MAP_VERSION = 3;
export const DEFAULT_AXIS_BITS = 32;

/** Byte offsets of the AXI4-Lite registers (32 bits each). */
export const REGISTERS = {
  ID: 0x000,
  INFO: 0x004,
  CTRL: 0x008,
  STATUS: 0x00c,
  IRQ_EN: 0x010,
  CYCLES_LO: 0x014,
  CYCLES_HI: 0x018,
  LOAD_SEL: 0x020,
  LOAD_ADDR: 0x024,
  LOAD_WORDS: 0x028,
  OUT_CORE: 0x030,
  OUT_ADDR: 0x034,
  OUT_COUNT: 0x038,
  /** Bit 0: the bank loads write and drains read; START latches it as the run's bank (0 with one bank). */
  BANK: 0x03c,
  /** BEATS of load bus b at BEATS + 4·b. */
  BEATS: 0x040,
  /** The layer configuration, one register per cfg_* port, in CONFIG_PORTS order. */
  CONFIG: 0x080,
  /** cfg_entries of core i at ENTRIES + 4·i. */
  ENTRIES: 0x100,
  /** Counter j of core i: low 32 bits at COUNTERS + 0x40·i + 8·j, high 16 bits 4 bytes later. */
  COUNTERS: 0x800,
} as const;

export const CTRL_START = 1, CTRL_DRAIN = 2, CTRL_SOFT_RESET = 4;
export const STATUS_DONE = 1, STATUS_BUSY = 2, STATUS_DRAINING = 4, STATUS_DRAINED = 8;

/** The layer-configuration ports of hwgen_accel_top, at CONFIG + 4·i. */
export const CONFIG_PORTS = ['cfg_ann_groups', 'cfg_ann_chunks', 'cfg_ann_last_rows', 'cfg_ann_last_cols', 'cfg_snn_groups', 'cfg_snn_last_lanes', 'cfg_snn_k', 'cfg_t', 'cfg_wbank'] as const;

export interface AxiOptions {
  /** Stream data width in bits: 8·2^n, 8..1024 (default 32); the default of the AXIS_W parameter, which may be overridden. */
  readonly axisBits?: number;
}

/** One load bus as the stream carries it: its number in LOAD_SEL, its ports and its word's fields. */
export interface AxiLoadBus {
  readonly id: number;
  readonly bus: LoadBus;
  readonly en: string;
  readonly addr: string;
  readonly addrBits: number;
  /** Fields of a word, from bit 0 up. */
  readonly fields: readonly { readonly port: string; readonly width: number; readonly offset: number }[];
  readonly bits: number;
  readonly beats: number;
}

const BUS_PORTS: readonly [LoadBus, string, readonly string[]][] = [
  ['annW', 'ann_w_wr', ['ann_w_wr_data']],
  ['annBt', 'ann_bt_wr', ['ann_bt_wr_bias', 'ann_bt_wr_theta']],
  ['snnW', 'snn_w_wr', ['snn_w_wr_data']],
  ['snnBt', 'snn_bt_wr', ['snn_bt_wr_start', 'snn_bt_wr_theta']],
  ['act', 'act_wr', ['act_wr_data']],
  ['ev', 'ev_wr', ['ev_wr_data']],
  ['sched', 'sched_wr', ['sched_wr_data']],
];

function checkAxisBits(bits: number): void {
  if (!Number.isInteger(bits) || bits < 8 || bits > 1024 || (bits & (bits - 1)) !== 0) throw new RangeError(`${AXI_TOP_MODULE}: the stream width must be 8·2^n bits, 8..1024, got ${bits}`);
}

/** The load buses in LOAD_SEL order (LOAD_BUSES' order), with their stream layouts. */
export function axiLoadBuses(accelTop: ModuleDescription, axisBits = DEFAULT_AXIS_BITS): AxiLoadBus[] {
  checkAxisBits(axisBits);
  return BUS_PORTS.map(([bus, prefix, data], id) => {
    let offset = 0;
    const fields = data.map((name) => {
      const width = findPort(accelTop, name).width;
      const field = { port: name, width, offset };
      offset += width;
      return field;
    });
    return { id, bus, en: `${prefix}_en`, addr: `${prefix}_addr`, addrBits: findPort(accelTop, `${prefix}_addr`).width, fields, bits: offset, beats: ceilDiv(offset, axisBits) };
  });
}

const hex12 = (value: number) => `12'h${value.toString(16).padStart(3, '0')}`;

function axiPorts(axisBits: number): PortSpec[] {
  const a = AXIL_ADDRESS_BITS;
  return [
    port('aclk', 'input', 1, 'clock', 'clock, rising edge'),
    port('aresetn', 'input', 1, 'reset', 'synchronous reset, active low'),
    port('s_axi_awaddr', 'input', a, 'config', 'AXI4-Lite write address (byte address of a 32-bit register)'),
    port('s_axi_awprot', 'input', 3, 'config', 'AXI4-Lite write protection (ignored)'),
    port('s_axi_awvalid', 'input', 1, 'config', 'AXI4-Lite write address valid'),
    port('s_axi_awready', 'output', 1, 'config', 'AXI4-Lite write address ready'),
    port('s_axi_wdata', 'input', 32, 'config', 'AXI4-Lite write data'),
    port('s_axi_wstrb', 'input', 4, 'config', 'AXI4-Lite byte strobes'),
    port('s_axi_wvalid', 'input', 1, 'config', 'AXI4-Lite write data valid'),
    port('s_axi_wready', 'output', 1, 'config', 'AXI4-Lite write data ready'),
    port('s_axi_bresp', 'output', 2, 'config', 'AXI4-Lite write response (always OKAY)'),
    port('s_axi_bvalid', 'output', 1, 'config', 'AXI4-Lite write response valid'),
    port('s_axi_bready', 'input', 1, 'config', 'AXI4-Lite write response ready'),
    port('s_axi_araddr', 'input', a, 'status', 'AXI4-Lite read address'),
    port('s_axi_arprot', 'input', 3, 'status', 'AXI4-Lite read protection (ignored)'),
    port('s_axi_arvalid', 'input', 1, 'status', 'AXI4-Lite read address valid'),
    port('s_axi_arready', 'output', 1, 'status', 'AXI4-Lite read address ready'),
    port('s_axi_rdata', 'output', 32, 'status', 'AXI4-Lite read data'),
    port('s_axi_rresp', 'output', 2, 'status', 'AXI4-Lite read response (always OKAY)'),
    port('s_axi_rvalid', 'output', 1, 'status', 'AXI4-Lite read data valid'),
    port('s_axi_rready', 'input', 1, 'status', 'AXI4-Lite read data ready'),
    port('s_axis_tdata', 'input', axisBits, 'stream-in', 'load words, first beat in the low bits'),
    port('s_axis_tvalid', 'input', 1, 'stream-in', 'beat valid'),
    port('s_axis_tready', 'output', 1, 'stream-in', 'low while the accelerator runs and while LOAD_SEL or LOAD_ADDR is written'),
    port('s_axis_tlast', 'input', 1, 'stream-in', 'ignored'),
    port('m_axis_tdata', 'output', axisBits, 'stream-out', 'output levels, first level in the low byte'),
    port('m_axis_tkeep', 'output', axisBits / 8, 'stream-out', 'the levels of the beat'),
    port('m_axis_tvalid', 'output', 1, 'stream-out', 'beat valid'),
    port('m_axis_tready', 'input', 1, 'stream-out', 'beat ready'),
    port('m_axis_tlast', 'output', 1, 'stream-out', 'last beat of a drain'),
    port('irq', 'output', 1, 'status', '(DONE and IRQ_EN[0]) or (DRAINED and IRQ_EN[1])'),
  ];
}

export function generateAxiTop(accelerator: Accelerator, options: AxiOptions = {}): ModuleDescription {
  const axisBits = options.axisBits ?? DEFAULT_AXIS_BITS;
  checkAxisBits(axisBits);
  const accel = generateAccelTop(accelerator);
  const { ann, snn } = accelerator.config;
  const cores = ann.arrays + snn.cores;
  if (cores > 32) throw new RangeError(`${AXI_TOP_MODULE}: at most 32 cores, got ${cores}`);
  const widths = accelTopWidths(accelerator);
  const buses = axiLoadBuses(accel, axisBits);
  // OUT_ADDR and the stream count levels; the top's read port takes words of `readLevels` levels.
  const drain = gatherParams(accelerator);
  const entryBits = widths.entryBits;
  // Everything that depends on the stream width is derived from AXIS_W in the Verilog, so the parameter is real.
  const context = {
    axisBits,
    cores,
    annArrays: ann.arrays,
    snnCores: snn.cores,
    coreBits: widths.coreBits,
    outAddressBits: clog2(drain.depth),
    readAddressBits: widths.outAddressBits,
    readLevels: drain.readLevels,
    loadAddressBits: Math.max(...buses.map((bus) => bus.addrBits)),
    maxWordBits: Math.max(...buses.map((bus) => bus.bits)),
    idHex: AXI_ID.toString(16).padStart(8, '0'),
    mapVersion: AXI_MAP_VERSION,
    banks: accelerator.config.buffers.banks,
    reg: Object.fromEntries(Object.entries(REGISTERS).map(([name, offset]) => [name, hex12(offset)])),
    cfgRegs: CONFIG_PORTS.map((name, i) => ({ name, width: findPort(accel, name).width, offset: hex12(REGISTERS.CONFIG + 4 * i) })),
    entryRegs: Array.from({ length: cores }, (_, core) => ({ core, width: entryBits, offset: hex12(REGISTERS.ENTRIES + 4 * core) })),
    entryConcat: Array.from({ length: cores }, (_, i) => `r_entries_${cores - 1 - i}`).join(', '),
    buses: buses.map((bus) => ({
      id: bus.id,
      name: bus.bus,
      en: bus.en,
      addr: bus.addr,
      addrBits: bus.addrBits,
      bits: bus.bits,
      beatsOffset: hex12(REGISTERS.BEATS + 4 * bus.id),
      fields: bus.fields.map((field) => ({ port: field.port, width: field.width, offset: field.offset })),
    })),
  };
  const text = renderVerilog('hwgen/modules/axi/axi_top.v.hbs', context, {
    file: AXI_TOP_FILE,
    configHash: accelerator.hash,
    summary: 'AXI wrapper: AXI4-Lite control/status/counters, AXI4-Stream loads in and levels out',
  });
  return {
    name: AXI_TOP_MODULE,
    description: `${ACCEL_TOP_MODULE} behind AXI4-Lite (control, status, configuration, counters) and AXI4-Stream (loads in, output levels out)`,
    parameters: [
      { name: 'AXIS_W', value: axisBits, description: 'AXI4-Stream data bits, 8·2^n, 8..1024 (every stream width in the wrapper follows it)' },
      { name: 'AXIL_AW', value: AXIL_ADDRESS_BITS, description: 'AXI4-Lite address bits' },
    ],
    ports: axiPorts(axisBits),
    files: [{ name: AXI_TOP_FILE, text }],
    submodules: [accel],
  };
}
