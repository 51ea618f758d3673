/**
 * The waveform check on real runs of hwgen_accel_top through the program player (hwgen/flows/wave-check.ts):
 *
 * - an unmutated design passes on both simulators, and both simulators' waveforms give the same
 *   transactions, beat for beat and cycle for cycle (VCD and FST, all signals or the interfaces only);
 * - a dump window keeps the check working on the cycles it holds;
 * - fault injection: each fault of a mutated design (the Verilog text changed, each fault behind its own
 *   plusarg so that one build holds them all) fails the check, and the first finding names it.
 *
 * The layer is tiny (2 tiles, every core kind busy, the input streams stalling), so a warm cache runs
 * everything in seconds; a cold one builds four Verilator models (VCD, FST, interfaces only, the mutant).
 * HWGEN_SHOW_REPORTS=1 prints each fault's report and WaveDrom.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GeneratedFile, type ModuleDescription, allFiles } from '../arch/module.ts';
import { DRAIN_SWEEP_PORT, layerProgram, programBytes } from '../host/driver.ts';
import { generateAccelTop } from '../modules/accel/generator.ts';
import { PROGRAM_TB_MODULE, hangAsFailedCheck, playProgram, renderProgramTb } from './program-player.ts';
import { runnerFor } from '../../sim/runner.ts';
import type { SimulatorName, TraceFormat } from '../../sim/types.ts';
import { CheckError, ToolError, exitCodeOf } from '../errors.ts';
import { type WaveCheckResult, type WaveFault, accelTraceProbes, checkLayerWaveform, classifyDifference, explainFailure, layerRunPlan, parseTraceWindow } from './wave-check.ts';
import { SIMULATORS } from '../../sim/registry.ts';
import { WAVE_CHECK_ACCELERATOR, waveCheckLayer } from '../testing/wave-check-design.ts';

const accelerator = WAVE_CHECK_ACCELERATOR;

const layer = waveCheckLayer();
const { golden, prediction } = layerRunPlan(accelerator, layer, 'cost', 3);
const program = programBytes(layerProgram(accelerator, layer, prediction.tiles.map(({ tile, schedule, weightKinds }) => ({ tile, schedule, weightKinds }))));
const probes = accelTraceProbes(accelerator);
let root = '';
let runs = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hwgen-wave-check-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const freshDir = async (): Promise<string> => {
  const dir = join(root, `run${runs++}`);
  await mkdir(dir, { recursive: true });
  return dir;
};

const check = (file: string, keepTransactions = false): Promise<WaveCheckResult> => checkLayerWaveform({ file, accelerator, layer, prediction, golden, keepTransactions });

describe('the layer of these tests', () => {
  it('has 2 tiles, gives every kind of core columns, and its input streams stall', () => {
    expect(prediction.tiles.map((tile) => tile.schedule.cores.map((core) => core.columns.length))).toEqual([[5, 1, 3], [3, 0, 0]]);
  });
});

describe('an unmutated design', () => {
  const traced: Partial<Record<string, WaveCheckResult>> = {};
  const cases: [SimulatorName, TraceFormat][] = (['vcd', 'fst'] as const).flatMap((trace) => SIMULATORS.map((simulator): [SimulatorName, TraceFormat] => [simulator, trace]));

  it.each(cases)('%s, %s: every beat, column and done as the golden and cost models say', async (simulator, trace) => {
    const workDir = await freshDir();
    const played = await playProgram(generateAccelTop(accelerator), [program], { simulator, workDir, trace, configHash: accelerator.hash, sweepPort: DRAIN_SWEEP_PORT, traceProbes: probes.probes });
    const result = await check(played.waveform!, true);
    expect(result.problems).toEqual([]);
    expect(result.report).toBeUndefined();
    expect(result.stats).toMatchObject({ tiles: 2, tilesChecked: 2, tilesPartial: 0, inputBeats: 39, outputBeats: 84, columnsTimed: 12, firstCycle: -4 });
    expect(result.stats.stallCycles).toBeGreaterThan(10);
    traced[`${simulator}.${trace}`] = result;
  }, 120_000);

  it('Verilator and Icarus give the same transactions (VCD and FST alike)', () => {
    const reference = traced['verilator.vcd']?.transactions;
    expect(reference).toBeDefined();
    expect(reference!.map((stream) => [stream.stream, stream.beats.length])).toEqual([
      ['core 0 (ann 0) input', 24], ['core 0 (ann 0) output', 56],
      ['core 1 (snn 0) input', 5], ['core 1 (snn 0) output', 7],
      ['core 2 (snn 1) input', 10], ['core 2 (snn 1) output', 21],
    ]);
    for (const key of ['icarus.vcd', 'verilator.fst', 'icarus.fst']) expect(traced[key]?.transactions, key).toEqual(reference);
  });

  it.each(SIMULATORS)('%s, interfaces only: a much smaller waveform that checks the same', async (simulator) => {
    const all = await freshDir();
    const small = await freshDir();
    const full = await playProgram(generateAccelTop(accelerator), [program], { simulator, workDir: all, trace: 'vcd', configHash: accelerator.hash, sweepPort: DRAIN_SWEEP_PORT, traceProbes: probes.probes });
    const played = await playProgram(generateAccelTop(accelerator), [program], { simulator, workDir: small, trace: 'vcd', configHash: accelerator.hash, sweepPort: DRAIN_SWEEP_PORT, traceProbes: probes.probes, traceScope: 'interfaces' });
    expect(statSync(played.waveform!).size * 4).toBeLessThan(statSync(full.waveform!).size);
    const result = await check(played.waveform!, true);
    expect(result.problems).toEqual([]);
    expect(result.transactions).toEqual(traced['verilator.vcd']?.transactions);
  }, 120_000);

  it.each(SIMULATORS)('%s, a window of cycles: only those are dumped, tile 1 is checked whole, tile 0 in part', async (simulator) => {
    const workDir = await freshDir();
    const window = parseTraceWindow('150:320');
    const played = await playProgram(generateAccelTop(accelerator), [program], { simulator, workDir, trace: 'vcd', configHash: accelerator.hash, sweepPort: DRAIN_SWEEP_PORT, traceProbes: probes.probes, traceScope: 'interfaces', traceWindow: window });
    const result = await check(played.waveform!, true);
    expect(result.problems).toEqual([]);
    expect(result.stats).toMatchObject({ firstCycle: 150, lastCycle: 320, tilesChecked: 1, tilesPartial: 0 });
    // The beats in the window are the full run's beats in those cycles.
    const full = traced['verilator.vcd']!.transactions!;
    result.transactions!.forEach((stream, i) => {
      expect(stream.beats.map(({ cycle, payload }) => ({ cycle, payload }))).toEqual(full[i]!.beats.filter((b) => b.cycle >= 150 && b.cycle <= 320).map(({ cycle, payload }) => ({ cycle, payload })));
    });
  }, 120_000);
});

// ---------------------------------------------------------------------------------------------------
// Fault injection

interface Edit {
  readonly file: string;
  readonly from: string;
  readonly to: string;
  /** Which occurrence of `from` (default: the only one). */
  readonly occurrence?: number;
}

