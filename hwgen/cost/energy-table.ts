/**
 * The per-event energy table (pJ per event, docs/numerics.md "Work and energy per column"): the
 * default 45 nm figures, or an override read from a YAML or JSON file. A file names only the events it
 * changes; the others keep their default:
 *
 *     sram_byte: 0.5     # a denser SRAM macro
 *     ann_mac: 0.2
 *
 * Unknown event names and negative, non-finite or non-numeric values are refused with an InputError that
 * names the file and the field, so a misspelt event never silently leaves its default in place.
 */
import { z } from 'zod';
import { readTextFile, parseYamlText } from '../util/yaml-file.ts';
import { parseOrThrow } from '../util/zod-issues.ts';
import { DEFAULT_ENERGY_PJ, EVENT_NAMES, type EventCounts, type EventName } from '../arch/events.ts';

const picojoules = z.number().finite().min(0);

/** Every event optional, nothing else allowed. */
const energyTableSchema = z.strictObject(
  Object.fromEntries(EVENT_NAMES.map((name) => [name, picojoules.optional()])) as Record<EventName, z.ZodOptional<typeof picojoules>>,
);

/** The default table with the values `data` gives (already parsed YAML/JSON) put in; `source` names it in errors. */
export function energyTableFrom(data: unknown, source: string): Readonly<EventCounts> {
  const override = parseOrThrow(energyTableSchema, data ?? {}, source);
  const table: EventCounts = { ...DEFAULT_ENERGY_PJ };
  for (const name of EVENT_NAMES) table[name] = override[name] ?? table[name];
  return table;
}

/** The table of `file` (YAML or JSON), or the default table when no file is given. */
export async function loadEnergyTable(file: string | undefined): Promise<Readonly<EventCounts>> {
  if (file === undefined) return DEFAULT_ENERGY_PJ;
  return energyTableFrom(parseYamlText(await readTextFile(file), file), file);
}
