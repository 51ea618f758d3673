/**
 * Jobs are content-addressed: a job's id is a hash of everything that decides its result, so the same synthesis
 * or cost evaluation asked for by any number of explorations (on any machine) is one BullMQ job, computed once,
 * and a finished job's result is found again by the next submitter instead of being recomputed.
 */
import { createHash } from 'node:crypto';
import type { Accelerator } from '../config/load-config.ts';
import type { AcceleratorConfig } from '../config/schema.ts';
import { synthesisSources } from '../explore/area.ts';
import { HWGEN_VERSION } from '../version.ts';
import { canonicalJson } from '../util/json.ts';

/** Bumped when a job's payload or result changes shape (the code fingerprint changes then too; this says why). */
const JOB_FORMAT = 1;

export type JobKind = 'synth' | 'cost' | 'sim-layer' | 'eval-shard';

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * `<kind>-<hash>`: BullMQ refuses custom ids that look like integers or hold ':', and the kind reads well in logs.
 * `code` is the submitter's code fingerprint (code-fingerprint.ts): results of other code are not reused.
 */
function jobKey(kind: JobKind, code: string, parts: unknown): string {
  return `${kind}-${sha256(JSON.stringify({ format: JOB_FORMAT, hwgen: HWGEN_VERSION, code, kind, parts })).slice(0, 40)}`;
}

/**
 * A design's area: what the synthesis cache (hwgen/fpga/synth.ts) keys a generic synthesis by, the Verilog text of
 * every file, the top and the yosys version line, not the config (two configs that generate the same Verilog share it).
 */
export function synthJobKey(accelerator: Accelerator, yosysVersion: string, code: string): string {
  const { top, files } = synthesisSources(accelerator);
  return jobKey('synth', code, { target: 'generic', top, tools: { yosys: yosysVersion }, files });
}


/**
 * A point's cost: its config and the workload variant with the energy table (by hash). The config is hashed as it
 * is, not through acceleratorFrom: a config the cost model refuses is a job too (its result is the skip).
 */
export function costJobKey(config: AcceleratorConfig, workloadHash: string, code: string): string {
  return jobKey('cost', code, { config: sha256(canonicalJson(config)), workload: workloadHash });
}

/**
 * One layer's RTL simulation (`hwgen sim --queue`, and the RTL sample of `hwgen eval --queue`): the config's hash,
 * the hash of the layer's lowered GEMM (its weights, input, bias, θ, shape and name, as stored in Redis), the
 * simulator, and what changes the result: the policy, its seed and the energy table. The layer's index (which only
 * names a scratch folder) is left out.
 */
export function simLayerJobKey(configHash: string, layerHash: string, parts: { readonly simulator: string; readonly policy: string; readonly seed: number; readonly energyTable: unknown }, code: string): string {
  return jobKey('sim-layer', code, { config: configHash, layer: layerHash, simulator: parts.simulator, policy: parts.policy, seed: parts.seed, energyTable: parts.energyTable === undefined ? null : sha256(canonicalJson(parts.energyTable)) });
}

/**
 * A shard of `hwgen eval --queue`'s images through the golden model: the model's hash (manifest and tensor files, as
 * stored in Redis) and the hash of the shard's pixels. Where the shard starts, and the batches a worker cuts it into,
 * change nothing in its result (classes image by image, integer tallies).
 */
export function evalShardJobKey(modelHash: string, pixelsHash: string, code: string): string {
  return jobKey('eval-shard', code, { model: modelHash, pixels: pixelsHash });
}
