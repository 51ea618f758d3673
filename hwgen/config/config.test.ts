import { describe, expect, it } from 'vitest';
import { membraneRange, requiredAccumulatorBits, signedBitsFor } from './accumulator.ts';
import { acceleratorFrom, defaultAccelerator } from './load-config.ts';
import { limitsSchema } from './schema.ts';

describe('config: accumulator width', () => {
  it('is the narrowest signed width holding every membrane value', () => {
    expect(signedBitsFor({ min: -128, max: 127 })).toBe(8);
    expect(signedBitsFor({ min: -129, max: 127 })).toBe(9);
    expect(signedBitsFor({ min: -128, max: 128 })).toBe(9);
  });

  it('covers K·128·Tin plus bias and φ', () => {
    const limits = limitsSchema.parse({ maxK: 1, maxInLevels: 1, maxBiasAbs: 0, maxTheta: 1 });
    expect(membraneRange(limits)).toEqual({ min: -128, max: 127 });
    expect(requiredAccumulatorBits(limits)).toBe(8);
    // Default limits: K=4608, Tin=255, |b| ≤ 2^24, θ ≤ 2^24 → |v| < 2^29 + ... needs 30 bits plus sign.
    const defaults = limitsSchema.parse({});
    expect(membraneRange(defaults)).toEqual({ min: -4608 * 255 * 128 - 2 ** 24, max: 4608 * 255 * 127 + 2 ** 24 + 2 ** 23 });
    expect(requiredAccumulatorBits(defaults)).toBe(29);
  });
});

describe('config: loading', () => {
  it('gives the built-in default design with derived width and a stable hash', () => {
    const accelerator = defaultAccelerator();
    expect(accelerator.config.name).toBe('hwgen_default');
    expect(accelerator.config.ann).toEqual({ arrays: 1, rows: 8, cols: 8 });
    expect(accelerator.config.snn).toEqual({ cores: 2, lanes: 16, shiftAdd: false });
    expect(accelerator.accumulatorBits).toBe(29);
    expect(accelerator.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(defaultAccelerator().hash).toBe(accelerator.hash);
    expect(acceleratorFrom({ snn: { cores: 2, lanes: 16 }, clockMHz: 100 }, 'x').hash).toBe(accelerator.hash);
    expect(acceleratorFrom({ clockMHz: 200 }, 'x').hash).not.toBe(accelerator.hash);
  });

  it.each([
    [{ ann: { arrays: 17 } }, 'cfg.yaml: ann.arrays: must be ≤ 16 (got 17)'],
    [{ ann: { rows: 0 } }, 'cfg.yaml: ann.rows: must be ≥ 1 (got 0)'],
    [{ snn: { lanes: 2.5 } }, 'cfg.yaml: snn.lanes: expected int (got 2.5)'],
    [{ snn: { cores: 1, typo: 1 } }, 'cfg.yaml: snn.typo: unknown key'],
    [{ clockMHz: 'fast' }, 'cfg.yaml: clockMHz: expected number (got "fast")'],
    [{ name: 'my design' }, 'cfg.yaml: name: must be a Verilog identifier (letters, digits, "_") (got "my design")'],
    [{ ann: { arrays: 0 }, snn: { cores: 0 } }, 'cfg.yaml: ann.arrays: a design needs at least one ANN array or SNN core'],
    [
      { widths: { accumulator: 24 } },
      'cfg.yaml: widths.accumulator: 24 bits can overflow: maxK=4608, maxInLevels=255, maxBiasAbs=16777216, maxTheta=16777216 need 29',
    ],
  ])('refuses %j with one clear line', (data, message) => {
    expect(() => acceleratorFrom(data, 'cfg.yaml')).toThrow(message);
  });

  it('accepts a declared width at least the required one', () => {
    expect(acceleratorFrom({ widths: { accumulator: 32 } }, 'cfg.yaml').accumulatorBits).toBe(32);
  });
});
