/**
 * Waveform readers (sim/waveform/README.md): streaming VCD, and FST through fst2vcd.
 * `openWaveform` picks the reader by the file's extension.
 */
import { extname } from 'node:path';
import { openFst, type OpenFstOptions } from './fst.ts';
import { openVcd, type VcdReader } from './vcd-reader.ts';

export * from './vcd-reader.ts';
export { openFst, type OpenFstOptions } from './fst.ts';

/** `.fst` goes through fst2vcd; anything else is read as VCD. */
export function openWaveform(path: string, options: OpenFstOptions): Promise<VcdReader> {
  return extname(path).toLowerCase() === '.fst' ? openFst(path, options) : openVcd(path, options);
}
