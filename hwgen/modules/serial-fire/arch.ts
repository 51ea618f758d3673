/** The serial fire stage's fixed facts that the models need (spec.md beside this file, "Timing"). */

/**
 * Cycles from a beat's issue to its output: stage 0 (the clamps) and one stage per quotient bit of a level
 * (8: T ≤ 255). A bank taken in cycle P issues beat i in P + 1 + i, which leaves in P + 1 + i + SERIAL_FIRE_PIPE.
 */
export const SERIAL_FIRE_PIPE = 9;
