/**
 * The whole page: every section and figure there, text escaped, nothing that could load (no script, no URL,
 * a policy forbidding loads), the same bytes for the same data, and the notes of absent sections.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPORT_FILE, renderReport, writeReport } from './page.ts';
import type { ReportData } from './report-data.ts';
import { SAMPLE_FIGURES, sampleReport } from './test-fixtures.ts';

const count = (html: string, pattern: RegExp): number => (html.match(new RegExp(pattern.source, 'g')) ?? []).length;
const figuresOf = (html: string): string[] => [...html.matchAll(/ data-figure="([^"]*)"/g)].map((m) => m[1]!);

describe('renderReport', () => {
  const html = renderReport(sampleReport());

  it('has every section and figure, in order', () => {
    expect([...html.matchAll(/<section id="([^"]*)"/g)].map((m) => m[1])).toEqual(['summary', 'glance', 'layers', 'schedule', 'utilisation', 'energy', 'resources', 'pareto', 'mismatch']);
    expect(figuresOf(html)).toEqual(SAMPLE_FIGURES);
  });

  it('escapes every text from the data', () => {
    expect(html).toContain('<title>sample &lt;design&gt; &amp; run</title>');
    expect(html).not.toContain('<design>');
    expect(html).not.toContain('<b>');
  });

  it('loads nothing: no script, no src or href, no URL, a policy that forbids loading', () => {
    expect(html).not.toMatch(/<script|\ssrc=|\shref=|https?:|url\(/i);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;unsafe-inline&#39;">`);
  });

  it('gives the same bytes for equal data', () => {
    const copy = JSON.parse(JSON.stringify(sampleReport(), (_, value: unknown) => (typeof value === 'bigint' ? value.toString() : value))) as ReportData;
    expect(renderReport(sampleReport())).toBe(html);
    expect(renderReport(copy)).toBe(html);
  });

  it('marks the layer that did not check and says what differed', () => {
    expect(html).toContain('<tr class="bad"><th>fc1</th>');
    expect(html).toContain('<td>DIFFER</td><td>MISMATCH</td><td>1 problems</td>');
  });

  it('notes the sections it has no data for', () => {
    const { resources: _r, pareto: _p, mismatch: _m, ...rest } = sampleReport();
    const bare = renderReport(rest);
    expect(figuresOf(bare)).toEqual(['layers', 'gantt-conv1', 'gantt-fc1', 'utilisation', 'energy', 'energy-table']);
    expect(bare).toContain('Not synthesized');
    expect(bare).toContain('Not an explore run: no Pareto front.');
    // fc1 did not check and there is no window: its problems are listed.
    expect(bare).toContain('No waveform of it: run `hwgen sim --trace vcd` for the window.');
    expect(bare).toContain('fc1: 80 cycles, predicted 78 &lt;b&gt;');
    const checked = renderReport({ ...rest, layers: rest.layers.filter((layer) => layer.checked !== false) });
    expect(checked).toContain('None: every layer checked.');
  });

  it('draws an explore run without layers: the Pareto front, and notes for the rest', () => {
    const explore = renderReport({ ...sampleReport(), layers: [], utilisation: [], mismatch: undefined });
    expect(figuresOf(explore)).toEqual(['layers', 'resources', 'pareto', 'pareto-front', 'iso-area']);
    expect(count(explore, />No layer\.</)).toBe(3);
  });
});

describe('writeReport', () => {
  it('writes report.html, creating the folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hwgen-report-'));
    try {
      const file = await writeReport(join(dir, 'new', 'folder'), sampleReport());
      expect(file).toBe(join(dir, 'new', 'folder', REPORT_FILE));
      expect(await readFile(file, 'utf8')).toBe(renderReport(sampleReport()));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
