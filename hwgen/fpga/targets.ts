/**
 * The synthesis targets of `hwgen synth`, the parts it checks a design against, and how yosys' cell types
 * count as FPGA resources (LUT, FF, carry, DSP, block RAM).
 */

export const TARGETS = ['generic', 'xc7', 'ice40'] as const;
export type TargetName = (typeof TARGETS)[number];

/** Resources in the units a part's datasheet counts them. */
export interface Resources {
  /** LUTs: logic LUTs plus LUTs used as distributed RAM or shift registers (xc7: LUT1..LUT6 and LUTRAM/SRL; ice40: SB_LUT4). */
  readonly lut: number;
  /** Of `lut`, the LUTs used as memory (xc7 LUTRAM and SRL; 0 on ice40). */
  readonly lutMemory: number;
  /** Flip-flops. */
  readonly ff: number;
  /** Carry cells (xc7 CARRY4, ice40 SB_CARRY). */
  readonly carry: number;
  /** Multiplier blocks (xc7 DSP48E1, ice40 SB_MAC16). */
  readonly dsp: number;
  /** Block RAM in the part's unit: xc7 RAMB36E1 equivalents (a RAMB18E1 is ½), ice40 SB_RAM40_4K (EBR). */
  readonly bram: number;
  /** ice40 SB_SPRAM256KA; 0 elsewhere. */
  readonly spram: number;
}

export const RESOURCE_KEYS = ['lut', 'lutMemory', 'ff', 'carry', 'dsp', 'bram', 'spram'] as const satisfies readonly (keyof Resources)[];

export const ZERO_RESOURCES: Resources = { lut: 0, lutMemory: 0, ff: 0, carry: 0, dsp: 0, bram: 0, spram: 0 };

/** What one cell of a type uses. Types not listed (muxes, I/O, clock buffers, inverters folded into LUTs…) count as none. */
type CellCost = Partial<Record<keyof Resources, number>>;

const XC7_FFS = ['FDRE', 'FDSE', 'FDCE', 'FDPE', 'LDCE', 'LDPE'];
/** LUTs per distributed-RAM / SRL primitive (UG474: RAM32M and RAM64M take four LUTs of a SLICEM, RAM32X1D two, …). */
const XC7_LUTRAM: Readonly<Record<string, number>> = {
  RAM32X1S: 1, RAM64X1S: 1, RAM128X1S: 2, RAM256X1S: 4,
  RAM32X1D: 2, RAM64X1D: 2, RAM128X1D: 4,
  RAM32M: 4, RAM64M: 4, RAM32M16: 8, RAM64M8: 8,
  SRL16E: 1, SRLC16E: 1, SRLC32E: 1,
};

const XC7_CELLS: Readonly<Record<string, CellCost>> = {
  ...Object.fromEntries(['LUT1', 'LUT2', 'LUT3', 'LUT4', 'LUT5', 'LUT6'].map((t) => [t, { lut: 1 }])),
  ...Object.fromEntries(Object.entries(XC7_LUTRAM).map(([t, n]) => [t, { lut: n, lutMemory: n }])),
  ...Object.fromEntries(XC7_FFS.map((t) => [t, { ff: 1 }])),
  CARRY4: { carry: 1 },
  DSP48E1: { dsp: 1 },
  RAMB36E1: { bram: 1 },
  RAMB18E1: { bram: 0.5 },
};

const ICE40_FFS = ['SB_DFF', 'SB_DFFE', 'SB_DFFSR', 'SB_DFFR', 'SB_DFFSS', 'SB_DFFS', 'SB_DFFESR', 'SB_DFFER', 'SB_DFFESS', 'SB_DFFES'];
const ICE40_CELLS: Readonly<Record<string, CellCost>> = {
  SB_LUT4: { lut: 1 },
  ...Object.fromEntries([...ICE40_FFS, ...ICE40_FFS.map((t) => `${t.replace('SB_DFF', 'SB_DFFN')}`)].map((t) => [t, { ff: 1 }])),
  SB_CARRY: { carry: 1 },
  SB_MAC16: { dsp: 1 },
  SB_RAM40_4K: { bram: 1 },
  SB_RAM40_4KNR: { bram: 1 },
  SB_RAM40_4KNW: { bram: 1 },
  SB_RAM40_4KNRNW: { bram: 1 },
  SB_SPRAM256KA: { spram: 1 },
};

