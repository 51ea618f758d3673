import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempWorkspace } from '../cli/cli-harness.ts';
import { energyTableFrom, loadEnergyTable } from './energy-table.ts';
import { DEFAULT_ENERGY_PJ } from '../arch/events.ts';

describe('energyTableFrom', () => {
  it('puts the given events into the default table', () => {
    expect(energyTableFrom({ sram_byte: 0.5, ann_mac: 0 }, 'e.yaml')).toEqual({ ...DEFAULT_ENERGY_PJ, sram_byte: 0.5, ann_mac: 0 });
  });

  it('is the default table for an empty file', () => {
    expect(energyTableFrom(null, 'e.yaml')).toEqual(DEFAULT_ENERGY_PJ);
  });

  it.each([
    [{ snn_mac: 0.1 }, 'e.yaml: snn_mac: unknown key'],
    [{ sram_byte: -1 }, 'e.yaml: sram_byte: must be ≥ 0 (got -1)'],
    [{ fire: 'cheap' }, 'e.yaml: fire: expected number (got "cheap")'],
    [[0.3], 'e.yaml: expected object (got [0.3])'],
  ])('refuses %j', (data, message) => {
    expect(() => energyTableFrom(data, 'e.yaml')).toThrow(message);
  });
});

describe('loadEnergyTable', () => {
  it('reads YAML and JSON files; no file means the default table', async () => {
    const dir = await tempWorkspace();
    await writeFile(join(dir, 'e.yaml'), 'spike: 0.05  # a wider counter\n');
    await writeFile(join(dir, 'e.json'), '{"snn_add": 0.2}');
    expect(await loadEnergyTable(join(dir, 'e.yaml'))).toEqual({ ...DEFAULT_ENERGY_PJ, spike: 0.05 });
    expect(await loadEnergyTable(join(dir, 'e.json'))).toEqual({ ...DEFAULT_ENERGY_PJ, snn_add: 0.2 });
    expect(await loadEnergyTable(undefined)).toBe(DEFAULT_ENERGY_PJ);
  });

  it('names a missing file', async () => {
    await expect(loadEnergyTable('no/such/table.yaml')).rejects.toThrow('no/such/table.yaml: file not found');
  });
});
