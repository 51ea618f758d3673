/**
 * The "At a glance" figures on the hand-made sample (test-fixtures.ts), worked by hand:
 * conv1 120 + fc1 80 = 200 RTL cycles at 100 MHz = 2 µs; ops 2·(8·27·5 + 4·16·2) = 2416, so 12.08 ops/cycle and
 * 1.208 GOPS; energy 17 400 + 1320 = 18 720 pJ over 2 µs = 9.36 mW.
 */
import { describe, expect, it } from 'vitest';
import type { SynthResult } from '../fpga/synth.ts';
import { renderReport } from './page.ts';
import type { ReportData } from './report-data.ts';
import { quantityText, runFigureEntries, runFigures } from './run-figures.ts';
import { resourceSectionOf } from './synth-section.ts';
import { sampleDesignReport, sampleReport } from './test-fixtures.ts';

const THIN = '\u2009';

function withFitAndTraces(): ReportData {
  const sample = sampleReport();
  return {
    ...sample,
    inferences: 4,
    layers: sample.layers.map((layer, i) => ({ ...layer, waveFindings: i })),
    resources: { target: 'xc7', report: sampleDesignReport(), fit: { part: 'xc7z020 (PYNQ-Z2)', fits: true, utilisation: { lut: 800 / 53_200, ff: 350 / 106_400 } } },
    tools: { hwgen: 'hwgen 0.1.0', verilator: 'Verilator 5.032 2025-01-01', yosys: 'Yosys 0.52' },
  };
}

describe('runFigures', () => {
  it('works out latency, throughput and power of the sample exactly', () => {
    const figures = runFigures(sampleReport());
    expect(figures).toEqual({ cycles: 200, measured: true, latencyUs: 2, inferences: 1, inferencesPerSecond: 500_000, ops: 2416, gops: 1.208, energyPj: 18_720, powerMw: expect.closeTo(9.36, 12) });
  });

  it('falls back to predicted cycles when a layer was not simulated', () => {
    const sample = sampleReport();
    const predictedOnly = { ...sample, layers: sample.layers.map(({ cycles: _, ...layer }) => layer) };
    expect(runFigures(predictedOnly)).toMatchObject({ cycles: 198, measured: false, latencyUs: 1.98 });
  });

  it('has nothing to say without a layer', () => {
    expect(runFigures({ ...sampleReport(), layers: [] })).toBeUndefined();
  });
});

describe('runFigureEntries', () => {
  it('states every figure of the sample', () => {
    expect(runFigureEntries(withFitAndTraces())).toEqual([
      ['cycles', '200 (RTL)'],
      ['latency', '2.00 µs for the batch of 4 at 100 MHz'],
      ['inferences/s', `2${THIN}000${THIN}000`],
      ['throughput', '1.21 GOPS (12.08 ops/cycle × 100 MHz)'],
      ['average power', '9.36 mW (18.72 nJ energy model over 2.00 µs)'],
      ['device', 'fits xc7z020 (PYNQ-Z2): LUT 1.5 %, FF 0.3 %'],
      ['waveform check', '2 of 2 layers checked, 1 finding(s)'],
      ['hwgen', 'hwgen 0.1.0'],
      ['verilator', 'Verilator 5.032 2025-01-01'],
      ['yosys', 'Yosys 0.52'],
    ]);
  });

  it('says what is missing: no synthesis, no trace', () => {
    const entries = new Map(runFigureEntries({ ...sampleReport(), resources: undefined }));
    expect(entries.get('device')).toBe('not synthesized');
    expect(entries.get('waveform check')).toBe('not traced (hwgen sim --trace vcd checks the waveform)');
  });

  it('names the overflow of a design that does not fit', () => {
    const data = withFitAndTraces();
    const resources = { target: 'xc7', report: sampleDesignReport(), fit: { part: 'xc7z020 (PYNQ-Z2)', fits: false, why: 'BRAM36 185.5 of 140', utilisation: { bram: 1.325 } } };
    expect(new Map(runFigureEntries({ ...data, resources })).get('device')).toBe('does NOT fit xc7z020 (PYNQ-Z2): BRAM36 185.5 of 140');
  });
});

describe('quantityText', () => {
  it('keeps three significant figures, whole numbers from 1000 on', () => {
    expect([0, 0.012345, 1.5, 12.345, 123.45, 12_345.6].map(quantityText)).toEqual(['0.00', '0.0123', '1.50', '12.35', '123.5', `12${THIN}346`]);
  });
});

describe('the page', () => {
  it('shows the figures in a list whose values do not wrap', () => {
    const html = renderReport(withFitAndTraces());
    expect(html).toContain('<section id="glance"><h2>At a glance</h2><dl class="summary figures">');
    expect(html).toContain('<dt>average power</dt><dd>9.36 mW (18.72 nJ energy model over 2.00 µs)</dd>');
    expect(html).toMatch(/dl\.figures dd \{[^}]*white-space: nowrap/);
    expect(html).toMatch(/td\.num \{[^}]*white-space: nowrap/);
  });
});

describe('resourceSectionOf', () => {
  const report = sampleDesignReport();
  const base = { ...report, generator: 'hwgen 0.1.0', design: 'd', configHash: 'h', top: report.top, tools: {}, log: '', logs: [], cached: false, wallSeconds: 1 };

  it('takes the xc7 fit and its shares', () => {
    const synth: SynthResult = { ...base, target: 'xc7', fits: true, xc7: { part: 'xc7z020', board: 'PYNQ-Z2', fits: true, overflows: [], utilisation: { lut: 0.25 } } };
    expect(resourceSectionOf(synth)).toMatchObject({ target: 'xc7', fit: { part: 'xc7z020 (PYNQ-Z2)', fits: true, utilisation: { lut: 0.25 } } });
    expect(resourceSectionOf(synth).fmax).toBeUndefined();
  });

  it('has no fit for the generic target', () => {
    expect(resourceSectionOf({ ...base, target: 'generic', fits: true }).fit).toBeUndefined();
  });
});