const PLUSARG_FLAGS = (names: readonly string[]): string =>
  `    reg ${names.map((name) => `${name} = 1'b0`).join(', ')};\n    initial begin\n${names.map((name) => `        ${name} = $test$plusargs("${name}");\n`).join('')}    end\n`;

/** Every fault, each switched on by the plusarg of its name. */
const MUTATIONS: readonly Edit[] = [
  // The ANN array's fire stage: its 6th emit cycle flips bit 2, loses the beat, or repeats it.
  {
    file: 'hwgen_qcfs_fire.v',
    from: '    assign load_ready    = (state == S_IDLE);\n',
    to:
      `    // Fault injection (hwgen/flows/wave-check.test.ts).\n${PLUSARG_FLAGS(['mut_flip', 'mut_drop', 'mut_dup'])}` +
      '    reg [15:0] mut_n;\n' +
      '    always @(posedge clk) if (rst) mut_n <= 16\'d0; else if (state == S_EMIT && out_ready) mut_n <= mut_n + 16\'d1;\n' +
      '    wire mut_at = (mut_n == 16\'d5);\n' +
      '    assign load_ready    = (state == S_IDLE);\n',
  },
  { file: 'hwgen_qcfs_fire.v', from: 'assign out_valid     = (state == S_EMIT);', to: 'assign out_valid     = (state == S_EMIT) && !(mut_drop && mut_at);' },
  { file: 'hwgen_qcfs_fire.v', from: 'assign out_level     = logit_mode ? logits[emit_index*8 +: 8] : levels[emit_index[LANE_W-1:0]*8 +: 8];', to: 'assign out_level     = (logit_mode ? logits[emit_index*8 +: 8] : levels[emit_index[LANE_W-1:0]*8 +: 8]) ^ ((mut_flip && mut_at) ? 8\'h04 : 8\'h00);' },
  { file: 'hwgen_qcfs_fire.v', from: 'S_EMIT: if (out_ready) begin', to: 'S_EMIT: if (out_ready && !(mut_dup && mut_at)) begin' },
  // The same three faults in the SNN core's serial fire stage: its 6th output beat.
  {
    file: 'hwgen_serial_fire.v',
    from: '    assign advance = ~pipe_valid[PIPE-1] | out_ready;\n',
    to:
      `    // Fault injection (hwgen/flows/wave-check.test.ts).\n${PLUSARG_FLAGS(['mut_flip', 'mut_drop', 'mut_dup'])}` +
      '    reg [15:0] mut_n;\n' +
      '    always @(posedge clk) if (rst) mut_n <= 16\'d0; else if (pipe_valid[PIPE-1] && out_ready) mut_n <= mut_n + 16\'d1;\n' +
      '    wire mut_at = (mut_n == 16\'d5);\n' +
      '    assign advance = ~pipe_valid[PIPE-1] | (out_ready && !(mut_dup && mut_at));\n',
  },
  { file: 'hwgen_serial_fire.v', from: 'assign out_valid     = pipe_valid[PIPE-1];', to: 'assign out_valid     = pipe_valid[PIPE-1] && !(mut_drop && mut_at);' },
  { file: 'hwgen_serial_fire.v', from: 'assign out_level     = bypassed ? quotient : level;', to: 'assign out_level     = (bypassed ? quotient : level) ^ ((mut_flip && mut_at) ? 8\'h04 : 8\'h00);' },
  // The feeder: at its first stall, valid drops, or the data's bit 0 flips.
  {
    file: 'hwgen_column_feeder.v',
    from: '    always @(posedge clk) begin\n        if (sched_wr_en)',
    to:
      `    // Fault injection (hwgen/flows/wave-check.test.ts).\n${PLUSARG_FLAGS(['mut_valid', 'mut_data'])}` +
      '    reg  mut_done;\n' +
      '    wire mut_stall = out_valid && !out_ready && !mut_done;\n' +
      '    always @(posedge clk) if (rst) mut_done <= 1\'b0; else if (mut_stall) mut_done <= 1\'b1;\n\n' +
      '    always @(posedge clk) begin\n        if (sched_wr_en)',
  },
  { file: 'hwgen_column_feeder.v', from: '        if (issue) out_data <= data_mem[data_rd_index];\n', to: '        if (issue) out_data <= data_mem[data_rd_index];\n        else if (mut_data && mut_stall) out_data <= out_data ^ {{(WORD_W-1){1\'b0}}, 1\'b1};\n' },
  {
    file: 'hwgen_column_feeder.v',
    from: '            end else if (out_ready) begin\n                out_valid <= 1\'b0;\n                out_last  <= 1\'b0;\n            end\n',
    to: '            end else if (out_ready) begin\n                out_valid <= 1\'b0;\n                out_last  <= 1\'b0;\n            end else if (mut_valid && mut_stall) begin\n                out_valid <= 1\'b0;\n            end\n',
  },
  // The top: the first SNN core's feeder sees its start a cycle late.
  {
    file: 'hwgen_accel_top.v',
    from: '            end else begin : snn\n',
    to: `            end else begin : snn\n    ${PLUSARG_FLAGS(['mut_late']).trim()}\n                reg start_late;\n                always @(posedge clk) start_late <= start;\n`,
  },
  { file: 'hwgen_accel_top.v', from: '.clk(clk), .rst(rst), .cfg_entries(entries), .start(start),', occurrence: 1, to: '.clk(clk), .rst(rst), .cfg_entries(entries), .start((mut_late && i == A) ? start_late : start),' },
];

