/**
 * `hwgen sim --junit FILE`: the run as a JUnit XML report, the format CI systems draw test results from (GitLab,
 * Jenkins, GitHub's test-report actions). One test case per layer; a layer whose outputs, cycles, counters, events or
 * waveform differ is a failure whose message is its first problem and whose text lists them all. A dependency for
 * this was not worth it: the format needed is a dozen elements, written here with escaping.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SimResultJson } from '../flows/write-sim.ts';

type SimLayer = SimResultJson['layers'][number];

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

function layerCase(layer: SimLayer, className: string): string {
  const head = `  <testcase${attributes({ classname: className, name: layer.name, time: secondsText(layer.seconds) })}>`;
  const summary = `    <system-out>${xmlEscape(`${layer.cycles} cycles (predicted ${layer.predictedCycles}), ${layer.tiles} tiles, M=${layer.M} K=${layer.K} N=${layer.N}`)}</system-out>`;
  if (layer.checked) return [head, summary, '  </testcase>'].join('\n');
  const failure = `    <failure${attributes({ message: layer.problems[0] ?? 'check failed', type: 'check' })}>${xmlEscape(layer.problems.join('\n'))}</failure>`;
  return [head, failure, summary, '  </testcase>'].join('\n');
}

/**
 * The report's text. `time` is each layer's simulated time at the design's clock (cycles ÷ clockMHz), not wall time:
 * the figure a hardware run is judged by, and the same every run.
 */
export function junitXml(result: SimResultJson): string {
  const className = `hwgen.sim.${result.workload}`;
  const failures = result.layers.filter((layer) => !layer.checked).length;
  const suite = attributes({ name: `${result.workload} on ${result.design} (${result.simulator}, policy ${result.policy})`, tests: result.layers.length, failures, errors: 0, skipped: 0, time: secondsText(result.total.seconds) });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attributes({ name: 'hwgen sim', tests: result.layers.length, failures, errors: 0 })}>`,
    `<testsuite${suite}>`,
    ...result.layers.map((layer) => layerCase(layer, className)),
    '</testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

export async function writeJunit(file: string, result: SimResultJson): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, junitXml(result));
}
