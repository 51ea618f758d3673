/**
 * The rules of a valid/ready stream (sim/waveform/README.md, "Checking streams"), checked cycle by cycle
 * on what a flip-flop samples at each rising edge:
 *
 * - `valid-dropped`: once valid is high and ready low (a stall), valid stays high until the beat moves;
 * - `data-unstable`: while stalled, the payload (data, last…) stays as it was;
 * - `beat-in-reset`: no beat (valid and ready high) while reset is asserted;
 * - `unknown-control`: out of reset, valid and ready are 0 or 1, never x or z;
 * - `unknown-data`: a beat's payload has no x or z bit.
 */
import { formatValue, type SignalValue } from './values.ts';

export type ProtocolRule = 'valid-dropped' | 'data-unstable' | 'beat-in-reset' | 'unknown-control' | 'unknown-data';

/** What each rule says, for reports. */
export const PROTOCOL_RULES: Readonly<Record<ProtocolRule, string>> = {
  'valid-dropped': 'valid dropped while stalled (valid must stay high until ready takes the beat)',
  'data-unstable': 'data changed while stalled (the payload must hold until the beat moves)',
  'beat-in-reset': 'a beat while reset is asserted',
  'unknown-control': 'valid or ready is x or z out of reset',
  'unknown-data': 'a beat carries x or z bits',
};

/** One payload field of a stream: `label` for reports (`in_data`), `signal` its name in the waveform. */
export interface PayloadField {
  readonly label: string;
  readonly signal: string;
}

/** A valid/ready stream, by the names of its signals in the waveform. */
export interface StreamInterface {
  /** For reports: `core 1 (snn 0) input`. */
  readonly name: string;
  readonly valid: string;
  /** Absent: the consumer is always ready. */
  readonly ready?: string | undefined;
  readonly payload: readonly PayloadField[];
  /** How reports call valid and ready (default: the last component of their names). */
  readonly validLabel?: string;
  readonly readyLabel?: string;
}

/** The last component of a hierarchical name. */
export function leafName(signal: string): string {
  return signal.slice(signal.lastIndexOf('.') + 1);
}

/** One stream at one rising edge. */
export interface StreamSample {
  /** The caller's cycle number of the edge. */
  readonly cycle: number;
  /** In the waveform's time units. */
  readonly time: number;
  readonly reset: boolean;
  readonly valid: SignalValue;
  /** 1n when the stream has no ready signal. */
  readonly ready: SignalValue;
  readonly payload: readonly SignalValue[];
}

export interface ProtocolViolation {
  readonly rule: ProtocolRule;
  readonly interface: string;
  readonly cycle: number;
  readonly time: number;
  /** The signal at fault, as named in the interface. */
  readonly signal: string;
  readonly expected: string;
  readonly actual: string;
  /** What the signals did: `in_valid fell to 0x0, the beat having waited in cycle 41`. */
  readonly detail: string;
  /** One line: the stream, the rule, the cycle and the detail. */
  readonly message: string;
}

export const isHigh = (value: SignalValue): boolean => value === 1n;
/** A 1-bit value as 0, 1, x or z. */
const bit = (value: SignalValue): string => (typeof value === 'bigint' ? value.toString() : String(value));
const isBinary = (value: SignalValue): boolean => value === 0n || value === 1n;

export function isStalled(sample: StreamSample): boolean {
  return !sample.reset && isHigh(sample.valid) && sample.ready === 0n;
}

export function isBeat(sample: StreamSample): boolean {
  return isHigh(sample.valid) && isHigh(sample.ready);
}

/**
 * The rules broken at `current`. `previous` is the sample of the cycle just before (undefined when that
 * cycle is not in the waveform: its first cycle, or a gap), which the stall rules need.
 */
export function checkProtocol(stream: StreamInterface, previous: StreamSample | undefined, current: StreamSample): ProtocolViolation[] {
  const violations: ProtocolViolation[] = [];
  const add = (rule: ProtocolRule, signal: string, expected: string, actual: string, detail: string): void => {
    violations.push({
      rule,
      interface: stream.name,
      cycle: current.cycle,
      time: current.time,
      signal,
      expected,
      actual,
      detail,
      message: `${stream.name}: ${PROTOCOL_RULES[rule]}: cycle ${current.cycle}: ${detail}`,
    });
  };
  const validLabel = stream.validLabel ?? leafName(stream.valid);
  const readyLabel = stream.readyLabel ?? (stream.ready === undefined ? 'ready' : leafName(stream.ready));
  if (current.reset) {
    if (isBeat(current)) add('beat-in-reset', stream.valid, '0', '1', `${validLabel} and ${readyLabel} high`);
    return violations;
  }
  if (!isBinary(current.valid)) add('unknown-control', stream.valid, '0 or 1', bit(current.valid), `${validLabel} is ${bit(current.valid)}`);
  if (stream.ready !== undefined && !isBinary(current.ready)) {
    add('unknown-control', stream.ready, '0 or 1', bit(current.ready), `${readyLabel} is ${bit(current.ready)}`);
  }
  if (previous !== undefined && previous.cycle === current.cycle - 1 && isStalled(previous)) {
    if (!isHigh(current.valid)) {
      add('valid-dropped', stream.valid, '1', bit(current.valid), `${validLabel} fell to ${bit(current.valid)}, the beat having waited in cycle ${previous.cycle}`);
    } else {
      stream.payload.forEach((field, i) => {
        const was = previous.payload[i];
        const now = current.payload[i];
        if (was !== undefined && now !== undefined && was !== now) {
          add('data-unstable', field.signal, formatValue(was), formatValue(now), `${field.label} went from ${formatValue(was)} to ${formatValue(now)}, the beat having waited in cycle ${previous.cycle}`);
        }
      });
    }
  }
  if (isBeat(current)) {
    stream.payload.forEach((field, i) => {
      const value = current.payload[i];
      if (value !== undefined && typeof value !== 'bigint') add('unknown-data', field.signal, 'known bits', formatValue(value), `${field.label} is ${formatValue(value)} on a beat`);
    });
  }
  return violations;
}