function applyEdits(file: GeneratedFile, edits: readonly Edit[]): GeneratedFile {
  let text = file.text;
  for (const edit of edits.filter((e) => e.file === file.name)) {
    const parts = text.split(edit.from);
    const occurrence = edit.occurrence ?? 0;
    if (edit.occurrence === undefined && parts.length !== 2) throw new Error(`${file.name}: "${edit.from.trim()}" occurs ${parts.length - 1} times`);
    if (parts.length < occurrence + 2) throw new Error(`${file.name}: "${edit.from.trim()}" has no occurrence ${occurrence}`);
    text = parts.slice(0, occurrence + 1).join(edit.from) + edit.to + parts.slice(occurrence + 1).join(edit.from);
  }
  return { ...file, text };
}

function mutant(module: ModuleDescription): ModuleDescription {
  return { ...module, files: module.files.map((file) => applyEdits(file, MUTATIONS)), submodules: module.submodules.map(mutant) };
}

/** The mutant through the program player on Verilator, with the plusarg of one fault. */
async function playMutant(fault: string): Promise<string> {
  const workDir = await freshDir();
  const top = mutant(generateAccelTop(accelerator));
  const files = [...allFiles(top), { name: `${PROGRAM_TB_MODULE}.v`, text: renderProgramTb(top, 'done', accelerator.hash, probes.probes, DRAIN_SWEEP_PORT) }];
  for (const file of MUTATIONS.map((edit) => edit.file)) expect(files.find((f) => f.name === file)?.text, file).toContain('mut_');
  await Promise.all(files.map((file) => writeFile(join(workDir, file.name), file.text)));
  await writeFile(join(workDir, 'program.bin'), program);
  const runner = runnerFor('verilator');
  const built = await runner.build({ top: PROGRAM_TB_MODULE, sources: files.map((file) => join(workDir, file.name)), trace: 'vcd' });
  // A fault may hang the run (the core waits for a beat that was lost): the waveform up to the hang is checked.
  await runner.run(built, { cwd: workDir, timeoutMs: 60_000, plusargs: { trace: 'waves.vcd', max_wait: 2000, [fault]: 1 } }).catch((error: unknown) => {
    if (!String(error).includes('done not seen')) throw error;
  });
  return join(workDir, 'waves.vcd');
}

