/**
 * Co-simulation of hwgen_accel_top (testbench/accel_top_tb.v.hbs): every core loaded with the layer, the dense
 * and event replicas broadcast, each core's column list in its schedule memory, all cores started in cycle 0,
 * then every bank and counter read back. Compared by the caller with `predictDispatch` and the golden model.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Accelerator } from '../hwgen/config/load-config.ts';
import { CheckError } from '../hwgen/errors.ts';
import { generateAccelTop } from '../hwgen/generate/accel/generator.ts';
import { annCoreGeometry, annCoreParams, biasThetaWords as annBiasTheta, weightWords as annWeights } from '../hwgen/generate/ann-core/layout.ts';
import { feederParams, packEntry } from '../hwgen/generate/dispatcher/feeder.ts';
import { gatherParams } from '../hwgen/generate/dispatcher/gather.ts';
import { allFiles } from '../hwgen/generate/module.ts';
import { renderVerilog } from '../hwgen/generate/render.ts';
import { addressBits, biasThetaWords as snnBiasTheta, snnCoreGeometry, snnCoreParams, weightWords as snnWeights } from '../hwgen/generate/snn-core/layout.ts';
import { bitsFor, clog2 } from '../hwgen/generate/verilog-math.ts';
import type { Schedule } from '../hwgen/schedule/types.ts';
import type { GemmLayer } from '../hwgen/workload/gemm-layer.ts';
import { runnerFor } from '../sim/runner.ts';
import type { SimulatorName } from '../sim/types.ts';
import { laneLayout } from './dispatcher-lane-cosim.ts';
import { hexLines, parseHexLines } from './hex.ts';

export const ACCEL_TB_MODULE = 'hwgen_accel_top_tb';
const COUNTERS = ['busy', 'a', 'b', 'fire', 'sram_byte', 'words', 'entries', 'levels'] as const;

export interface AccelCosimResult {
  readonly cycles: number;
  readonly cntCycles: number;
  /** Per core (schedule order), its bank: list[i] at [i·M, (i+1)·M). */
  readonly levels: Uint8Array[];
  /** Per core, the 8 counters (since reset, loads included). */
  readonly counters: Record<(typeof COUNTERS)[number], number>[];
}

const pad = (words: readonly bigint[], n: number): bigint[] => [...words, ...Array<bigint>(Math.max(0, n - words.length)).fill(0n)];

