/**
 * `hwgen sim --junit FILE`: the run as a JUnit XML report, the format CI systems draw test results from (GitLab,
 * Jenkins, GitHub's test-report actions). One test case per layer; a layer whose outputs, cycles, counters, events or
 * waveform differ is a failure whose message is its first problem and whose text lists them all. A dependency for
 * this was not worth it: the format needed is a dozen elements, written here with escaping.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SimResultJson } from '../flows/write-sim.ts';
import type { WaveCheckResult } from '../flows/wave-check.ts';
import type { EvalResult } from '../eval/eval-run.ts';

type SimLayer = SimResultJson['layers'][number];

/** One check as CI sees it: failed when it has problems, the first one its message. */
export interface JunitCase {
  readonly name: string;
  /** Simulated time where there is one (a layer's cycles at the clock), else 0. */
  readonly seconds: number;
  readonly problems: readonly string[];
  /** One line of what was checked. */
  readonly output: string;
}

/** A command's checks: `tool` names the report (`hwgen sim`), `className` groups the cases in CI's tables. */
export interface JunitSuite {
  readonly tool: string;
  readonly name: string;
  readonly className: string;
  readonly seconds: number;
  readonly cases: readonly JunitCase[];
}

/** Characters XML 1.0 cannot hold at all (control characters but tab, newline, carriage return). */
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function xmlEscape(text: string): string {
  return text.replace(NOT_XML, '?').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function attributes(values: Readonly<Record<string, string | number>>): string {
  return Object.entries(values).map(([name, value]) => ` ${name}="${xmlEscape(String(value))}"`).join('');
}

/** Seconds in plain decimals: JUnit readers parse `time` as a decimal, and 8e-7 is not one to all of them. */
function secondsText(seconds: number): string {
  return seconds.toFixed(9).replace(/\.?0+$/, '') || '0';
}

function caseXml(check: JunitCase, className: string): string {
  const head = `  <testcase${attributes({ classname: className, name: check.name, time: secondsText(check.seconds) })}>`;
  const output = `    <system-out>${xmlEscape(check.output)}</system-out>`;
  if (check.problems.length === 0) return [head, output, '  </testcase>'].join('\n');
  const failure = `    <failure${attributes({ message: check.problems[0] ?? 'check failed', type: 'check' })}>${xmlEscape(check.problems.join('\n'))}</failure>`;
  return [head, failure, output, '  </testcase>'].join('\n');
}

export function junitXml(suite: JunitSuite): string {
  const failures = suite.cases.filter((check) => check.problems.length > 0).length;
  const tests = suite.cases.length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attributes({ name: suite.tool, tests, failures, errors: 0 })}>`,
    `<testsuite${attributes({ name: suite.name, tests, failures, errors: 0, skipped: 0, time: secondsText(suite.seconds) })}>`,
    ...suite.cases.map((check) => caseXml(check, suite.className)),
    '</testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** A layer that was not checked clean fails; a clean one has no problems to list. */
function layerCase(layer: SimLayer): JunitCase {
  return {
    name: layer.name,
    seconds: layer.seconds,
    problems: layer.checked ? [] : layer.problems.length > 0 ? layer.problems : ['check failed'],
    output: `${layer.cycles} cycles (predicted ${layer.predictedCycles}), ${layer.tiles} tiles, M=${layer.M} K=${layer.K} N=${layer.N}`,
  };
}

/**
 * `hwgen sim`: one case per layer. `time` is each layer's simulated time at the design's clock (cycles ÷ clockMHz),
 * not wall time: the figure a hardware run is judged by, and the same every run.
 */
export function simSuite(result: SimResultJson): JunitSuite {
  return {
    tool: 'hwgen sim',
    name: `${result.workload} on ${result.design} (${result.simulator}, policy ${result.policy})`,
    className: `hwgen.sim.${result.workload}`,
    seconds: result.total.seconds,
    cases: result.layers.map(layerCase),
  };
}

/** `hwgen check`: one case per waveform checked, failed by its findings. */
export function checkSuite(workload: string, results: readonly WaveCheckResult[]): JunitSuite {
  return {
    tool: 'hwgen check',
    name: `waveforms of ${workload}`,
    className: `hwgen.check.${workload}`,
    seconds: 0,
    cases: results.map((result) => ({
      name: result.layer,
      seconds: 0,
      problems: result.total === 0 ? [] : result.problems.length > 0 ? result.problems : [`${result.total} finding(s)`],
      output: result.summary,
    })),
  };
}

/**
 * `hwgen eval`: the golden model's accuracy (a figure, never a failure) and, with `--rtl N`, the RTL's run, failed
 * when an image's class or any output, cycle, counter or event differs from the golden and cost models.
 */
export function evalSuite(model: string, result: EvalResult): JunitSuite {
  const images = result.labels.length;
  const golden: JunitCase = { name: 'golden model accuracy', seconds: 0, problems: [], output: `${result.golden.correct} of ${images} images classified correctly` };
  const { rtl } = result;
  const cases = rtl === undefined ? [golden] : [golden, {
    name: `RTL on ${rtl.images} images (${rtl.simulator})`,
    seconds: 0,
    problems: [...(rtl.agreeing === rtl.images ? [] : [`${rtl.images - rtl.agreeing} of ${rtl.images} images classified differently from the golden model`]), ...rtl.problems],
    output: `${rtl.agreeing} of ${rtl.images} images as the golden model, ${rtl.cycles} cycles (predicted ${rtl.predictedCycles})`,
  }];
  return { tool: 'hwgen eval', name: `${model}: accuracy and RTL`, className: `hwgen.eval.${model}`, seconds: 0, cases };
}

export async function writeJunit(file: string, suite: JunitSuite): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, junitXml(suite));
}
