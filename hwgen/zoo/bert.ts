/**
 * BERT-base encoder layers (Devlin et al. 2019) at sequence length 128, batch 1, as GEMMs with the
 * sequence along N (the contract's columns): hidden states are `[768, 128]`.
 *
 * Per encoder layer: the Q, K, V and output projections (M = K = 768), per head the scores Q·Kᵀ and
 * the context A·V, and the FFN 768 → 3072 → 768. Softmax, layer norm, GELU and the residual adds do no
 * multiply-accumulates and are left out. Embeddings and the pooler are outside the encoder.
 */
import type { WorkloadManifestInput } from '../workload/manifest-schema.ts';
import { gemm, hiddenCoding, makeContext, type BuildContext, type ZooLayer, type ZooOptions } from './layers.ts';

export const BERT_BASE_NAME = 'bert-base';

export const BERT_BASE = {
  hidden: 768,
  heads: 12,
  headDim: 64,
  ffn: 3072,
  seq: 128,
  layers: 12,
} as const;

/**
 * One head. The contract's GEMM multiplies signed int8 "weights" by unsigned levels, so the signed
 * operand (K or V of the head) plays W and the activations play X:
 *  - scores:  S[s,t] = Σ_d K[s,d]·Q[d,t]   W = K_h `[seq, d]`,  X = Q_h `[d, seq]`
 *  - context: O[d,t] = Σ_s V[d,s]·A[s,t]   W = V_hᵀ `[d, seq]`, X = Aᵀ `[seq, seq]` (attention levels)
 * The context comes out as `[d, seq]`, the same layout as the hidden states.
 */
function attentionHead(ctx: BuildContext, prefix: string): ZooLayer[] {
  const { headDim, seq } = BERT_BASE;
  const coding = hiddenCoding(ctx, 'uniform');
  return [gemm(ctx, `${prefix}.scores`, seq, headDim, seq, coding), gemm(ctx, `${prefix}.context`, headDim, seq, seq, coding)];
}

/** [name suffix, M, K] of the dense projections, in execution order around the attention heads. */
const BEFORE_HEADS: readonly (readonly [string, number, number])[] = [
  ['q', BERT_BASE.hidden, BERT_BASE.hidden],
  ['k', BERT_BASE.hidden, BERT_BASE.hidden],
  ['v', BERT_BASE.hidden, BERT_BASE.hidden],
];
const AFTER_HEADS: readonly (readonly [string, number, number])[] = [
  ['out', BERT_BASE.hidden, BERT_BASE.hidden],
  ['ffn1', BERT_BASE.ffn, BERT_BASE.hidden],
  ['ffn2', BERT_BASE.hidden, BERT_BASE.ffn],
];

function encoderLayer(ctx: BuildContext, index: number): ZooLayer[] {
  const prefix = `enc${index}`;
  const coding = hiddenCoding(ctx, 'uniform');
  const dense = (rows: typeof BEFORE_HEADS): ZooLayer[] =>
    rows.map(([suffix, M, K]) => gemm(ctx, `${prefix}.${suffix}`, M, K, BERT_BASE.seq, coding));
  const heads = Array.from({ length: BERT_BASE.heads }, (_, h) => attentionHead(ctx, `${prefix}.head${h}`)).flat();
  return [...dense(BEFORE_HEADS), ...heads, ...dense(AFTER_HEADS)];
}

export function buildBertBase(options: ZooOptions = {}): WorkloadManifestInput {
  const ctx = makeContext(BERT_BASE_NAME, options);
  const count = options.layers ?? BERT_BASE.layers;
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`zoo ${BERT_BASE_NAME}: layers must be a positive integer, got ${count}`);
  const layers = Array.from({ length: count }, (_, i) => encoderLayer(ctx, i)).flat();
  return {
    name: BERT_BASE_NAME,
    description: `BERT-base, ${count} encoder layer(s), seq 128, batch 1, T=${ctx.T}, synthetic tensors (seed ${ctx.seed})`,
    layers,
  };
}