export async function runAccelCosim(accelerator: Accelerator, layer: GemmLayer, schedule: Schedule, simulator: SimulatorName, workDir: string): Promise<AccelCosimResult> {
  const { ann, snn } = accelerator.config;
  const A = ann.arrays, NC = ann.arrays + snn.cores;
  const ap = annCoreParams(accelerator), sp = snnCoreParams(accelerator);
  const af = feederParams(accelerator, 'ann'), sf = feederParams(accelerator, 'snn'), gp = gatherParams(accelerator);
  const ag = annCoreGeometry(layer, ap), sg = snnCoreGeometry(layer, sp);
  const all = Array.from({ length: layer.N }, (_, n) => n);
  const dense = laneLayout({ kind: 'ann', params: ap }, layer, all).data;
  const events = laneLayout({ kind: 'snn', params: sp }, layer, all).data;
  if (dense.length > af.depth || events.length > sf.depth) throw new RangeError('the layer does not fit the replicas');
  const seW = Math.max(bitsFor(af.depth) + clog2(af.depth), bitsFor(sf.depth) + clog2(sf.depth));
  const saw = clog2(af.schedDepth);
  const schedLines: bigint[] = [];
  schedule.cores.forEach((core, c) => {
    if (core.columns.length === 0) return;
    const entries = laneLayout(core.kind === 'ann' ? { kind: 'ann', params: ap } : { kind: 'snn', params: sp }, layer, core.columns).entries;
    entries.forEach((entry, i) => {
      const packed = packEntry(entry, core.kind === 'ann' ? af : sf);
      schedLines.push((BigInt(c) << BigInt(saw + seW)) | (BigInt(i) << BigInt(seW)) | packed);
    });
  });
  const annW = annWeights(layer, ap, ag), snnW = snnWeights(layer, sp, sg);
  const annBT = annBiasTheta(layer, ap, ag), snnBT = snnBiasTheta(layer, sp, sg);
  const maxW = 2 ** clog2(Math.max(annW.length, snnW.length, annBT.length, snnBT.length, dense.length, events.length, schedLines.length, 2));
  const wide = Math.max(ap.rows, sp.lanes);
  const top = generateAccelTop(accelerator);
  const tb = renderVerilog('testbench/accel_top_tb.v.hbs', {
    tbModule: ACCEL_TB_MODULE, nc: NC, annArrays: A, coreBits: clog2(Math.max(NC, 2)), entryBits: bitsFor(af.schedDepth),
    outAddressBits: clog2(gp.depth), actAddressBits: clog2(af.depth), evAddressBits: clog2(sf.depth), schedAddressBits: saw, schedEntryBits: seW,
    wAddrBits: Math.max(clog2(ap.weightDepth), clog2(sp.weightDepth)), wDataBits: Math.max(ap.rows * ap.cols, sp.lanes) * 8,
    btAddrBits: Math.max(clog2(ap.btDepth), clog2(sp.btDepth)), biasBits: wide * 32, thetaBits: wide * 25,
    actBits: ap.cols * 8, evBits: addressBits(sp) + 8,
    annGroupBits: bitsFor(ap.btDepth), annChunkBits: bitsFor(ap.maxChunks), annLastRowBits: bitsFor(ap.rows), annLastColBits: bitsFor(ap.cols),
    snnGroupBits: bitsFor(sp.btDepth), snnLastLaneBits: bitsFor(sp.lanes), snnKBits: bitsFor(sp.maxEvents), maxWords: maxW,
  }, { file: `${ACCEL_TB_MODULE}.v`, configHash: accelerator.hash, summary: 'testbench of hwgen_accel_top' });
  const rtl = join(workDir, 'rtl');
  await mkdir(rtl, { recursive: true });
  const files = [...allFiles(top), { name: `${ACCEL_TB_MODULE}.v`, text: tb }];
  await Promise.all(files.map((file) => writeFile(join(rtl, file.name), file.text)));
  await writeFile(join(workDir, 'w.hex'), hexLines([...pad(annW, maxW), ...pad(snnW, maxW)], Math.max(ap.rows * ap.cols, sp.lanes) * 8));
  await writeFile(join(workDir, 'bias.hex'), hexLines([...pad(annBT.map((w) => w.bias), maxW), ...pad(snnBT.map((w) => w.bias), maxW)], wide * 32));
  await writeFile(join(workDir, 'theta.hex'), hexLines([...pad(annBT.map((w) => w.theta), maxW), ...pad(snnBT.map((w) => w.theta), maxW)], wide * 25));
  await writeFile(join(workDir, 'act.hex'), hexLines(dense, ap.cols * 8));
  await writeFile(join(workDir, 'ev.hex'), hexLines(events, addressBits(sp) + 8));
  await writeFile(join(workDir, 'sched.hex'), hexLines(schedLines.length > 0 ? schedLines : [0n], clog2(Math.max(NC, 2)) + saw + seW));
  await writeFile(join(workDir, 'entries.hex'), hexLines(schedule.cores.map((core) => BigInt(core.columns.length)), 32));
  const runner = runnerFor(simulator);
  const built = await runner.build({ top: ACCEL_TB_MODULE, sources: files.map((file) => join(rtl, file.name)) });
  await runner.run(built, {
    cwd: workDir,
    timeoutMs: 600_000,
    plusargs: {
      n_w_ann: annW.length, n_w_snn: snnW.length, n_bt_ann: annBT.length, n_bt_snn: snnBT.length, n_act: dense.length, n_ev: events.length,
      n_sched: schedLines.length, m: layer.M, max_cycles: 2_000_000,
      ann_groups: ag.groups, ann_chunks: ag.chunks, ann_last_rows: ag.lastRows, ann_last_cols: ag.lastCols,
      snn_groups: sg.groups, snn_last_lanes: sg.lastLanes, snn_k: sg.k, t: layer.T,
    },
  });
  const resultFile = join(workDir, 'result.txt');
  const lines = (await readFile(resultFile, 'utf8')).split('\n').filter((line) => line.trim() !== '');
  const field = (name: string): number => {
    const line = lines.find((l) => l.startsWith(`${name} `));
    if (line === undefined) throw new CheckError(`${resultFile}: no "${name}" line`);
    return Number(line.split(/\s+/)[1]);
  };
  const counters = schedule.cores.map(() => ({}) as Record<(typeof COUNTERS)[number], number>);
  for (const line of lines.filter((l) => l.startsWith('cnt '))) {
    const [, core, idx, value] = line.split(/\s+/);
    const target = counters[Number(core)];
    if (target !== undefined) target[COUNTERS[Number(idx)] as (typeof COUNTERS)[number]] = Number(value);
  }
  const outFile = join(workDir, 'out.hex');
  const flat = parseHexLines(await readFile(outFile, 'utf8'), outFile).map(Number);
  const levels: Uint8Array[] = [];
  let at = 0;
  for (const core of schedule.cores) {
    const n = core.columns.length * layer.M;
    levels.push(Uint8Array.from(flat.slice(at, at + n)));
    at += n;
  }
  return { cycles: field('cycles'), cntCycles: field('cnt_cycles'), levels, counters };
}