/** Yosys' internal gate-level flip-flops ($_DFF_P_, $_SDFFE_PP0P_, $_DLATCH_…) after a generic `synth`. */
function genericCost(type: string): CellCost {
  if (/^\$_(S?DFF|DFFE|SDFFE|SDFFCE|ALDFF|ALDFFE|DFFSR|DFFSRE|DLATCH)/.test(type)) return { ff: 1 };
  return {};
}

/** Resources of a bag of cells (type → count) on a target. */
export function resourcesOf(target: TargetName, cells: Readonly<Record<string, number>>): Resources {
  const sum: Record<keyof Resources, number> = { ...ZERO_RESOURCES };
  for (const [type, count] of Object.entries(cells)) {
    const cost = target === 'xc7' ? XC7_CELLS[type] : target === 'ice40' ? ICE40_CELLS[type] : genericCost(type);
    if (cost === undefined) continue;
    for (const [key, per] of Object.entries(cost) as [keyof Resources, number][]) sum[key] += per * count;
  }
  return sum;
}

export function addResources(a: Resources, b: Resources, times = 1): Resources {
  return Object.fromEntries(RESOURCE_KEYS.map((key) => [key, a[key] + times * b[key]])) as unknown as Resources;
}

/** A part's capacity; a resource it does not have is 0. */
export interface Part {
  readonly name: string;
  /** Board or package it stands for, for messages. */
  readonly board: string;
  readonly capacity: Resources;
}

/**
 * The Zynq-7020 of a PYNQ-Z2 (DS190: 53,200 LUTs of which 17,400 can be distributed RAM or SRL, 106,400 flip-flops,
 * 220 DSP48E1, 140 RAMB36E1 = 4.9 Mbit).
 */
export const XC7Z020: Part = {
  name: 'xc7z020',
  board: 'PYNQ-Z2',
  capacity: { lut: 53_200, lutMemory: 17_400, ff: 106_400, carry: 13_300, dsp: 220, bram: 140, spram: 0 },
};

/** nextpnr-ice40 device flag and package, with what yosys is allowed to infer for the part. */
export interface Ice40Part extends Part {
  readonly device: 'up5k' | 'hx8k';
  readonly package: string;
  /** synth_ice40 options for the part: UltraPlus has SB_MAC16 and SPRAM. */
  readonly synthOptions: readonly string[];
}

/**
 * The iCE40 parts tried in order, smallest first (Lattice iCE40 UltraPlus and HX datasheets): UP5K 5,280 LUT4,
 * 30 EBR of 4 kbit, 4 SPRAM of 256 kbit, 8 SB_MAC16; HX8K 7,680 LUT4, 32 EBR. One flip-flop per logic cell; a carry
 * per logic cell.
 */
export const ICE40_PARTS: readonly Ice40Part[] = [
  {
    name: 'iCE40UP5K', board: 'sg48 package', device: 'up5k', package: 'sg48', synthOptions: ['-dsp', '-spram'],
    capacity: { lut: 5_280, lutMemory: 0, ff: 5_280, carry: 5_280, dsp: 8, bram: 30, spram: 4 },
  },
  {
    name: 'iCE40HX8K', board: 'ct256 package', device: 'hx8k', package: 'ct256', synthOptions: [],
    capacity: { lut: 7_680, lutMemory: 0, ff: 7_680, carry: 7_680, dsp: 0, bram: 32, spram: 0 },
  },
];

export const RESOURCE_LABELS: Readonly<Record<keyof Resources, string>> = {
  lut: 'LUT', lutMemory: 'LUTRAM', ff: 'FF', carry: 'carry', dsp: 'DSP', bram: 'BRAM', spram: 'SPRAM',
};

/** The resources over the part's capacity, as "BRAM 185.5 of 140" phrases; empty when it fits. */
export function overflows(used: Resources, part: Part): string[] {
  const ice40 = part.name.startsWith('iCE40');
  const unit = (key: keyof Resources) => (key === 'bram' ? (ice40 ? 'EBR' : 'BRAM36') : ice40 && key === 'lut' ? 'LUT4' : RESOURCE_LABELS[key]);
  return RESOURCE_KEYS.filter((key) => used[key] > part.capacity[key]).map((key) => `${unit(key)} ${used[key]} of ${part.capacity[key]}`);
}

/** used ÷ capacity per resource the part has. */
export function utilisation(used: Resources, part: Part): Partial<Record<keyof Resources, number>> {
  return Object.fromEntries(RESOURCE_KEYS.filter((key) => part.capacity[key] > 0).map((key) => [key, used[key] / part.capacity[key]]));
}