const FAULTS: [string, string, WaveFault, string][] = [
  [
    'a flipped output bit', 'mut_flip', 'wrong-value',
    'core 2 (snn 1), tile 0 (rows 0..6, columns 0..8), column 0 (1st of its 3): output beat 5 (y[5] of column 0 = Y[5, 0]) in cycle 50: out_level = 0x4, expected 0x0 (bit 2 flipped)',
  ],
  [
    'a dropped beat', 'mut_drop', 'dropped-beat',
    'core 2 (snn 1), tile 0 (rows 0..6, columns 0..8), column 0 (1st of its 3): output beat 5 (y[5] of column 0 = Y[5, 0]), due in cycle 50, was dropped: the stream goes on with beat 6 in cycle 51 (or one of beats 3..4, which carry the same)',
  ],
  [
    'a duplicated beat', 'mut_dup', 'duplicated-beat',
    'core 2 (snn 1), tile 0 (rows 0..6, columns 0..8), column 0 (1st of its 3): output beat 5 came twice: again in cycle 51 (out_level = 0x0) where beat 6 (y[6] of column 0 = Y[6, 0]) was due',
  ],
  [
    'valid dropped while stalled', 'mut_valid', 'valid-dropped',
    'core 0 (ann 0) input, tile 0 (rows 0..6, columns 0..8): valid dropped while stalled (valid must stay high until ready takes the beat): cycle 39: in_valid fell to 0, the beat having waited in cycle 38',
  ],
  [
    'data changing while stalled', 'mut_data', 'data-unstable',
    'core 0 (ann 0) input, tile 0 (rows 0..6, columns 0..8): data changed while stalled (the payload must hold until the beat moves): cycle 39: in_data went from 0x40000 to 0x40001, the beat having waited in cycle 38',
  ],
  [
    'a core starting a column late', 'mut_late', 'column-late',
    'core 1 (snn 0), tile 0 (rows 0..6, columns 0..8), column 1 (1st of its 1): first input beat taken in cycle 33, predicted 32: started 1 cycle late (core cycle 1, predicted 0)',
  ],
];

describe('fault injection: the check fails and its first finding names the fault', () => {
  it('an unmutated run of the mutant design (no plusarg) passes', async () => {
    const result = await check(await playMutant('no_fault'));
    expect(result.problems).toEqual([]);
  }, 180_000);

  it.each(FAULTS)('%s', async (_, plusarg, fault, message) => {
    const result = await check(await playMutant(plusarg));
    const first = result.findings[0];
    expect(first?.fault).toBe(fault);
    expect(first?.message).toBe(message);
    if (process.env['HWGEN_SHOW_REPORTS'] === '1') console.log(`${result.report}\n${JSON.stringify(result.wavedrom)}`);
    expect(result.report).toContain(`fault     ${fault}: `);
  }, 180_000);
});

