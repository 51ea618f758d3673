/**
 * hwgen_accel_top (draft) against the dispatcher's cycle formula: random small layers, random schedules over
 * 1 array and 2 SNN cores (one possibly idle), all cores started in cycle 0. Banks equal the golden model's
 * columns, `done` rises in predictDispatch's cycle, and each core's counters equal its prediction.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acceleratorFrom } from '../hwgen/config/load-config.ts';
import { annCoreLoadEvents } from '../hwgen/cost/ann-core.ts';
import { predictDispatch } from '../hwgen/cost/dispatcher.ts';
import { designOf } from '../hwgen/cost/layer.ts';
import { snnCoreLoadEvents } from '../hwgen/cost/snn-core.ts';
import { annLayer } from '../hwgen/golden/ann.ts';
import type { Schedule } from '../hwgen/schedule/types.ts';
import { Rng } from '../hwgen/util/rng.ts';
import type { GemmLayer } from '../hwgen/workload/gemm-layer.ts';
import type { SimulatorName } from '../sim/types.ts';
import { runAccelCosim } from './accel-top-cosim.ts';

const ACCEL = acceleratorFrom({
  ann: { arrays: 1, rows: 3, cols: 4 }, snn: { cores: 2, lanes: 3 },
  limits: { maxK: 32, maxM: 16, maxInLevels: 7, maxBiasAbs: 1000, maxTheta: 1024 },
  buffers: { weightBytes: 1024, activationBytes: 512, outputBytes: 256, scheduleEntries: 16 },
}, 'accel-top-test');
const workDirs: string[] = [];

afterAll(async () => {
  await Promise.all(workDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

function randomLayer(rng: Rng): GemmLayer {
  const M = rng.nextInt(1, 12), K = rng.nextInt(1, 20), N = 12;
  return {
    name: 'top', M, K, N, T: rng.nextInt(1, 6), inLevels: 7,
    weights: Int8Array.from({ length: M * K }, () => rng.nextInt(-128, 127)),
    input: Uint8Array.from({ length: K * N }, (_, i) => (i % N === 0 || rng.nextFloat() < 0.5 ? 0 : rng.nextInt(1, 7))),
    bias: Int32Array.from({ length: M }, () => rng.nextInt(-200, 200)),
    theta: Int32Array.from({ length: M }, () => rng.nextInt(1, 300)),
  };
}

describe.each(['verilator', 'icarus'] as SimulatorName[])('hwgen_accel_top on %s', (simulator) => {
  it('banks equal the golden model, done in predictDispatch cycles, counters equal the prediction', async () => {
    const rng = new Rng(simulator === 'verilator' ? 5 : 6);
    const design = designOf(ACCEL);
    for (let round = 0; round < 2; round += 1) {
      const layer = randomLayer(rng);
      const Y = annLayer(layer);
      const cores = [{ kind: 'ann' as const, index: 0, columns: [] as number[] }, { kind: 'snn' as const, index: 0, columns: [] as number[] }, { kind: 'snn' as const, index: 1, columns: [] as number[] }];
      for (let n = 0; n < layer.N; n++) cores[rng.nextInt(0, round === 0 ? 2 : 1)]?.columns.push(n);
      const schedule: Schedule = { policy: 'random', cores };
      const p = predictDispatch(layer, schedule, design.params, Y);
      const dir = await mkdtemp(join(tmpdir(), 'hwgen-accel-'));
      workDirs.push(dir);
      const r = await runAccelCosim(ACCEL, layer, schedule, simulator, dir);
      const what = `round ${round}: M=${layer.M} K=${layer.K} lists ${cores.map((c) => c.columns.length).join('/')}`;
      cores.forEach((core, c) => {
        const expected = core.columns.flatMap((n) => Array.from({ length: layer.M }, (_, m) => Y[m * layer.N + n] ?? 0));
        expect(Array.from(r.levels[c] ?? []), `${what}: core ${c} bank`).toEqual(expected);
        const pc = p.cores[c];
        const counters = r.counters[c];
        const load = core.kind === 'ann' ? annCoreLoadEvents(layer, design.params.ann).sram_byte : snnCoreLoadEvents(layer, design.params.snn).sram_byte;
        expect(counters?.busy, `${what}: core ${c} busy`).toBe(pc?.busy);
        expect(counters?.a, `${what}: core ${c} mac/add`).toBe(core.kind === 'ann' ? pc?.events.ann_mac : pc?.events.snn_add);
        expect(counters?.fire, `${what}: core ${c} fire`).toBe(pc?.events.fire);
        expect((counters?.sram_byte ?? 0) - load, `${what}: core ${c} sram`).toBe(pc?.events.sram_byte);
        expect(counters?.entries, `${what}: core ${c} entries`).toBe(core.columns.length);
        expect(counters?.levels, `${what}: core ${c} levels`).toBe(core.columns.length * layer.M);
      });
      expect(r.cycles, what).toBe(p.cycles);
      expect(r.cntCycles, what).toBe(p.cycles);
    }
  }, 600_000);
});
