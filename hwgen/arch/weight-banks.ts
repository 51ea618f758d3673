/**
 * Weight banks (buffers.banks = 2; hwgen/modules/dispatcher/spec.md, "Overlapped tiles"). Every core's weight and
 * bias/θ memories stay one memory each, but a row tile whose words fit half of both may live in either half: the
 * run reads the half `cfg_wbank` picks (from W_DEPTH/2 and BT_DEPTH/2 on for the upper one), so the host writes the
 * next row tile's words into the other half while the current run reads. A layer whose row tiles need more than
 * half keeps the whole memories and loads its weights before the run, as with one bank.
 */

/** What a core's weight banking depends on: its two memories' depths and W_BANKS. */
export interface WeightMemories {
  readonly weightDepth: number;
  readonly btDepth: number;
  readonly weightBanks: number;
}

export const WEIGHT_BANK_PORT_DESCRIPTION = 'weight bank of the run: 1 reads weight and bias/θ words from W_DEPTH/2 and BT_DEPTH/2 on (W_BANKS = 2)';

/** The memories as one weight bank sees them: half of each (floor). */
export function weightBankMemories<P extends WeightMemories>(params: P): P {
  return { ...params, weightDepth: Math.floor(params.weightDepth / 2), btDepth: Math.floor(params.btDepth / 2) };
}

/** Where bank `bank`'s words start in the weight and bias/θ memories (bank 0, or one bank only: 0). */
export function weightBankBase(params: WeightMemories, bank: number): { readonly weights: number; readonly biasTheta: number } {
  const half = bank === 1 && params.weightBanks > 1 ? weightBankMemories(params) : { weightDepth: 0, btDepth: 0 };
  return { weights: half.weightDepth, biasTheta: half.btDepth };
}
