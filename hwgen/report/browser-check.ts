/**
 * Opens report.html in headless Chromium (Debian's `chromium`, driven by puppeteer-core: a devDependency, so
 * only tests import this file) and tells what a reader would see: every figure (`data-figure`) with its drawn
 * size and its data marks, every console error, uncaught page error and request the page tried (none may
 * leave the file: every other request is aborted before it is sent, and recorded).
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer from 'puppeteer-core';
import { ToolError } from '../errors.ts';
import { DATA_MARK_SELECTOR } from './svg.ts';

export interface FigureSeen {
  readonly figure: string;
  /** `svg` or `table`. */
  readonly tag: string;
  /** Its box on the page, CSS pixels. */
  readonly width: number;
  readonly height: number;
  /** Data shapes (an SVG) or body rows (a table) drawn inside its box. */
  readonly marks: number;
}

export interface BrowserView {
  readonly figures: readonly FigureSeen[];
  readonly consoleErrors: readonly string[];
  readonly pageErrors: readonly string[];
  /** URLs other than the report itself that the page asked for. */
  readonly requests: readonly string[];
}

/** `HWGEN_CHROMIUM`, else `chromium` on PATH; a clear error when there is none. */
export function chromiumPath(): string {
  const named = process.env.HWGEN_CHROMIUM;
  const candidates = named !== undefined && named !== '' ? [named] : (process.env.PATH ?? '').split(delimiter).filter((dir) => dir !== '').map((dir) => join(dir, 'chromium'));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not there or not executable: try the next.
    }
  }
  throw new ToolError('chromium', "not found on PATH (or HWGEN_CHROMIUM): install Debian's chromium (apt-get install chromium; `make test` does)");
}

/**
 * Runs in the page (a string: this project type-checks without the DOM library). A figure's marks are its data
 * shapes (a table's body rows) whose box overlaps the figure's own box with an area (a path or line: a length):
 * what is clipped away or has no size is not drawn.
 */
const MEASURE_FIGURES = `(() => {
  const drawnIn = (outer) => (shape) => {
    const box = shape.getBoundingClientRect();
    const width = Math.min(box.right, outer.right) - Math.max(box.left, outer.left);
    const height = Math.min(box.bottom, outer.bottom) - Math.max(box.top, outer.top);
    const thin = ['path', 'line', 'polyline'].includes(shape.tagName.toLowerCase());
    return thin ? width >= 0 && height >= 0 && width + height > 0 : width > 0 && height > 0;
  };
  return [...document.querySelectorAll('[data-figure]')].map((figure) => {
    const box = figure.getBoundingClientRect();
    const tag = figure.tagName.toLowerCase();
    const shapes = tag === 'table' ? [...figure.querySelectorAll('tbody tr')] : [...figure.querySelectorAll(${JSON.stringify(DATA_MARK_SELECTOR)})];
    return { figure: figure.getAttribute('data-figure'), tag, width: box.width, height: box.height, marks: shapes.filter(drawnIn(box)).length };
  });
})()`;

/** What headless Chromium shows of the HTML file `file`. */
export async function viewInChromium(file: string): Promise<BrowserView> {
  const browser = await puppeteer.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox', '--disable-gpu'], timeout: 60_000 });
  try {
    const page = await browser.newPage();
    const consoleErrors: string[] = [];
    const pageErrors: string[] = [];
    const requests: string[] = [];
    const own = pathToFileURL(file).href;
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'assert') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => pageErrors.push(error instanceof Error ? error.message : String(error)));
    await page.setRequestInterception(true);
    page.on('request', (request) => {
      if (request.url() === own) return void request.continue();
      requests.push(request.url());
      void request.abort();
    });
    await page.goto(own, { waitUntil: 'load', timeout: 60_000 });
    const figures = (await page.evaluate(MEASURE_FIGURES)) as FigureSeen[];
    return { figures, consoleErrors, pageErrors, requests };
  } finally {
    await browser.close();
  }
}

/**
 * Everything wrong with a view, one line each: an expected figure missing, a figure drawn with no size or no
 * data mark, a console or page error, a request out of the file. Empty: the report rendered as it must.
 */
export function viewProblems(view: BrowserView, expectedFigures: readonly string[]): string[] {
  const problems: string[] = [];
  const seen = new Set(view.figures.map((figure) => figure.figure));
  for (const name of expectedFigures) if (!seen.has(name)) problems.push(`figure ${name} is missing`);
  for (const figure of view.figures) {
    if (figure.width <= 0 || figure.height <= 0) problems.push(`figure ${figure.figure} has no size (${figure.width}×${figure.height})`);
    if (figure.marks === 0) problems.push(`figure ${figure.figure} is empty: no ${figure.tag === 'table' ? 'row' : 'data mark'} drawn`);
  }
  problems.push(...view.consoleErrors.map((text) => `console error: ${text}`));
  problems.push(...view.pageErrors.map((text) => `page error: ${text}`));
  problems.push(...view.requests.map((url) => `request out of the file: ${url}`));
  return problems;
}
