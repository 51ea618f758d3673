/**
 * The integer contract's fixed widths, defined once for every module, model and testbench (docs/numerics.md):
 * what a level, a weight, a bias, a threshold and an event counter are in hardware.
 */

/** An activation level 0..255 (unsigned), on every stream and in every replica. */
export const LEVEL_BITS = 8;
/** A weight: int8. */
export const WEIGHT_BITS = 8;
/** A bias: int32. */
export const BIAS_BITS = 32;
/** A threshold θ, 1..2^24: unsigned, 25 bits. */
export const THETA_BITS = 25;
/** Every event counter (`cnt_*`) counts since reset in 48 bits: years of cycles at any clock hwgen targets. */
export const COUNTER_BITS = 48;
/** A bias/θ entry is budgeted as two 32-bit words of buffer in both cores, whatever its stored width. */
export const BIAS_THETA_BYTES = 8;
