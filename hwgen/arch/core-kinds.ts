/** The kinds of compute core a design has, and how many of each. */

export const CORE_KINDS = ['ann', 'snn'] as const;
export type CoreKind = (typeof CORE_KINDS)[number];

export interface Machines {
  annArrays: number;
  snnCores: number;
}