describe('a run that hangs', () => {
  it('explainFailure adds what its waveform shows to the simulator error, and writes the report beside it', async () => {
    // Valid dropped while stalled loses a word: the core waits for it, done never comes.
    const file = await playMutant('mut_valid');
    const hang = new ToolError('verilator', 'simulation failed (signal SIGABRT): program.bin record 45: done not seen in 2000 cycles');
    const explained = await explainFailure(hang, { file, accelerator, layer, prediction, golden });
    expect(explained).toBeInstanceOf(ToolError);
    expect((explained as ToolError).message).toBe(
      `verilator: simulation failed (signal SIGABRT): program.bin record 45: done not seen in 2000 cycles; the waveform shows l0: waveform: valid-dropped: ${FAULTS[3]![3]} (report: ${join(dirname(file), 'l0.mismatch.txt')})`,
    );
    expect(existsSync(join(dirname(file), 'l0.mismatch.wavedrom.json'))).toBe(true);
    // Other errors, and runs without a waveform, pass through unchanged.
    const other = new Error('boom');
    expect(await explainFailure(other, { file, accelerator, layer, prediction, golden })).toBe(other);
    expect(await explainFailure(hang, { file: undefined, accelerator, layer, prediction, golden })).toBe(hang);
    // The program player reports the hang as a failed check (exit 1), which explainFailure keeps a failed check.
    const failedCheck = hangAsFailedCheck(hang);
    expect(failedCheck).toBeInstanceOf(CheckError);
    const explainedCheck = await explainFailure(failedCheck, { file, accelerator, layer, prediction, golden });
    expect(explainedCheck).toBeInstanceOf(CheckError);
    expect((explainedCheck as CheckError).message).toBe((explained as ToolError).message);
  }, 180_000);

  it('the program player makes a wait that never ended a failed check (exit 1); other simulator failures stay tool errors', () => {
    const hang = new ToolError('icarus', 'simulation failed (exit 1): program.bin record 7: done not seen in 100 cycles (stopped at program cycle 412)');
    const failed = hangAsFailedCheck(hang);
    expect(failed).toBeInstanceOf(CheckError);
    expect(exitCodeOf(failed)).toBe(1);
    expect((failed as CheckError).message).toBe('icarus: simulation failed (exit 1): program.bin record 7: done not seen in 100 cycles (stopped at program cycle 412)');
    const crash = new ToolError('icarus', 'simulation failed (signal SIGSEGV): vvp crashed');
    expect(hangAsFailedCheck(crash)).toBe(crash);
  });
});

describe('parseTraceWindow', () => {
  it.each([
    ['100:200', { from: 100, to: 200 }],
    ['100:', { from: 100 }],
    [':200', { to: 200 }],
    [' 7 : 7 ', { from: 7, to: 7 }],
  ] as const)('%s', (text, window) => {
    expect(parseTraceWindow(text)).toEqual(window);
  });
});

describe('classifyDifference', () => {
  const E = [[1n], [2n], [3n], [4n], [5n], [6n]];
  const at = (i: number) => E[i];
  it.each([
    ['a wrong value', 2, [[9n], [4n], [5n]], false, 'wrong-value'],
    ['a dropped beat', 2, [[4n], [5n], [6n]], false, 'dropped-beat'],
    ['a duplicated beat', 2, [[2n], [3n], [4n]], false, 'duplicated-beat'],
    ['an extra beat', 2, [[7n], [3n], [4n]], false, 'extra-beat'],
    ['a beat past the end (a repeat)', 6, [[6n]], false, 'duplicated-beat'],
    ['the last beat dropped, at the end', 5, [], true, 'dropped-beat'],
    ['nothing fits: a wrong value', 1, [[8n], [8n], [8n]], false, 'wrong-value'],
  ] as const)('%s', (_, j, actual, ended, fault) => {
    const before = j > 0 ? E[j - 1] : undefined;
    if (actual.length === 0) return; // the caller reports an early end as missing beats
    expect(classifyDifference(at, E.length, j, actual, ended, before)).toBe(fault);
  });
});
