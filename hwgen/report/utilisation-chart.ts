/**
 * Utilisation per core over the whole run: the cycles its cnt_busy counts (the cost model's prediction, equal to
 * the RTL counter in a checked run) over all the run's cycles, loads and drains included: the share of the
 * accelerator's time the core did any work.
 */
import type { CoreUtilisation } from './report-data.ts';
import { element, integerText, percentText, svgRoot, text, tooltip } from './svg.ts';

const WIDTH = 960;
const LEFT = 64;
const PLOT = 600;
const ROW = 18;
const GAP = 8;
const TOP = 8;

export function utilisationOf(core: CoreUtilisation): number {
  return core.total === 0 ? 0 : core.busy / core.total;
}

function rowMarkup(core: CoreUtilisation, r: number): string {
  const y = TOP + r * (ROW + GAP);
  const fraction = utilisationOf(core);
  const summary = `${percentText(fraction)} (${integerText(core.busy)} of ${integerText(core.total)} cycles)`;
  return element('g', { class: 'util-row', 'data-row': core.id }, [
    text(LEFT - 8, y + ROW - 5, core.id, { class: 'row-label', 'text-anchor': 'end' }),
    element('rect', { class: 'track', x: LEFT, y, width: PLOT, height: ROW }),
    element('rect', { class: `bar bar-${core.kind}`, x: LEFT, y, width: PLOT * fraction, height: ROW }, [tooltip(`${core.id}: busy ${summary}`)]),
    text(LEFT + PLOT + 8, y + ROW - 5, summary, { class: 'value' }),
  ]);
}

/** One bar per core (figure `utilisation`). */
export function utilisationChart(cores: readonly CoreUtilisation[]): string {
  const height = TOP * 2 + cores.length * (ROW + GAP);
  return svgRoot('utilisation', WIDTH, height, `utilisation of ${cores.length} cores`, cores.map(rowMarkup));
}
