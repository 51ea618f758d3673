/**
 * report.html in headless Chromium (Debian's `chromium`; `make test` installs it, and without it these tests
 * fail with a message saying so): the full sample report shows every figure with its data drawn and no console
 * error, page error or request; and the checker rejects broken reports (an emptied chart, a missing one, one of
 * no size, a script that errs, an image from the network).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ToolError } from '../errors.ts';
import { chromiumPath, viewInChromium, viewProblems } from './browser-check.ts';
import { renderReport, writeReport } from './page.ts';
import { SAMPLE_FIGURES, sampleReport } from './test-fixtures.ts';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hwgen-report-browser-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function view(name: string, html: string) {
  const file = join(dir, name);
  await writeFile(file, html);
  return viewInChromium(file);
}

/** `html` with the element `<svg … data-figure="figure" …>…</svg>` passed through `edit`. */
function editFigure(html: string, figure: string, edit: (svg: string) => string): string {
  const start = html.indexOf(`<svg class="chart" data-figure="${figure}"`);
  const end = html.indexOf('</svg>', start) + '</svg>'.length;
  if (start < 0) throw new Error(`no figure ${figure}`);
  return html.slice(0, start) + edit(html.slice(start, end)) + html.slice(end);
}

const withoutPolicy = (html: string): string => html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '');
const injected = '<img src="https://example.invalid/logo.png" alt=""><script>console.error("boom"); throw new Error("bad report");</script>';

describe('chromium', () => {
  it('is on PATH (make test installs it)', () => {
    expect(chromiumPath()).toMatch(/chromium$/);
  });

  it('missing fails with a message that says how to install it', () => {
    const saved = process.env.HWGEN_CHROMIUM;
    process.env.HWGEN_CHROMIUM = join(dir, 'no-such-chromium');
    try {
      expect(() => chromiumPath()).toThrow(ToolError);
      expect(() => chromiumPath()).toThrow(/apt-get install chromium/);
    } finally {
      if (saved === undefined) delete process.env.HWGEN_CHROMIUM;
      else process.env.HWGEN_CHROMIUM = saved;
    }
  });
});

describe('report.html in headless Chromium', () => {
  it('renders every chart of the full report, non-empty, with no console error and no request', async () => {
    const file = await writeReport(join(dir, 'full'), sampleReport());
    const seen = await viewInChromium(file);
    expect(viewProblems(seen, SAMPLE_FIGURES)).toEqual([]);
    // The data marks test-fixtures.ts draws: bars, segments, points, rows and waves (snn1's 0 % bar has no area).
    expect(Object.fromEntries(seen.figures.map((figure) => [figure.figure, figure.marks]))).toEqual({
      layers: 2, 'gantt-conv1': 7, 'gantt-fc1': 6, utilisation: 2, energy: 13, 'energy-table': 3,
      resources: 3, pareto: 5, 'pareto-front': 2, 'iso-area': 2, waveform: 21,
    });
    for (const figure of seen.figures) expect(figure.width * figure.height).toBeGreaterThan(0);
  });

  it('rejects a report with a chart emptied, one missing and one of no size', async () => {
    let html = renderReport(sampleReport());
    html = editFigure(html, 'gantt-conv1', (svg) => svg.replace(/<rect class="bar [^>]*>.*?<\/rect>/g, ''));
    html = editFigure(html, 'pareto', () => '');
    html = editFigure(html, 'utilisation', (svg) => svg.replace(/ width="960" height="[^"]*"/, ' width="0" height="0"'));
    const problems = viewProblems(await view('broken-figures.html', html), SAMPLE_FIGURES);
    expect(problems).toEqual([
      'figure pareto is missing',
      'figure gantt-conv1 is empty: no data mark drawn',
      'figure utilisation has no size (0×0)',
      'figure utilisation is empty: no data mark drawn',
    ]);
  });

  it('rejects a script that logs an error or throws, and an image from the network (without the page\'s policy)', async () => {
    const html = withoutPolicy(renderReport(sampleReport())).replace('</body>', `${injected}</body>`);
    const problems = viewProblems(await view('broken-script.html', html), SAMPLE_FIGURES);
    expect(problems).toContain('console error: boom');
    expect(problems).toContain('page error: bad report');
    expect(problems).toContain('request out of the file: https://example.invalid/logo.png');
  });

  it('keeps its policy: the same script and image are refused before any request', async () => {
    const html = renderReport(sampleReport()).replace('</body>', `${injected}</body>`);
    const seen = await view('refused.html', html);
    expect(seen.requests).toEqual([]);
    expect(seen.pageErrors).toEqual([]);
    expect(seen.consoleErrors.length).toBeGreaterThanOrEqual(2);
    for (const error of seen.consoleErrors) expect(error).toMatch(/Content Security Policy/);
  });
});
