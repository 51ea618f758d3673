/**
 * Scales from data to pixels and the axes that label them. Ticks fall on round values (1, 2 or 5 × 10^k;
 * decades on a log scale) so that axes read the same for the same data.
 */
import { compactNumber, coordinate, element, text } from './svg.ts';

export interface Scale {
  /** Data value → pixel. */
  readonly at: (value: number) => number;
  readonly ticks: readonly number[];
  readonly log: boolean;
}

/** 1, 2 or 5 × 10^k, the smallest not below `rough`. */
function niceStep(rough: number): number {
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((candidate) => candidate >= rough * (1 - 1e-9));
  return step ?? 10 * power;
}

/** Values of `step` multiples in [min, max]. */
function stepTicks(min: number, max: number, step: number): number[] {
  const ticks: number[] = [];
  for (let i = Math.ceil(min / step - 1e-9); i * step <= max + step * 1e-9; i++) ticks.push(i * step);
  return ticks;
}

/**
 * [min, max] onto pixels [from, to]. `widen`: grow the domain to the ticks around it (scatter plots);
 * otherwise the domain is kept (a Gantt chart's axis ends at the layer's last cycle).
 */
export function linearScale(min: number, max: number, from: number, to: number, widen = false, tickCount = 6): Scale {
  const span = max > min ? max - min : Math.max(Math.abs(max), 1);
  const step = niceStep(span / tickCount);
  const lo = widen ? Math.floor(min / step) * step : min;
  const hi = widen ? Math.max(Math.ceil(max / step) * step, lo + step) : max > min ? max : min + span;
  const at = (value: number): number => from + ((value - lo) / (hi - lo)) * (to - from);
  return { at, ticks: stepTicks(lo, hi, step), log: false };
}

/** [min, max] (both > 0) onto pixels on a log10 scale, widened to whole decades. */
export function logScale(min: number, max: number, from: number, to: number): Scale {
  const lo = Math.floor(Math.log10(min));
  const hi = Math.max(Math.ceil(Math.log10(max)), lo + 1);
  const at = (value: number): number => from + ((Math.log10(value) - lo) / (hi - lo)) * (to - from);
  const ticks = Array.from({ length: hi - lo + 1 }, (_, i) => 10 ** (lo + i));
  return { at, ticks, log: true };
}

/** Values spread over more than this ratio are drawn on a log scale. */
const LOG_RATIO = 30;

/** A log scale when the values are all positive and spread over more than LOG_RATIO, else linear and widened. */
export function autoScale(values: readonly number[], from: number, to: number): Scale {
  const min = Math.min(...values);
  const max = Math.max(...values);
  if (min > 0 && max / min > LOG_RATIO) return logScale(min, max, from, to);
  return linearScale(Math.min(min, 0), max, from, to, true);
}

/** A horizontal axis at `y` from pixel `x0` to `x1`: line, tick marks and labels. */
export function bottomAxis(scale: Scale, y: number, x0: number, x1: number, label: string): string {
  const marks = scale.ticks.map((tick) => {
    const x = scale.at(tick);
    return element('line', { class: 'tick', x1: x, y1: y, x2: x, y2: y + 4 }) + text(x, y + 15, compactNumber(tick), { class: 'tick-label', 'text-anchor': 'middle' });
  });
  return element('g', { class: 'axis' }, [element('line', { class: 'axis-line', x1: x0, y1: y, x2: x1, y2: y }), ...marks, text((x0 + x1) / 2, y + 30, label, { class: 'axis-label', 'text-anchor': 'middle' })]);
}

/** A vertical axis at `x` from pixel `y0` (bottom) to `y1` (top). */
export function leftAxis(scale: Scale, x: number, y0: number, y1: number, label: string): string {
  const marks = scale.ticks.map((tick) => {
    const y = scale.at(tick);
    return element('line', { class: 'tick', x1: x - 4, y1: y, x2: x, y2: y }) + text(x - 6, y + 4, compactNumber(tick), { class: 'tick-label', 'text-anchor': 'end' });
  });
  const middle = (y0 + y1) / 2;
  return element('g', { class: 'axis' }, [
    element('line', { class: 'axis-line', x1: x, y1: y0, x2: x, y2: y1 }),
    ...marks,
    text(x - 46, middle, label, { class: 'axis-label', 'text-anchor': 'middle', transform: `rotate(-90 ${coordinate(x - 46)} ${coordinate(middle)})` }),
  ]);
}
