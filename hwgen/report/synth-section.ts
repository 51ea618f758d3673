/**
 * The report's resource section from a `hwgen synth` result (hwgen/fpga/synth.ts): the per-module table, whether
 * the design fits the target's part with how much of it it takes, and the Fmax where nextpnr measured one.
 */
import type { Ice40Report, SynthResult } from '../fpga/synth.ts';
import { ICE40_PARTS, utilisation } from '../fpga/targets.ts';
import type { DeviceFit, ResourceSection } from './report-data.ts';

/** The iCE40 part the design was placed on (or the last one tried), its harness included: what the part holds. */
function ice40Fit(ice40: Ice40Report, why: string | undefined): DeviceFit | undefined {
  const attempt = ice40.attempts.find((tried) => tried.part === ice40.part) ?? ice40.attempts[ice40.attempts.length - 1];
  const part = ICE40_PARTS.find((known) => known.name === attempt?.part);
  if (attempt === undefined || part === undefined) return undefined;
  return { part: `${part.name} (${part.board})`, fits: ice40.fits, ...(why === undefined ? {} : { why }), utilisation: utilisation(attempt.withHarness, part) };
}

function deviceFit(synth: SynthResult): DeviceFit | undefined {
  if (synth.xc7 !== undefined) {
    const { part, board, fits, utilisation: shares } = synth.xc7;
    return { part: `${part} (${board})`, fits, ...(synth.notFit === undefined ? {} : { why: synth.notFit }), utilisation: shares };
  }
  return synth.ice40 === undefined ? undefined : ice40Fit(synth.ice40, synth.notFit);
}

export function resourceSectionOf(synth: SynthResult): ResourceSection {
  const fit = deviceFit(synth);
  const fmaxMHz = synth.ice40?.fmaxMHz;
  const placedOn = synth.ice40?.part;
  return {
    target: synth.target,
    report: synth,
    ...(fit === undefined ? {} : { fit }),
    ...(fmaxMHz === undefined || placedOn == null ? {} : { fmax: { mhz: fmaxMHz, from: `nextpnr-ice40 on ${placedOn}` } }),
  };
}
