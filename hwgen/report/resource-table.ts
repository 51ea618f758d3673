/**
 * The resource table of a synthesis (hwgen/fpga/report.ts, DesignReport): one row per module variant with its
 * own cells and resources times its instances, so that the rows add up to the total row (the whole design).
 */
import type { ModuleReport } from '../fpga/report.ts';
import type { ResourceSection } from './report-data.ts';
import { element, escapeText, integerText } from './svg.ts';

/** The columns shown, as DesignReport's Resources names them. */
const RESOURCE_COLUMNS = [
  ['lut', 'LUT'],
  ['ff', 'FF'],
  ['carry', 'carry'],
  ['dsp', 'DSP'],
  ['bram', 'BRAM'],
] as const;

function cellCount(cells: Readonly<Record<string, number>>): number {
  return Object.values(cells).reduce((sum, count) => sum + count, 0);
}

function parametersText(module: ModuleReport): string {
  return Object.entries(module.parameters).map(([name, value]) => `${name}=${value}`).join(' ');
}

const numberCell = (value: number): string => element('td', { class: 'num' }, [integerText(value)]);

function moduleRow(module: ModuleReport): string {
  const times = module.instances.length;
  return element('tr', {}, [
    element('th', { title: module.instances.join(', ') }, [escapeText(module.module)]),
    element('td', { class: 'params' }, [escapeText(parametersText(module))]),
    numberCell(times),
    numberCell(cellCount(module.cells) * times),
    ...RESOURCE_COLUMNS.map(([key]) => numberCell(module.resources[key] * times)),
    numberCell(module.memoryBits * times),
  ]);
}

/** The table (figure `resources`); `undefined` data gives the "not synthesized" note. */
export function resourceTable(section: ResourceSection | undefined): string {
  if (section === undefined) return element('p', { class: 'missing', 'data-missing': 'resources' }, ['Not synthesized: run `hwgen synth` for the resource table.']);
  const { report } = section;
  const head = element('tr', {}, ['module', 'parameters', 'instances', 'cells', ...RESOURCE_COLUMNS.map(([, title]) => title), 'memory bits'].map((title) => element('th', {}, [title])));
  const total = element('tr', { class: 'total' }, [
    element('th', {}, ['total']),
    element('td', {}, [escapeText(report.top)]),
    element('td', {}, []),
    numberCell(cellCount(report.cells)),
    ...RESOURCE_COLUMNS.map(([key]) => numberCell(report.total[key])),
    numberCell(report.memoryBits),
  ]);
  const caption = `Resources of ${report.top} on target ${section.target} (per module variant: its own cells × its instances)`;
  return element('table', { class: 'data', 'data-figure': 'resources' }, [
    element('caption', {}, [escapeText(caption)]),
    element('thead', {}, [head]),
    element('tbody', {}, report.modules.map(moduleRow)),
    element('tfoot', {}, [total]),
  ]);
}
