/**
 * One dispatcher lane (feeder → core → output gatherer) on Verilator and Icarus: the gathered levels equal
 * the golden model in stream order, and `fin` rises in cycle FEEDER_LATENCY + the core's predicted cycles
 * (dispatcher/spec.md, "Cycle formula"), with the core's counters equal to its predicted events: the feeder
 * feeds the core exactly as the core's cost model assumes. Columns include one-beat columns (K ≤ C, or no
 * spike: the SNN terminator) and columns with a single event, the feeder's hardest case.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { predictAnnCore } from '../ann-core/timing.ts';
import { predictSnnCore } from '../snn-core/timing.ts';
import { FEEDER_LATENCY } from './arch.ts';
import type { AnnCoreParams } from '../ann-core/arch.ts';
import type { SnnCoreParams } from '../snn-core/arch.ts';
import { annLayer } from '../../golden/ann.ts';
import { Rng } from '../../util/rng.ts';
import type { GemmLayer } from '../../workload/gemm-layer.ts';
import type { SimulatorName } from '../../../sim/types.ts';
import { type LaneCore, runLaneCosim } from './lane-cosim.ts';
import { SIMULATORS } from '../../../sim/registry.ts';

const ANN: AnnCoreParams = { rows: 3, cols: 4, accW: 32, maxChunks: 8, weightDepth: 128, btDepth: 4, weightBanks: 1 };
const SNN: SnnCoreParams = { lanes: 3, accW: 32, maxEvents: 32, weightDepth: 128, btDepth: 4, weightBanks: 1, thetaW: 25, shiftAdd: false };
const workDirs: string[] = [];

afterAll(async () => {
  await Promise.all(workDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A small random layer; `sparse` makes many zero levels and whole zero columns, `K` as given. */
function randomLayer(rng: Rng, K: number, sparse: boolean): GemmLayer {
  const M = rng.nextInt(1, 10);
  const N = 12;
  const T = rng.nextInt(1, 7);
  const inLevels = 7;
  const input = new Uint8Array(K * N);
  for (let k = 0; k < K; k++) {
    for (let n = 0; n < N; n++) {
      const zero = sparse ? n % 4 === 0 || rng.nextFloat() < 0.8 : rng.nextFloat() < 0.3;
      input[k * N + n] = zero ? 0 : rng.nextInt(1, inLevels);
    }
  }
  return {
    name: `lane K=${K}`,
    M, K, N, T, inLevels,
    weights: Int8Array.from({ length: M * K }, () => rng.nextInt(-128, 127)),
    input,
    bias: Int32Array.from({ length: M }, () => rng.nextInt(-200, 200)),
    theta: Int32Array.from({ length: M }, () => rng.nextInt(1, 300)),
  };
}

function expectedLevels(Y: Uint8Array, layer: GemmLayer, columns: readonly number[]): Uint8Array {
  return Uint8Array.from(columns.flatMap((n) => Array.from({ length: layer.M }, (_, m) => Y[m * layer.N + n] ?? 0)));
}

describe.each(SIMULATORS)('dispatcher lane on %s', (simulator) => {
  it.each([
    ['ANN, K ≤ C (one beat per column)', 'ann', 3, false],
    ['ANN, K = 13', 'ann', 13, false],
    ['SNN, sparse (terminators and one-event columns)', 'snn', 5, true],
    ['SNN, K = 20', 'snn', 20, false],
  ] as const)('%s: levels equal the golden model, fin in cycle 2 + predicted cycles, counters (busy too) equal the prediction', async (_, kind, K, sparse) => {
    const rng = new Rng(K * 31 + (sparse ? 1 : 0) + (simulator === 'icarus' ? 1000 : 0));
    for (let round = 0; round < 3; round += 1) {
      const layer = randomLayer(rng, K, sparse);
      const columns = Array.from({ length: rng.nextInt(1, 10) }, () => rng.nextInt(0, layer.N - 1));
      const Y = annLayer(layer);
      const core: LaneCore = kind === 'ann' ? { kind, params: ANN } : { kind, params: SNN };
      const prediction = kind === 'ann' ? predictAnnCore(layer, columns, ANN, Y) : predictSnnCore(layer, columns, SNN, Y);
      const dir = await mkdtemp(join(tmpdir(), 'hwgen-lane-'));
      workDirs.push(dir);
      const result = await runLaneCosim({ core, layer, columns, simulator, workDir: dir });
      const what = `round ${round}: M=${layer.M} K=${layer.K} T=${layer.T} columns [${columns.join(',')}]`;
      expect(Array.from(result.levels), what).toEqual(Array.from(expectedLevels(Y, layer, columns)));
      expect(result.cycles, what).toBe(FEEDER_LATENCY + prediction.cycles);
      for (const [name, value] of Object.entries(result.core)) {
        const expected = name === 'busy' ? prediction.busy : prediction.events[name as keyof typeof prediction.events];
        expect(value, `${what}: ${name}`).toBe(expected);
      }
      expect(result.feeder.entries).toBe(columns.length);
      expect(result.gatheredLevels).toBe(columns.length * layer.M);
    }
  });
});
